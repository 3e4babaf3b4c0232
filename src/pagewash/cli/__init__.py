"""Command line: arguments -> Options -> library call -> exit status. Nothing else lives here.

``app`` holds the command group and what the commands share; ``convert`` and ``repair``
register their commands on it.

Exit status: 0 converted; 1 a document could not be converted (or, in a batch, any failed),
or an output could not be written; 2 usage error (bad option, missing input file, unknown
format or rule, output equals input or is a folder, another batch holds the --out-dir);
3 the page has no main content (login wall, empty shell). Every error is one line.
"""

from pagewash.cli import convert, repair
from pagewash.cli.app import main

__all__ = ["convert", "main", "repair"]

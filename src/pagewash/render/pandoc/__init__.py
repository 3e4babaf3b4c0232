"""DOCX, EPUB3 and every other pandoc format, written by the pandoc that pypandoc-binary ships.

The Document goes to pandoc as JSON AST (``ast``), never as HTML. Pandoc always runs with
``--sandbox`` (``binary``): whatever a hostile page put in the document, the writer can read
no local file and open no connection. ``oneshot`` renders one document with one pandoc run;
``worker`` keeps warm pandoc processes for batches; ``package`` finishes their output
deterministically (fixed zip timestamps, DOCX run languages, EPUB cover and CSS).
"""

from pagewash.render.pandoc.binary import is_binary_format, pandoc_format, pandoc_path
from pagewash.render.pandoc.oneshot import RenderJob, build_job, render_pandoc, to_pandoc_ast

__all__ = [
    "RenderJob",
    "build_job",
    "is_binary_format",
    "pandoc_format",
    "pandoc_path",
    "render_pandoc",
    "to_pandoc_ast",
]

"""Exceptions whose messages say what went wrong and what to do next."""

from __future__ import annotations


class PagewashError(Exception):
    """Base class: a document could not be converted. The message is shown to users as is."""

    stage = "pipeline"


class InputError(PagewashError):
    """The input could not be read (missing file, unreadable, empty)."""

    stage = "load"


class TooLargeError(InputError):
    """A page above the batch's size limit: refused before parsing to keep the job moving."""


class DecodeError(PagewashError):
    """The bytes could not be decoded as text in any plausible encoding."""

    stage = "load"


class NotHTMLError(PagewashError):
    """The input decoded, but it is not an HTML page (binary data, an image, a PDF)."""

    stage = "load"


class NoContentError(PagewashError):
    """The page holds no main content (login wall, empty shell); raised only on request."""

    stage = "extract"


class RenderError(PagewashError):
    """The output format could not be produced (pandoc failed or is missing)."""

    stage = "render"


class UsageError(PagewashError):
    """Options that do not fit together, an unknown format or rule name."""

    stage = "usage"


class RulesError(UsageError):
    """A user rules, protected-words or corrections file is malformed."""


class FetchError(InputError):
    """A URL could not be fetched as an HTML page (DNS, TLS, refused, HTTP status, size, type)."""

    stage = "fetch"


class MissingDependencyError(UsageError, ImportError):
    """An optional feature was used without its extra installed; the message has the pip line.

    Also an ``ImportError``, so ``try: import pagewash.ingest.langchain`` guards work as usual.
    """


class OutputError(PagewashError):
    """An output could not be written (folder not writable, disk full)."""

    stage = "write"


class OutputBusyError(UsageError):
    """Another batch holds the output folder's lock: two jobs would destroy each other's state."""

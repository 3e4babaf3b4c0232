"""Run the stages for one input: load -> parse -> extract -> repair -> render.

``clean`` returns the ``Document``; ``convert`` renders it. Batches live in ``batch/``.
Options travel as one frozen ``Options`` object (``options.py``) instead of a dozen keyword
arguments; each stage is handed its own part.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pagewash.document import Document
from pagewash.options import Options

__all__ = ["Options", "clean", "convert", "render_document"]


def clean(data: bytes | str, options: Options | None = None, **kwargs: Any) -> Document:
    """Load, parse, extract and repair one page; return the cleaned ``Document``."""
    from pagewash import extraction, load, parse, repair
    from pagewash.bounded import megabytes

    opts = _options(options, kwargs)
    loaded = load.load(data, content_type=opts.content_type, max_bytes=megabytes(opts.max_document_mb))
    page = parse.parse(loaded.text)
    doc = extraction.extract(page, opts.extraction)
    doc = replace(doc, metadata=replace(doc.metadata, encoding=loaded.encoding))
    if opts.repair and not doc.is_empty:
        doc = repair.repair_document(doc, repair.config_from_options(opts.repairing))
    return doc


def convert(data: bytes | str, to: str = "md", options: Options | None = None, **kwargs: Any) -> str | bytes:
    """Convert one page; text formats come back as ``str``, DOCX/EPUB/others as ``bytes``."""
    opts = _options(options, {**kwargs, "to": to})
    return render_document(clean(data, opts), opts)


def render_document(doc: Document, options: Options | None = None) -> str | bytes:
    """Render a cleaned document in ``options.to``."""
    from pagewash.render import render as render_any

    return render_any(doc, options or Options())


def _options(options: Options | None, kwargs: dict[str, Any]) -> Options:
    if options is None:
        return Options.from_kwargs(**kwargs)
    return replace(options, **kwargs) if kwargs else options

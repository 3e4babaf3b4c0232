"""Run the stages for one input: load -> parse -> extract -> repair -> render.

``clean`` returns the ``Document``; ``convert`` renders it. Batches live in ``batch/``.
Options travel as one frozen ``Options`` object instead of a dozen keyword arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pagewash.document import Document


@dataclass(frozen=True, slots=True)
class Options:
    """Everything a conversion can be told. Defaults are what a user gets from the CLI.

    ``max_document_mb``: a page larger than this, or one that decompresses to more, is
    refused with ``TooLargeError`` before parsing (None: no limit). 20 MB follows
    trafilatura's default; pages above it are data dumps in practice.
    """

    to: str = "md"
    url: str | None = None
    content_type: str | None = None
    front_matter: bool = True
    repair: bool = True
    # A preset of data/repair_presets.toml ("safe", "aggressive"); None: the default.
    repair_preset: str | None = None
    repair_rules: tuple[str, ...] | None = None
    skip_repair: tuple[str, ...] = ()
    protected_words: Path | None = None
    corrections: Path | None = None
    languages: tuple[str, ...] | None = None
    rules: Path | None = None
    keep_comments: bool = False
    toc: bool = False
    reference_doc: Path | None = None
    css: Path | None = None
    cover: Path | None = None
    split_level: int | None = None
    keep_remote_images: bool = False
    max_document_mb: float | None = 20.0

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """Build options from keyword arguments, refusing names that do not exist."""
        from pagewash.errors import UsageError

        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise UsageError(f"unknown option(s): {', '.join(unknown)}; known: {sorted(known)}")
        return cls(**kwargs)


def clean(data: bytes | str, options: Options | None = None, **kwargs: Any) -> Document:
    """Load, parse, extract and repair one page; return the cleaned ``Document``."""
    from pagewash import extraction, load, parse, repair
    from pagewash.bounded import megabytes

    opts = _options(options, kwargs)
    loaded = load.load(data, content_type=opts.content_type,
                       max_bytes=megabytes(opts.max_document_mb))
    tree = parse.parse(loaded.text)
    doc = extraction.extract(tree, url=opts.url, rules=opts.rules, keep_comments=opts.keep_comments)
    doc = replace(doc, metadata=replace(doc.metadata, encoding=loaded.encoding))
    if opts.repair and not doc.is_empty:
        doc = repair.repair_document(doc, repair.config_from_options(opts))
    return doc


def convert(data: bytes | str, to: str = "md", options: Options | None = None,
            **kwargs: Any) -> str | bytes:
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

"""One document through pandoc: check the options, translate the document (``ast``), run
the binary once (``binary``), finish the package (``package``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from pagewash.document import Document
from pagewash.errors import RenderError, UsageError
from pagewash.options import Options, RenderOptions, rendering
from pagewash.render.pandoc.ast import AstConfig, document_to_ast
from pagewash.render.pandoc.binary import (
    CSS_FORMATS,
    EPUB_FORMATS,
    REFERENCE_DOC_FORMATS,
    TITLE_IN_BODY_FORMATS,
    XHTML_FORMATS,
    pandoc_api_version,
    pandoc_format,
    run,
)
from pagewash.render.pandoc.job import RenderJob
from pagewash.render.pandoc.languages import document_language
from pagewash.render.pandoc.package import cover_type, finish


def source_date_epoch(doc: Document) -> int:
    """``SOURCE_DATE_EPOCH`` when the user set it, else the document's date, else 0."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        if not value.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, got {value!r}")
        return int(value)
    date = parse_date(doc.metadata.date)
    if date is None:
        return 0
    return int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC).timestamp())


FIRST_YEAR = 1601  # pandoc drops earlier dates, which leaves EPUB's dc:date empty
DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?(?:\b|T)"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b"),
)


def parse_date(text: str | None) -> dt.date | None:
    """A calendar date from ISO-like ("2021-03-04", "2021") or dotted ("04.03.2021") text."""
    text = (text or "").strip()
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            date = dt.date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
        except ValueError:
            return None
        return date if date.year >= FIRST_YEAR else None
    return None


def _iso_date(doc: Document, epoch: int) -> str:
    date = parse_date(doc.metadata.date)
    if date is None:
        date = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).date()
    return date.isoformat()


def ast_config(to: str, options: RenderOptions, doc: Document, epoch: int) -> AstConfig:
    return AstConfig(
        api_version=pandoc_api_version(),
        keep_remote_images=options.keep_remote_images,
        regional_tags=to in ("docx", "odt", "pptx"),
        xml_lang=to in XHTML_FORMATS,
        date=_iso_date(doc, epoch) if to in EPUB_FORMATS else None,
        drop_title_heading=to not in TITLE_IN_BODY_FORMATS,
    )


def _read_option_file(path: Path | str | None, what: str) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the {what} file {str(path)!r}: {exc.strerror}") from exc


def _check_options(to: str, options: RenderOptions) -> None:
    if options.reference_doc is not None and to not in REFERENCE_DOC_FORMATS:
        raise UsageError("--reference-doc applies to docx, odt and pptx output only")
    if options.css is not None and to not in CSS_FORMATS:
        raise UsageError("--css applies to epub and html output only")
    if options.cover is not None and to not in EPUB_FORMATS:
        raise UsageError("--cover applies to epub output only")
    level = options.split_level
    if level is not None and (not isinstance(level, int) or not 1 <= level <= 6):
        raise UsageError(f"--split-level must be 1..6, got {level!r}")
    if options.reference_doc is not None and not Path(options.reference_doc).is_file():
        raise UsageError(f"reference document not found: {str(options.reference_doc)!r}")


def build_job(doc: Document, to: str, options: Options | RenderOptions) -> RenderJob:
    """Check the options, translate the document and collect what the writer needs."""
    options = rendering(options)
    fmt = pandoc_format(to)
    _check_options(fmt, options)
    epoch = source_date_epoch(doc)
    try:
        ast = document_to_ast(doc, ast_config(fmt, options, doc, epoch))
    except RecursionError as exc:
        raise RenderError(
            "the document is nested too deeply (hundreds of levels of lists, "
            "quotes or emphasis) to be written; flatten it first"
        ) from exc
    cover = _read_option_file(options.cover, "cover image")
    if cover is not None:
        cover_type(cover)
    epub = fmt in EPUB_FORMATS
    return RenderJob(
        to=fmt,
        ast=json.dumps(ast, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        epoch=epoch,
        toc=options.toc,
        reference_doc=str(Path(options.reference_doc).resolve()) if options.reference_doc else None,
        split_level=options.split_level if epub else None,
        css=_read_option_file(options.css, "CSS") if epub else None,
        css_link=str(options.css) if options.css and not epub else None,
        cover=cover,
        language=document_language(doc),
    )


def to_pandoc_ast(doc: Document) -> dict[str, Any]:
    """The document as pandoc JSON AST, for the shipped pandoc's API version."""
    return document_to_ast(doc, AstConfig(api_version=pandoc_api_version()))


def render_pandoc(doc: Document, to: str, options: Options | RenderOptions) -> bytes:
    """Write ``doc`` in pandoc format ``to`` (docx, epub, odt, html, latex, rst, …)."""
    job = build_job(doc, to, options)
    return finish(job, run(job.cli_args(), job.ast))

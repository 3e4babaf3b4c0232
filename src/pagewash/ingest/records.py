"""Ingestion records: one page in, one flat record out, and never an exception for a bad page.

Ingestion code (Dolma, DataTrove, NeMo Curator, a Spark or Ray map step) wants a row per page
with a fixed shape, not a ``Document`` and not a traceback. ``clean_record`` turns
``{"url", "html", "id"?}`` into such a row; a page that cannot be converted becomes a row with
``status="error"`` and the reason in ``errors``, so one bad page never fails a task.

Record schema (every key always present, types fixed so Arrow/Parquet can store the rows):

=========  ==================  =====================================================
field      type                meaning
=========  ==================  =====================================================
id         str                 the input id; else the URL's SHA-1; else the page's
url        str | None          the input URL (or the page's canonical URL)
title      str | None          document title
authors    list[str]           author names, page order
language   str | None          main language (ISO 639-1 where known)
keywords   list[str]           keywords as the page lists them
date       str | None          publication date; the input's ``date`` when the page has none
text       str                 Markdown body without front matter ("" unless status ok)
format     str                 format of ``text``: "md" (or "txt" when asked)
changes    list[dict]          every recorded change, keys ``CHANGE_KEYS``
status     str                 "ok" | "empty" | "error"
errors     list[dict]          reasons, keys ``ERROR_KEYS``; empty when status is ok
=========  ==================  =====================================================

An empty page (no main content) has status ``empty`` and one entry in ``errors`` with stage
``extract`` and type ``NoContent``, the same entry batch runs write to ``errors.jsonl``.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pagewash.document import Document
from pagewash.errors import PagewashError
from pagewash.ingest.timeout import DocumentTimeout, raised_by_host, time_limit
from pagewash.options import Options
from pagewash.output import valid_unicode

RECORD_FIELDS: tuple[str, ...] = (
    "id",
    "url",
    "title",
    "authors",
    "language",
    "keywords",
    "date",
    "text",
    "format",
    "changes",
    "status",
    "errors",
)
CHANGE_KEYS: tuple[str, ...] = ("stage", "rule", "before", "after", "reason", "block", "offset")
ERROR_KEYS: tuple[str, ...] = ("stage", "type", "message")
DEFAULT_FIELDS: tuple[str, str, str] = ("url", "html", "id")
TEXT_RECORD_FORMATS = frozenset({"md", "txt"})
PIPELINE_STAGES = frozenset({"load", "parse", "extract", "repair", "render"})
MESSAGE_LIMIT = 500


def _default_clean(data: bytes | str, options: Options) -> Document:
    from pagewash.pipeline import clean

    return clean(data, options)


def _default_render(doc: Document, options: Options) -> str | bytes:
    """Batch rendering: pandoc formats go to the worker process's warm pandoc, not a new one."""
    from pagewash.render import render

    return render(doc, options, persistent=True)


@dataclass(frozen=True)
class Stages:
    """The per-document functions a batch calls; tests swap in stand-ins.

    Both must be module-level functions so worker processes can receive them by name.
    """

    clean: Callable[[bytes | str, Options], Document] = _default_clean
    render: Callable[[Document, Options], str | bytes] = _default_render


PIPELINE = Stages()


def clean_record(
    record: Mapping[str, Any],
    options: Options | None = None,
    *,
    fields: tuple[str, str, str] = DEFAULT_FIELDS,
    stages: Stages = PIPELINE,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Clean one input record into an output record (schema in the module docstring).

    ``fields`` names the input keys holding the URL, the HTML (str or bytes) and the id.
    Optional input keys ``date`` (a crawl date, used when the page has none) and
    ``content_type`` (the HTTP header, for its charset) are read when present.
    Never raises for a bad document or a bad row: a row that is not a mapping is an error
    row (``InvalidRecord``), and any failure is described in ``errors``. Lone surrogates in
    ids and URLs (a cut emoji in JSON) become U+FFFD, so rows fit Arrow and strict UTF-8.

    ``timeout`` (seconds) stops a page that takes longer, with a ``Timeout`` error. Its
    contract is ``pagewash.ingest.timeout``'s: the main thread of a POSIX process (a Ray,
    Spark or Dask *process* task is one), elsewhere off with a warning once; the host's own
    alarm keeps its remaining time. What the first page of a process pays for (loading
    rules, lexicons, building the word-frequency cache) is done once before the limit
    starts (``warm_up``), so a short limit fails slow pages, not the first one. A page stuck
    inside a C library is stopped when control comes back to Python; batch runs kill such
    workers instead.
    """
    url_key, html_key, id_key = fields
    if not isinstance(record, Mapping):
        raw = record if isinstance(record, (str, bytes)) else None
        problem = error_entry(
            "input",
            "InvalidRecord",
            f"the row is a {type(record).__name__}, not a mapping with the field {html_key!r}",
        )
        return error_record(_record_id(None, None, raw), None, problem)
    url = _optional_str(record.get(url_key))
    html = record.get(html_key)
    record_id = _record_id(record.get(id_key), url, html)
    if not isinstance(html, (str, bytes)):
        problem = error_entry("input", "MissingField", f"the record has no str/bytes field {html_key!r}")
        return error_record(record_id, url, problem)
    options = options or Options()
    if timeout is not None:
        warm_up(options, stages)
    try:
        with time_limit(timeout):
            return _clean(html, record, record_id, url, options, stages)
    except DocumentTimeout as exc:
        return error_record(record_id, url, error_entry("pipeline", "Timeout", str(exc)))
    except Exception as exc:  # any failure, RecursionError and MemoryError included, is reported
        if raised_by_host(exc):
            raise  # the host's own alarm handler raised it: it is the host's, not the page's
        return error_record(record_id, url, describe_error(exc))


def clean_batch(
    records: Iterable[Mapping[str, Any]],
    options: Options | None = None,
    *,
    fields: tuple[str, str, str] = DEFAULT_FIELDS,
    stages: Stages = PIPELINE,
    timeout: float | None = None,
) -> list[dict[str, Any]]:
    """``clean_record`` over many records, in order; one output row per input row."""
    return [clean_record(r, options, fields=fields, stages=stages, timeout=timeout) for r in records]


WARM_UP_PAGE = (
    "<html><head><title>A walk in the park</title></head><body><article>"
    "<h1>A walk in the park</h1>"
    "<p>The weather was mild on Sunday, and many people walked in the park all afternoon. "
    "Children played near the old fountain while their parents talked on the benches.</p>"
    "<p>In the evening the paths grew quiet again, and the gardeners closed the gates. "
    "The city plans to plant more trees along the river next spring.</p>"
    "<p>Погода в воскресенье была мягкой, и многие жители гуляли в парке весь день. "
    "Дети играли у старого фонтана, а родители беседовали на скамейках.</p>"
    "<p>Вечером дорожки опустели, и садовники закрыли ворота. Весной город собирается "
    "посадить новые деревья вдоль реки.</p></article></body></html>"
)
_WARMED: set[tuple[Stages, Options]] = set()
_WARMED_LIMIT = 64
WARM_UP_SECONDS = 300.0


def warm_up(options: Options, stages: Stages = PIPELINE) -> None:
    """Convert a small English and Russian page once per process (and options), outside the
    records' time limit: rules, lexicons and the word-frequency cache are loaded (the cache
    built and stored on first use), so a record's time limit measures the record alone.

    A failure here is ignored (the record itself will report it); the warm-up has a limit of
    its own, ``WARM_UP_SECONDS``, far above what a build takes (about 2 s).
    """
    key = (stages, options)
    if key in _WARMED:
        return
    if len(_WARMED) >= _WARMED_LIMIT:
        _WARMED.clear()
    _WARMED.add(key)
    try:
        with time_limit(WARM_UP_SECONDS):
            _clean(WARM_UP_PAGE, {}, "warm-up", None, options, stages)
    except DocumentTimeout:
        return
    except Exception as exc:  # the record reports its own failure
        if raised_by_host(exc):
            raise


def _clean(
    html: bytes | str,
    record: Mapping[str, Any],
    record_id: str,
    url: str | None,
    options: Options,
    stages: Stages,
) -> dict[str, Any]:
    text_format = options.to if options.to in TEXT_RECORD_FORMATS else "md"
    opts = replace(
        options,
        to=text_format,
        front_matter=False,
        url=url or options.url,
        content_type=_optional_str(record.get("content_type")) or options.content_type,
    )
    doc = stages.clean(html, opts)
    fallback_date = _optional_str(record.get("date"))
    if doc.is_empty:
        reason = doc.reason or "no main content"
        return document_record(
            doc, record_id, url, "", text_format, fallback_date, [error_entry("extract", "NoContent", reason)]
        )
    rendered = stages.render(doc, opts)
    text = rendered.decode("utf-8") if isinstance(rendered, bytes) else rendered
    return document_record(doc, record_id, url, text, text_format, fallback_date, [])


def document_record(
    doc: Document,
    record_id: str,
    url: str | None,
    text: str,
    text_format: str,
    fallback_date: str | None,
    errors: list[dict[str, str]],
) -> dict[str, Any]:
    """The output row for a cleaned document (``status`` follows ``doc.status``)."""
    meta = doc.metadata
    return {
        "id": record_id,
        "url": url or meta.url,
        "title": meta.title,
        "authors": list(meta.authors),
        "language": meta.language,
        "keywords": list(meta.keywords),
        "date": meta.date or fallback_date,
        "text": text,
        "format": text_format,
        "changes": [_change_dict(c.to_dict()) for c in doc.changes],
        "status": "empty" if doc.is_empty else "ok",
        "errors": errors,
    }


def error_record(record_id: str, url: str | None, problem: dict[str, str]) -> dict[str, Any]:
    """The output row for a page that could not be converted."""
    return {
        "id": record_id,
        "url": url,
        "title": None,
        "authors": [],
        "language": None,
        "keywords": [],
        "date": None,
        "text": "",
        "format": "md",
        "changes": [],
        "status": "error",
        "errors": [problem],
    }


def error_entry(stage: str, error_type: str, message: str) -> dict[str, str]:
    return {"stage": stage, "type": error_type, "message": message[:MESSAGE_LIMIT]}


def describe_error(exc: BaseException) -> dict[str, str]:
    """Stage, type and message of a failure.

    ``PagewashError`` says its stage; for anything else (a bug, RecursionError, MemoryError)
    the stage is the deepest pipeline module in the traceback, so reports still say where.
    """
    stage = exc.stage if isinstance(exc, PagewashError) else _stage_from_traceback(exc)
    message = str(exc) or type(exc).__name__
    return error_entry(stage, type(exc).__name__, message)


def _stage_from_traceback(exc: BaseException) -> str:
    stage = "pipeline"
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        parts = str(frame.f_globals.get("__name__", "")).split(".")
        if len(parts) > 1 and parts[0] == "pagewash" and parts[1] in PIPELINE_STAGES:
            stage = parts[1]
    return stage


def _change_dict(change: dict[str, Any]) -> dict[str, Any]:
    """A change with exactly ``CHANGE_KEYS``: strings, ``block`` str|None, ``offset`` int|None."""
    out: dict[str, Any] = {key: change.get(key) for key in CHANGE_KEYS}
    for key in ("stage", "rule", "before", "after", "reason"):
        out[key] = "" if out[key] is None else str(out[key])
    out["block"] = None if out["block"] is None else str(out["block"])
    return out


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = valid_unicode(str(value)).strip()
    return text or None


def _record_id(value: Any, url: str | None, html: Any) -> str:
    """The input id as text; otherwise a stable hash of the URL, or of the page itself."""
    given = _optional_str(value)
    if given is not None:
        return given
    if url is not None:
        return hashlib.sha1(url.encode("utf-8")).hexdigest()
    if isinstance(html, str):
        html = html.encode("utf-8", "surrogatepass")
    if isinstance(html, bytes):
        return hashlib.sha1(html).hexdigest()
    return hashlib.sha1(b"").hexdigest()


def arrow_schema() -> Any:
    """The record schema as a ``pyarrow.Schema`` (pyarrow imported only when asked)."""
    import pyarrow as pa

    change = pa.struct([(k, pa.int64() if k == "offset" else pa.string()) for k in CHANGE_KEYS])
    error = pa.struct([(k, pa.string()) for k in ERROR_KEYS])
    return pa.schema(
        [
            ("id", pa.string()),
            ("url", pa.string()),
            ("title", pa.string()),
            ("authors", pa.list_(pa.string())),
            ("language", pa.string()),
            ("keywords", pa.list_(pa.string())),
            ("date", pa.string()),
            ("text", pa.string()),
            ("format", pa.string()),
            ("changes", pa.list_(change)),
            ("status", pa.string()),
            ("errors", pa.list_(error)),
        ]
    )

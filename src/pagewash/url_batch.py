"""Converting a list of URLs into an output folder: ``pagewash convert --input-file urls.txt``.

URLs are fetched one after another (one connection pool, polite to the servers), each page
converted as soon as it arrives. The output folder gets, as a file batch writes them:

- ``000000.md``, ``000001.md``, ... — one output per URL, named by its position in the list
  (the front matter, or the JSON record, holds the final URL); with ``to="jsonl"`` instead
  one ``documents.jsonl`` of records in list order;
- ``errors.jsonl`` — one line per URL that failed (fetch or conversion) or had no main
  content, with ``input`` (the list file, or "arguments"), ``record`` (position), ``url``,
  ``status``, ``stage``, ``type`` and ``message``.

Every file is written whole or not at all; one bad URL never stops the list.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pagewash.batch.plan import output_suffix
from pagewash.batch.settings import ERRORS_FILE, RECORDS_FILE, RECORDS_FORMAT, BatchSummary
from pagewash.errors import InputError, UsageError
from pagewash.fetch import FetchSettings, fetch, is_url, new_client
from pagewash.ingest.records import describe_error, document_record, error_entry, error_record
from pagewash.ingest.timeout import DocumentTimeout, time_limit
from pagewash.output import atomic_write
from pagewash.pipeline import Options, clean, render_document

ARGUMENTS = "arguments"


@dataclass(frozen=True, slots=True)
class UrlInput:
    """One URL to convert and where it was named (the list file and line, or the arguments)."""

    url: str
    origin: str
    line: int | None = None


def read_url_list(path: Path) -> list[UrlInput]:
    """The URLs of a list file: one per line; blank lines and ``#`` comments skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save the URL list as UTF-8") from exc
    urls = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise UsageError(f"{path}:{number}: {line[:80]!r} is not an http(s) URL")
        urls.append(UrlInput(line, str(path), number))
    if not urls:
        raise UsageError(f"{path}: no URLs in the list (one http(s) URL per line)")
    return urls


def run_url_batch(
    urls: Sequence[UrlInput],
    options: Options,
    out_dir: Path,
    fetch_settings: FetchSettings,
    *,
    quiet: bool = False,
) -> BatchSummary:
    """Fetch and convert every URL into ``out_dir``; see the module docstring."""
    started = time.monotonic()
    records_mode = options.to == RECORDS_FORMAT
    suffix = output_suffix(options.to)
    records: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    counts = {"ok": 0, "empty": 0, "error": 0}
    with new_client(fetch_settings) as client:
        for index, item in enumerate(urls):
            status, record, rendered = _convert(item, options, fetch_settings, client)
            counts[status] += 1
            if records_mode:
                records.append(record)
            elif rendered is not None:
                atomic_write(out_dir / f"{index:06d}.{suffix}", rendered)
            if status != "ok":
                errors.append(_error_line(item, index, record))
            if not quiet:
                print(f"pagewash: [{index + 1}/{len(urls)}] {status} {item.url}", file=sys.stderr)
    if records_mode:
        atomic_write(out_dir / RECORDS_FILE, _jsonl(records))
    if errors:
        atomic_write(out_dir / ERRORS_FILE, _jsonl(errors))
    summary = BatchSummary(
        counts["ok"], counts["empty"], counts["error"], 0, time.monotonic() - started, out_dir
    )
    if not quiet:
        print(summary.line(), file=sys.stderr)
    return summary


def _convert(
    item: UrlInput, options: Options, settings: FetchSettings, client: Any
) -> tuple[str, dict[str, Any], str | bytes | None]:
    """(status, record, rendered output); never raises for a bad page."""
    try:
        page = fetch(item.url, settings, client)
    except InputError as exc:
        return "error", error_record(item.url, item.url, describe_error(exc)), None
    opts = replace(options, url=page.url, content_type=page.content_type)
    text_opts = replace(opts, to="md", front_matter=False)
    try:
        with time_limit(settings.timeout):
            doc = clean(page.data, opts)
            if doc.is_empty:
                reason = error_entry("extract", "NoContent", doc.reason or "no main content")
                return "empty", document_record(doc, page.url, page.url, "", "md", None, [reason]), None
            rendered = render_document(doc, opts if options.to != RECORDS_FORMAT else text_opts)
    except DocumentTimeout as exc:
        return "error", error_record(page.url, page.url, error_entry("pipeline", "Timeout", str(exc))), None
    except Exception as exc:  # any failure of one page is reported, and the list goes on
        return "error", error_record(page.url, page.url, describe_error(exc)), None
    text = rendered.decode("utf-8") if isinstance(rendered, bytes) else rendered
    record = document_record(
        doc, page.url, page.url, text if options.to == RECORDS_FORMAT else "", "md", None, []
    )
    return "ok", record, rendered


def _error_line(item: UrlInput, index: int, record: dict[str, Any]) -> dict[str, Any]:
    problem = record["errors"][0]
    return {
        "input": item.origin,
        "record": index,
        "offset": None,
        "url": item.url,
        "id": None,
        "status": record["status"],
        **problem,
    }


def _jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

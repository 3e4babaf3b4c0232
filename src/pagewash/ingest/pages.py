"""What every framework adapter shares: pages read from paths, cleaned into records, and the
records' metadata in the shape frameworks store next to a document's text.

The adapters (``datatrove``, ``nemo_curator``, ``langchain``, ``llama_index``, ``haystack``)
differ only in the framework's base class and document type; reading inputs, cleaning a page
and naming metadata live here once, so a page gives the same text and the same metadata
whichever framework asked for it.

Inputs are read with the batch engine's readers (``pagewash.batch.sources``): HTML files (also
``.gz``), folders walked recursively, JSONL files of ``{"url", "html", "id"}`` records and
WARC files (HTML responses with a 2xx status; the record's URL, date and charset kept).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from pagewash.errors import MissingDependencyError
from pagewash.ingest.records import clean_record, error_entry, error_record
from pagewash.options import Options

logger = logging.getLogger("pagewash")

# Record fields that become framework metadata, in this order. ``date`` is the page's
# publication date, else the crawl date of a WARC/JSONL record.
METADATA_FIELDS: tuple[str, ...] = ("title", "authors", "language", "date", "url", "keywords")
DEFAULT_TIMEOUT = 60.0

PathInput = str | PathLike[str]


@dataclass(frozen=True, slots=True)
class Page:
    """One page to clean and where it came from.

    ``source`` names it for people: the file's path, with ``#N`` for the N-th document of a
    JSONL or WARC file. ``problem`` is ``(type, message)`` when the page could not be read.
    """

    data: bytes | str | None
    source: str
    url: str | None = None
    id: str | None = None
    date: str | None = None
    content_type: str | None = None
    problem: tuple[str, str] | None = None

    def as_input_record(self) -> dict[str, Any]:
        """The page as a ``clean_record`` input row."""
        return {
            "url": self.url,
            "html": self.data,
            "id": self.id,
            "date": self.date,
            "content_type": self.content_type,
        }


def missing_framework(framework: str, package: str, extra: str) -> MissingDependencyError:
    """The error an adapter raises when its framework is not installed."""
    return MissingDependencyError(
        f"the {framework} adapter needs {package}; install it with: pip install 'pagewash[{extra}]'"
    )


def as_paths(paths: PathInput | Sequence[PathInput]) -> list[Path]:
    """One path or several, as a list (a bare string is one path, not a sequence of letters)."""
    if isinstance(paths, (str, PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def iter_pages(paths: PathInput | Sequence[PathInput], glob: str | None = None) -> Iterator[Page]:
    """Every page of ``paths`` (files, folders, JSONL, WARC), in sorted path order, streamed.

    A missing path raises ``InputError`` before anything is read; a page or record that cannot
    be read comes out with ``problem`` set, so the caller decides and the rest is still read.
    """
    from pagewash.batch.sources import expand_inputs, iter_documents

    for source in expand_inputs(as_paths(paths), glob):
        for doc in iter_documents(source):
            name = f"{source.path}#{doc.index}" if source.is_container else str(source.path)
            if doc.problem is not None:
                yield Page(None, name, doc.url, doc.id, doc.date, problem=doc.problem)
                continue
            data: bytes | str | None = doc.data
            problem = None
            if data is None:
                data, problem = _read(source.path)
            yield Page(data, name, doc.url, doc.id, doc.date, doc.content_type, problem)


def _read(path: Path) -> tuple[bytes | None, tuple[str, str] | None]:
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, ("InputError", f"cannot be read ({exc.strerror}); check its permissions")


def clean_page(
    page: Page, options: Options | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> dict[str, Any]:
    """The page's record (``pagewash.ingest.records`` schema); never raises for a bad page."""
    if page.problem is not None:
        kind, message = page.problem
        return error_record(page.id or page.source, page.url, error_entry("load", kind, message))
    return clean_record(page.as_input_record(), options, timeout=timeout)


def document_metadata(record: dict[str, Any]) -> dict[str, Any]:
    """The record's metadata for a framework document: ``METADATA_FIELDS`` that have a value.

    Keys without a value are left out rather than stored as None or []: vector stores
    (Chroma, Pinecone) refuse None values and empty lists in metadata.
    """
    out: dict[str, Any] = {}
    for key in METADATA_FIELDS:
        value = record.get(key)
        if value is None or value == [] or value == "":
            continue
        out[key] = list(value) if isinstance(value, list) else value
    return out


def log_skipped(source: str, record: dict[str, Any]) -> None:
    """One warning line for a page that gave no document: why, and where it came from."""
    problem = record["errors"][0] if record["errors"] else {"type": "NoContent", "message": ""}
    what = "no main content" if record["status"] == "empty" else "failed"
    logger.warning("pagewash: %s: %s (%s: %s); skipped", source, what, problem["type"], problem["message"])


def skip_reason(record: dict[str, Any]) -> str:
    """A one-line reason for a record without content, for errors raised on request."""
    problem = record["errors"][0] if record["errors"] else {"type": "NoContent", "message": ""}
    return f"{problem['type']}: {problem['message']}"

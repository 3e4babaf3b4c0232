"""Batch inputs: files, folders, JSONL files of records and WARC files, read as a stream.

``expand_inputs`` turns what the user named into a sorted list of ``InputFile`` (folders are
walked recursively; hidden files and folders are skipped); ``iter_documents`` streams the
documents of one input file. A record that cannot be read (invalid UTF-8 or JSON in a JSONL
line, a WARC record cut short) comes out as a ``SourceDocument`` with ``problem`` set, so it
becomes an error record and the rest of the file is still read.

Kinds are told by name: ``.jsonl``/``.ndjson`` (optionally ``.gz``) are JSONL, ``.warc`` and
``.warc.gz`` are WARC, anything else is one page (its bytes are sniffed by the loader).
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from pagewash.errors import InputError

HTML, JSONL, WARC = "html", "jsonl", "warc"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WARC_DOCUMENT_TYPES = ("response", "resource")


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read. ``rel`` is its name relative to the inputs' common base (mirrored)."""

    path: Path
    rel: PurePosixPath
    kind: str

    @property
    def is_container(self) -> bool:
        return self.kind != HTML


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One page to convert: ``data`` is None for a page file (the worker reads ``path``).

    ``index`` counts documents within the input file (0-based); ``offset`` is the byte offset
    of the JSONL line or WARC record (None for page files). ``problem`` holds
    ``(type, message)`` when the record itself could not be read.
    """

    index: int
    offset: int | None = None
    data: bytes | str | None = None
    url: str | None = None
    id: str | None = None
    date: str | None = None
    content_type: str | None = None
    problem: tuple[str, str] | None = None


def kind_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return JSONL
    if name.endswith(WARC_SUFFIXES):
        return WARC
    return HTML


def expand_inputs(inputs: Sequence[Path], glob: str | None = None,
                  exclude: Path | None = None) -> list[InputFile]:
    """Every input file, sorted by relative name, each file once.

    A single folder is mirrored from its own root; otherwise names are relative to the
    deepest folder holding all inputs, so two inputs never share a relative name. ``glob``
    filters files found in folders (not files named directly); ``exclude`` (the output
    folder) is never read, so outputs written inside an input folder are not re-ingested.
    """
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder; check the path")
    if not paths:
        raise InputError("no input given; name files or folders to convert")
    resolved = [p.resolve() for p in paths]
    base = _common_base(resolved)
    skip = exclude.resolve() if exclude is not None else None
    found: dict[Path, InputFile] = {}
    for path in resolved:
        files = _walk(path, glob, skip) if path.is_dir() else [path]
        for file in files:
            key = file.resolve()
            if key not in found:
                rel = PurePosixPath(file.relative_to(base).as_posix())
                found[key] = InputFile(file, rel, kind_of(file))
    return sorted(found.values(), key=lambda f: f.rel.as_posix())


def _common_base(paths: list[Path]) -> Path:
    if len(paths) == 1:
        return paths[0] if paths[0].is_dir() else paths[0].parent
    return Path(os.path.commonpath([str(p.parent) for p in paths]))


def _walk(folder: Path, glob: str | None, skip: Path | None) -> list[Path]:
    files = []
    for path in folder.rglob(glob or "*"):
        rel_parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel_parts) or not path.is_file():
            continue
        if skip is not None and (path == skip or skip in path.parents):
            continue
        files.append(path)
    return files


def iter_documents(source: InputFile,
                   fields: tuple[str, str, str] = ("url", "html", "id")) -> Iterator[SourceDocument]:
    """Stream the documents of one input file, in file order."""
    if source.kind == JSONL:
        yield from _iter_jsonl(source, fields)
    elif source.kind == WARC:
        yield from _iter_warc(source)
    else:
        yield SourceDocument(index=0)


# ---------------------------------------------------------------- JSONL


def _open_jsonl(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _iter_jsonl(source: InputFile, fields: tuple[str, str, str]) -> Iterator[SourceDocument]:
    index = 0
    offset = 0
    with _open_jsonl(source.path) as handle:
        try:
            for line in handle:
                start, offset = offset, offset + len(line)
                if not line.strip():
                    continue
                yield _jsonl_document(line, index, start, fields)
                index += 1
        except (OSError, EOFError, zlib.error) as exc:
            yield SourceDocument(index=index, offset=offset,
                                 problem=("TruncatedInput", f"the file cannot be read past "
                                          f"byte {offset} ({exc}); later records are lost"))


def _jsonl_document(line: bytes, index: int, offset: int,
                    fields: tuple[str, str, str]) -> SourceDocument:
    url_key, html_key, id_key = fields
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SourceDocument(index=index, offset=offset, problem=(
            "InvalidUTF8", f"the JSONL line is not valid UTF-8 ({exc.reason} at byte "
            f"{exc.start}); JSON text must be UTF-8"))
    try:
        record: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return SourceDocument(index=index, offset=offset,
                              problem=("InvalidJSON", f"the JSONL line is not JSON ({exc})"))
    if not isinstance(record, dict):
        return SourceDocument(index=index, offset=offset, problem=(
            "InvalidRecord", f"the JSONL line is a {type(record).__name__}, not an object"))
    url, html, record_id = record.get(url_key), record.get(html_key), record.get(id_key)
    if not isinstance(html, str):
        return SourceDocument(index=index, offset=offset, url=_text(url), id=_text(record_id),
                              problem=("MissingField", f"the record has no string field "
                                       f"{html_key!r} (fields are set by jsonl_fields)"))
    return SourceDocument(index=index, offset=offset, data=html, url=_text(url),
                          id=_text(record_id), date=_text(record.get("date")),
                          content_type=_text(record.get("content_type")))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------- WARC


def _iter_warc(source: InputFile) -> Iterator[SourceDocument]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    wanted = WarcRecordType.response | WarcRecordType.resource
    index = 0
    with open(source.path, "rb") as handle:
        records = ArchiveIterator(handle, record_types=wanted, parse_http=True,
                                  auto_decode="all")
        try:
            for record in records:
                document = _warc_document(record, index)
                if document is not None:
                    yield document
                    index += 1
        except (OSError, ValueError) as exc:
            yield SourceDocument(index=index, problem=(
                "TruncatedInput", f"the WARC file cannot be read further ({exc})"))


def _warc_document(record: Any, index: int) -> SourceDocument | None:
    """A document for an HTML response/resource record; None for records that are not pages."""
    headers = record.headers
    url = headers.get("WARC-Target-URI")
    base = {"index": index, "offset": record.stream_pos, "url": url,
            "id": (headers.get("WARC-Record-ID") or "").strip("<>") or None,
            "date": headers.get("WARC-Date")}
    if headers.get("Content-Length") is None:
        return SourceDocument(**base, problem=(
            "TruncatedRecord", "the WARC record is cut short: its header block is incomplete"))
    payload = record.reader.read()
    if len(payload) < record.content_length:
        return SourceDocument(**base, problem=(
            "TruncatedRecord", f"the WARC record is cut short: its block declares "
            f"{headers.get('Content-Length')} bytes, the file ends before them"))
    content_type = _warc_content_type(record)
    if not _is_page(record, content_type):
        return None
    return SourceDocument(**base, data=payload, content_type=content_type)


def _warc_content_type(record: Any) -> str | None:
    if record.http_headers is not None:
        return record.http_headers.get("Content-Type")
    return record.headers.get("Content-Type")


def _is_page(record: Any, content_type: str | None) -> bool:
    """HTML (or undeclared) payloads with a 2xx status; redirects and media are not pages."""
    if record.is_http and record.http_headers is not None:
        status = record.http_headers.status_code
        if status is not None and not 200 <= status < 300:
            return False
    elif str(record.record_type).endswith("response"):
        return False
    if not content_type:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in HTML_MEDIA_TYPES

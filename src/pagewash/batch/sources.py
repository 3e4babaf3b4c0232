"""Batch inputs: files, folders, JSONL files of records and WARC files, read as a stream.

``find_inputs`` turns what the user named into a sorted list of ``InputFile`` (folders are
walked recursively; hidden files and folders, and anything that is not a regular file, are
skipped); ``iter_documents`` streams the documents of one input file. A record that cannot
be read (invalid UTF-8 or JSON in a JSONL line, JSON nested too deep, a WARC record cut
short, a line or payload above the size limit) comes out as a ``SourceDocument`` with
``problem`` set, so it becomes an error record and the rest of the file is still read.

Symbolic links inside a folder are followed only while they stay inside it (their target is
converted once, under its own name); links leading out of the folder are skipped and listed
(``Inputs.skipped``) unless ``follow_symlinks`` is set. Inputs named directly are the
user's choice and always read.

Sizes are bounded before anything is held whole: a JSONL line longer than three times the
document limit (the most JSON's ``\\uXXXX`` escaping adds to UTF-8 text of two or more
bytes a character) is skipped by reading on to its end in chunks; a WARC record's block is
refused by its declared length, and its ``Content-Encoding`` is undone with the bound.

Kinds are told by name: ``.jsonl``/``.ndjson`` (optionally ``.gz``) are JSONL, ``.warc`` and
``.warc.gz`` are WARC, anything else is one page (its bytes are sniffed by the loader).
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from pagewash.bounded import CHUNK, check_size, decode_content, too_large
from pagewash.errors import InputError, PagewashError
from pagewash.output import printable_path, valid_unicode

HTML, JSONL, WARC = "html", "jsonl", "warc"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WARC_DOCUMENT_TYPES = ("response", "resource")
JSON_ESCAPE_FACTOR = 3
TOO_LARGE = "TooLargeError"


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
class Inputs:
    """The files to read, and the links leading out of input folders that were not followed
    (names relative to the inputs' base, printable)."""

    files: list[InputFile]
    skipped: tuple[str, ...] = ()


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


def expand_inputs(
    inputs: Sequence[Path],
    glob: str | None = None,
    exclude: Path | None = None,
    follow_symlinks: bool = False,
) -> list[InputFile]:
    """The files of ``find_inputs``."""
    return find_inputs(inputs, glob, exclude, follow_symlinks).files


def find_inputs(
    inputs: Sequence[Path],
    glob: str | None = None,
    exclude: Path | None = None,
    follow_symlinks: bool = False,
) -> Inputs:
    """Every input file, sorted by relative name, each file once.

    A single folder is mirrored from its own root; otherwise names are relative to the
    deepest folder holding all inputs, so two inputs never share a relative name. ``glob``
    filters files found in folders (not files named directly); ``exclude`` (the output
    folder) is never read, so outputs written inside an input folder are not re-ingested.
    """
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.exists():
            raise InputError(f"{printable_path(path)}: no such file or folder; check the path")
    if not paths:
        raise InputError("no input given; name files or folders to convert")
    resolved = [p.resolve() for p in paths]
    base = _common_base(resolved)
    skip = exclude.resolve() if exclude is not None else None
    found: dict[Path, InputFile] = {}
    skipped: list[str] = []
    for path in resolved:
        if path.is_dir():
            walk = _Walk(path, glob, skip, follow_symlinks)
            files = walk.files()
            skipped += [printable_path(p.relative_to(base).as_posix()) for p in walk.skipped]
        else:
            files = [path]
        for file in files:
            key = file.resolve()
            if key not in found:
                rel = PurePosixPath(file.relative_to(base).as_posix())
                found[key] = InputFile(file, rel, kind_of(file))
    return Inputs(sorted(found.values(), key=lambda f: f.rel.as_posix()), tuple(sorted(skipped)))


def _common_base(paths: list[Path]) -> Path:
    if len(paths) == 1:
        return paths[0] if paths[0].is_dir() else paths[0].parent
    return Path(os.path.commonpath([str(p.parent) for p in paths]))


class _Walk:
    """One input folder walked without leaving it through a link (unless ``follow``).

    Files reached through a link come after the real ones, so a file linked from inside
    the folder keeps its own name; a folder is entered once (a link loop ends there).
    """

    def __init__(self, root: Path, glob: str | None, skip: Path | None, follow: bool) -> None:
        self.root = root
        self.glob = glob
        self.skip = skip
        self.follow = follow
        self.skipped: list[Path] = []

    def files(self) -> list[Path]:
        real: list[Path] = []
        linked: list[Path] = []
        seen_folders = {self._identity(self.root)}
        pending = [(self.root, False)]
        while pending:
            folder, via_link = pending.pop()
            for entry in self._entries(folder):
                path = Path(entry.path)
                if entry.name.startswith(".") or self._excluded(path):
                    continue
                is_link = entry.is_symlink()
                if is_link and not self._may_follow(path):
                    continue
                try:
                    info = entry.stat(follow_symlinks=True)
                except OSError:
                    continue  # a broken link, or a file gone meanwhile
                if stat.S_ISDIR(info.st_mode):
                    identity = (info.st_dev, info.st_ino)
                    if (is_link and not self.follow) or identity in seen_folders:
                        continue  # a link staying inside: its files are reached directly
                    seen_folders.add(identity)
                    pending.append((path, via_link or is_link))
                elif stat.S_ISREG(info.st_mode) and self._matches(path):
                    (linked if via_link or is_link else real).append(path)
        return sorted(real) + sorted(linked)

    def _entries(self, folder: Path) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as entries:
                return sorted(entries, key=lambda e: e.name)
        except OSError:
            return []  # an unreadable folder holds nothing we can convert

    def _may_follow(self, path: Path) -> bool:
        """A link inside the folder is followed; one leading out of it only when asked;
        one leading into the output folder never."""
        target = path.resolve()
        if self._excluded(target):
            return False
        if self.follow or target == self.root or self.root in target.parents:
            return True
        if target.exists():
            self.skipped.append(path)
        return False

    def _excluded(self, path: Path) -> bool:
        return self.skip is not None and (path == self.skip or self.skip in path.parents)

    def _matches(self, path: Path) -> bool:
        return self.glob is None or PurePosixPath(path.relative_to(self.root).as_posix()).match(self.glob)

    @staticmethod
    def _identity(path: Path) -> tuple[int, int]:
        info = path.stat()
        return info.st_dev, info.st_ino


def iter_documents(
    source: InputFile, fields: tuple[str, str, str] = ("url", "html", "id"), max_bytes: int | None = None
) -> Iterator[SourceDocument]:
    """Stream the documents of one input file, in file order; ``max_bytes`` is the size
    limit of one document (None: none)."""
    if source.kind == JSONL:
        yield from _iter_jsonl(source, fields, max_bytes)
    elif source.kind == WARC:
        yield from _iter_warc(source, max_bytes)
    else:
        yield SourceDocument(index=0)


# ---------------------------------------------------------------- JSONL


def _open_jsonl(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _iter_jsonl(
    source: InputFile, fields: tuple[str, str, str], max_bytes: int | None
) -> Iterator[SourceDocument]:
    line_limit = None if max_bytes is None else JSON_ESCAPE_FACTOR * max_bytes
    index = 0
    offset = 0
    with _open_jsonl(source.path) as handle:
        lines = _Lines(handle, line_limit)
        try:
            while True:
                start = offset
                line, length = lines.next()
                if not length:
                    break
                offset += length
                if line is None:
                    yield SourceDocument(
                        index=index,
                        offset=start,
                        problem=(TOO_LARGE, str(too_large("the JSONL line", line_limit or 0))),
                    )
                    index += 1
                    continue
                if not line.strip():
                    continue
                yield _jsonl_document(line, index, start, fields, max_bytes)
                index += 1
        except (OSError, EOFError, zlib.error) as exc:
            yield SourceDocument(
                index=index,
                offset=offset,
                problem=(
                    "TruncatedInput",
                    f"the file cannot be read past byte {offset} ({exc}); later records are lost",
                ),
            )


class _Lines:
    """The lines of a binary stream, read in large chunks; a line longer than ``limit`` is
    read on to its end and dropped, so no more than ``limit`` bytes of it are ever held."""

    def __init__(self, handle: BinaryIO, limit: int | None) -> None:
        # read1: what one step decoded, so the lines before a damaged spot come out first
        self.read = getattr(handle, "read1", handle.read)
        self.limit = limit
        self.buffer = bytearray()
        self.pos = 0

    def next(self) -> tuple[bytes | None, int]:
        """(line, its length in bytes); the line is None when too long; length 0 at the end."""
        searched = self.pos
        while True:
            end = self.buffer.find(b"\n", searched)
            if end >= 0:
                line = bytes(self.buffer[self.pos : end + 1])
                self.pos = end + 1
                return (None if self._too_long(len(line) - 1) else line), len(line)
            held = len(self.buffer) - self.pos
            if self._too_long(held):
                return None, self._skip_rest(held)
            if not self._fill():
                line = bytes(self.buffer[self.pos :])
                self.buffer.clear()
                self.pos = 0
                return (None if self._too_long(len(line)) else line), len(line)
            searched = held  # the new chunk starts there: the held part has no newline

    def _too_long(self, size: int) -> bool:
        return self.limit is not None and size > self.limit

    def _fill(self) -> bool:
        """Drop the lines already returned and append a chunk; False at the end."""
        chunk = self.read(CHUNK)
        if not chunk:
            return False
        del self.buffer[: self.pos]
        self.pos = 0
        self.buffer += chunk
        return True

    def _skip_rest(self, length: int) -> int:
        """Drop the line being read, up to its newline; its whole length."""
        self.buffer.clear()
        self.pos = 0
        while True:
            chunk = self.read(CHUNK)
            if not chunk:
                return length
            end = chunk.find(b"\n")
            if end >= 0:
                self.buffer += chunk[end + 1 :]
                return length + end + 1
            length += len(chunk)


def _jsonl_document(
    line: bytes, index: int, offset: int, fields: tuple[str, str, str], max_bytes: int | None
) -> SourceDocument:
    url_key, html_key, id_key = fields
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return SourceDocument(
            index=index,
            offset=offset,
            problem=(
                "InvalidUTF8",
                f"the JSONL line is not valid UTF-8 ({exc.reason} at byte "
                f"{exc.start}); JSON text must be UTF-8",
            ),
        )
    try:
        record: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return SourceDocument(
            index=index, offset=offset, problem=("InvalidJSON", f"the JSONL line is not JSON ({exc})")
        )
    except RecursionError:
        return SourceDocument(
            index=index,
            offset=offset,
            problem=(
                "TooDeep",
                f"the JSONL line nests arrays or objects deeper than about "
                f"{sys.getrecursionlimit()} levels, more than a JSON reader follows; flatten it",
            ),
        )
    del text
    if not isinstance(record, dict):
        return SourceDocument(
            index=index,
            offset=offset,
            problem=("InvalidRecord", f"the JSONL line is a {type(record).__name__}, not an object"),
        )
    url, html, record_id = record.get(url_key), record.get(html_key), record.get(id_key)
    if not isinstance(html, str):
        return SourceDocument(
            index=index,
            offset=offset,
            url=_text(url),
            id=_text(record_id),
            problem=(
                "MissingField",
                f"the record has no string field {html_key!r} (fields are set by jsonl_fields)",
            ),
        )
    base: dict[str, Any] = {"index": index, "offset": offset, "url": _text(url), "id": _text(record_id)}
    try:
        check_size(len(html), max_bytes, "the page")
    except PagewashError as exc:
        return SourceDocument(**base, problem=(TOO_LARGE, str(exc)))
    return SourceDocument(
        **base, data=html, date=_text(record.get("date")), content_type=_text(record.get("content_type"))
    )


def _text(value: Any) -> str | None:
    """A field as text a strict UTF-8 writer accepts (lone surrogates become U+FFFD)."""
    return None if value is None else valid_unicode(str(value))


# ---------------------------------------------------------------- WARC


def _iter_warc(source: InputFile, max_bytes: int | None) -> Iterator[SourceDocument]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    wanted = WarcRecordType.response | WarcRecordType.resource
    index = 0
    with open(source.path, "rb") as handle:
        # Only the transfer coding is undone by the reader: a Content-Encoding is undone
        # here with the size bound (the reader would decode it whole).
        records = ArchiveIterator(handle, record_types=wanted, parse_http=True, auto_decode="transfer")
        try:
            for record in records:
                document = _warc_document(record, index, max_bytes)
                if document is not None:
                    yield document
                    index += 1
        except (OSError, ValueError) as exc:
            yield SourceDocument(
                index=index, problem=("TruncatedInput", f"the WARC file cannot be read further ({exc})")
            )


def _warc_document(record: Any, index: int, max_bytes: int | None) -> SourceDocument | None:
    """A document for an HTML response/resource record; None for records that are not pages."""
    headers = record.headers
    url = headers.get("WARC-Target-URI")
    base = {
        "index": index,
        "offset": record.stream_pos,
        "url": _text(url),
        "id": _text((headers.get("WARC-Record-ID") or "").strip("<>") or None),
        "date": _text(headers.get("WARC-Date")),
    }
    if headers.get("Content-Length") is None:
        return SourceDocument(
            **base,
            problem=("TruncatedRecord", "the WARC record is cut short: its header block is incomplete"),
        )
    content_type = _warc_content_type(record)
    if not _is_page(record, content_type):
        return None
    if max_bytes is not None and record.content_length > max_bytes:
        problem = str(too_large("the WARC record's payload", max_bytes))
        return SourceDocument(**base, problem=(TOO_LARGE, problem))
    payload = record.reader.read()
    if len(payload) < record.content_length:
        return SourceDocument(
            **base,
            problem=(
                "TruncatedRecord",
                f"the WARC record is cut short: its block declares "
                f"{headers.get('Content-Length')} bytes, the file ends before them",
            ),
        )
    encoding = record.http_headers.get("Content-Encoding") if record.http_headers else None
    try:
        payload = decode_content(payload, encoding, max_bytes)
    except PagewashError as exc:
        return SourceDocument(**base, problem=(type(exc).__name__, str(exc)))
    return SourceDocument(**base, data=payload, content_type=_text(content_type))


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

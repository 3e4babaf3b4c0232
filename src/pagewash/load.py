"""Bytes to text: gzip, byte-order marks, declared charsets, detection as the last resort.

The order follows what browsers do (BOM, then the transport's charset, then ``<meta>``), with
two corrections for the web as scraped: a declaration must decode the bytes strictly to be
believed, and a page declared Latin-1/windows-1252 that is valid UTF-8 is UTF-8 (the most
common lie). Nothing is ever decoded with errors ignored; the chosen encoding is recorded.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from pagewash.bounded import check_size, decompressed, read_at_most
from pagewash.errors import DecodeError, InputError, NotHTMLError

SNIFF_BYTES = 16_384
# A UTF-8 page with a handful of broken bytes is still UTF-8: replace them visibly (U+FFFD)
# rather than let detection pick a legacy code page and garble every other letter.
MAX_BROKEN_UTF8_SHARE = 0.001

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_.:-]+)""", re.I)
_HTML_MARKERS = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|article|section|span|table|br|a\s|h[1-6]"
    rb"|ul|ol|li|main|header|footer|nav|script|style|link|img|form|iframe|font|center|b|i|em)\b",
    re.I,
)
_BINARY_SIGNATURES = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive (or DOCX/EPUB)",
    b"\x7fELF": "an executable",
    b"RIFF": "a RIFF media file",
    b"WARC/": "a WARC archive (use batch mode: pagewash convert FILE.warc --out-dir DIR)",
}
_LATIN1_FAMILY = frozenset(codecs.lookup(name).name for name in ("latin-1", "cp1252", "ascii", "iso8859-15"))


@dataclass(frozen=True, slots=True)
class Loaded:
    """Decoded page text and how it was decoded (recorded in the document metadata)."""

    text: str
    encoding: str
    how: str
    replaced: int = 0


def read_input(path: Path, max_bytes: int | None = None) -> bytes:
    """Read a file's bytes (at most ``max_bytes``: a device or a pipe named as the input is
    bounded too) with a message that says what to do when it cannot be read."""
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file, or use --out-dir for a batch")
    try:
        with path.open("rb") as handle:
            return read_at_most(handle, max_bytes, "the file")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc


def load(data: bytes | str, *, content_type: str | None = None, max_bytes: int | None = None) -> Loaded:
    """Decode one page. ``content_type`` is the HTTP header value, when the caller has it.

    ``max_bytes`` bounds the page (characters for text), and a gzip page by what it holds:
    the decompression stops at the limit (``TooLargeError``) instead of filling memory.
    """
    if isinstance(data, str):
        check_size(len(data), max_bytes, "the page")
        _require_html_text(data)
        return Loaded(text=data, encoding="unicode", how="given as text")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputError(f"expected bytes or str, got {type(data).__name__}")
    raw = decompressed(bytes(data), max_bytes)
    if not raw.strip():
        raise InputError("the input is empty; nothing to convert")
    _refuse_binary(raw)
    loaded = _decode(raw, content_type)
    _require_html_text(loaded.text)
    return loaded


def _refuse_binary(raw: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            raise NotHTMLError(f"the input is {what}, not an HTML page")
    head = raw[:SNIFF_BYTES]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if controls > max(8, len(head) // 100):
        raise NotHTMLError("the input looks like binary data, not an HTML page")


def _decode(raw: bytes, content_type: str | None) -> Loaded:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _strict(raw, codec, "byte-order mark") or _undecodable(codec)
    for source, declared in (
        ("HTTP header", _header_charset(content_type)),
        ("<meta> charset", _meta_charset(raw)),
    ):
        if declared is None:
            continue
        if declared in _LATIN1_FAMILY and _is_utf8_with_non_ascii(raw):
            return Loaded(raw.decode("utf-8"), "utf-8", f"valid UTF-8 despite {source} {declared}")
        loaded = _strict(raw, declared, source)
        if loaded:
            return loaded
    return _detect(raw)


def _strict(raw: bytes, codec: str, how: str) -> Loaded | None:
    try:
        return Loaded(raw.decode(codec), codecs.lookup(codec).name, how)
    except (UnicodeDecodeError, LookupError):
        return None


def _undecodable(codec: str) -> NoReturn:
    raise DecodeError(f"the bytes are not valid {codec} although they start with its byte-order mark")


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _canonical(match.group(1)) if match else None


def _meta_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:SNIFF_BYTES])
    return _canonical(match.group(1).decode("ascii", "replace")) if match else None


def _canonical(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _is_utf8_with_non_ascii(raw: bytes) -> bool:
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(raw: bytes) -> Loaded:
    if raw.isascii():
        return Loaded(raw.decode("ascii"), "ascii", "only ASCII bytes")
    utf8 = _strict(raw, "utf-8", "valid UTF-8")
    if utf8:
        return utf8
    broken = _mostly_utf8(raw)
    if broken:
        return broken
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise DecodeError(
            "the bytes match no known text encoding; pass the charset (content_type=) "
            "or check the file is a web page"
        )
    loaded = _strict(raw, best.encoding, "detected by charset-normalizer")
    if loaded is None:
        raise DecodeError(f"detected encoding {best.encoding} does not decode the bytes")
    return loaded


def _mostly_utf8(raw: bytes) -> Loaded | None:
    text = raw.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - raw.count("\ufffd".encode())
    if 0 < replaced <= max(1, int(len(raw) * MAX_BROKEN_UTF8_SHARE)):
        return Loaded(
            text, "utf-8", f"UTF-8 with {replaced} invalid byte(s) shown as U+FFFD", replaced=replaced
        )
    return None


def _require_html_text(text: str) -> None:
    head = text[:SNIFF_BYTES].encode("utf-8", errors="replace")
    if not _HTML_MARKERS.search(head):
        raise NotHTMLError("the input has no HTML markup; for plain text use 'pagewash repair' instead")

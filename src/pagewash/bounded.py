"""Reading and decompressing with a size bound: a bomb is refused as soon as the bound is
passed, never read or decompressed whole first.

A 150 KB gzip file can hold 100 MB, a 7 MB one 5 GB; a WARC record's ``Content-Encoding``
and a ``.jsonl.gz`` line expand the same way. Every reader of documents goes through these
functions with the document size limit (``Options.max_document_mb``), so the memory one
document may take is a few times the limit, whatever the input claims or hides.
"""

from __future__ import annotations

import io
import math
import zlib
from typing import BinaryIO

from pagewash.errors import DecodeError, InputError, TooLargeError

MiB = 1024 * 1024
CHUNK = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def megabytes(limit_mb: float | None) -> int | None:
    """The byte count of a limit given in MB (None: no limit)."""
    return None if limit_mb is None else math.ceil(limit_mb * MiB)


def too_large(what: str, limit: int) -> TooLargeError:
    """The error for ``what`` passing ``limit`` bytes, with the option that raises it."""
    return TooLargeError(
        f"too large: {what} is more than {limit / MiB:.3g} MB "
        "(--max-document-mb); raise the limit to convert it"
    )


def check_size(size: int, limit: int | None, what: str) -> None:
    if limit is not None and size > limit:
        raise too_large(what, limit)


def read_at_most(handle: BinaryIO, limit: int | None, what: str = "the file") -> bytes:
    """All of ``handle``, refused once more than ``limit`` bytes came (a pipe, a device or a
    file that grows are bounded too, whatever their size on disk says)."""
    if limit is None:
        return handle.read()
    data = handle.read(limit + 1)
    check_size(len(data), limit, what)
    return data


def gunzip_at_most(data: bytes, limit: int | None) -> bytes:
    """Every gzip member of ``data`` decompressed, refused once the output passes ``limit``.

    Same members and errors as ``gzip.decompress`` (damaged or cut data is an ``InputError``),
    but the output grows one chunk at a time and stops at the limit.
    """
    parts: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            if not rest.startswith(GZIP_MAGIC):
                raise InputError("the gzip data has trailing bytes that are not gzip; re-fetch the page")
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while not inflater.eof:
                chunk = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                size += len(chunk)
                check_size(size, limit, "the page once decompressed")
                parts.append(chunk)
                if not chunk and not pending:
                    raise InputError(
                        "the gzip data is truncated (it ends before its "
                        "end-of-stream marker); re-fetch the page"
                    )
            rest = inflater.unused_data
    except zlib.error as exc:
        raise InputError(f"the gzip data is damaged ({exc}); re-fetch the page") from exc
    return b"".join(parts)


def decompressed(data: bytes, limit: int | None) -> bytes:
    """``data`` itself, or what it holds when it is gzip (one level), within ``limit``."""
    check_size(len(data), limit, "the page")
    if data.startswith(GZIP_MAGIC):
        return gunzip_at_most(data, limit)
    return data


def _inflate_at_most(data: bytes, limit: int | None) -> bytes:
    """HTTP ``deflate``: a zlib stream, or (as some servers send) raw deflate."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        inflater = zlib.decompressobj(wbits)
        parts: list[bytes] = []
        size = 0
        pending = data
        try:
            while not inflater.eof and pending:
                chunk = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                size += len(chunk)
                check_size(size, limit, "the page once decompressed")
                parts.append(chunk)
        except zlib.error:
            continue
        return b"".join(parts)
    raise InputError("the deflate data is damaged; re-fetch the page")


def _read_stream_at_most(reader: BinaryIO, limit: int | None) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = reader.read(CHUNK)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        check_size(size, limit, "the page once decompressed")
        parts.append(chunk)


def _brotli_at_most(data: bytes, limit: int | None) -> bytes:
    from fastwarc.stream_io import BrotliReader

    return _read_stream_at_most(BrotliReader(io.BytesIO(data)), limit)  # type: ignore[arg-type]


def _zstd_at_most(data: bytes, limit: int | None) -> bytes:
    from fastwarc.stream_io import ZstdReader

    return _read_stream_at_most(ZstdReader(io.BytesIO(data)), limit)  # type: ignore[arg-type]


_CONTENT_DECODERS = {
    "gzip": gunzip_at_most,
    "x-gzip": gunzip_at_most,
    "deflate": _inflate_at_most,
    "br": _brotli_at_most,
    "zstd": _zstd_at_most,
}


def decode_content(data: bytes, encoding: str | None, limit: int | None) -> bytes:
    """An HTTP body undone from its ``Content-Encoding`` (applied last first), within ``limit``.

    ``identity`` and an empty header leave it alone; an encoding pagewash cannot undo is a
    ``DecodeError`` naming it.
    """
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        decoder = _CONTENT_DECODERS.get(coding)
        if decoder is None:
            raise DecodeError(
                f"the HTTP body has Content-Encoding {coding!r}, which pagewash "
                f"cannot undo (it reads {', '.join(sorted(_CONTENT_DECODERS))})"
            )
        try:
            data = decoder(data, limit)
        except OSError as exc:  # fastwarc's readers report damaged data this way
            raise InputError(f"the {coding} data is damaged ({exc}); re-fetch the page") from exc
    return data


def read_page_file(path: str, limit: int | None) -> bytes:
    """A page file's bytes, decompressed when gzip, both within ``limit``."""
    try:
        with open(path, "rb") as handle:
            data = read_at_most(handle, limit, "the file")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    return decompressed(data, limit)

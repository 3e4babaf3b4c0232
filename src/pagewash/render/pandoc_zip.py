"""Rewrite pandoc's zip packages (DOCX, EPUB, ODT) so their bytes never depend on the clock.

Members pandoc wrote are kept as compressed, byte for byte (pandoc's deflate is deterministic
for a given pandoc, which is pinned); only the members that are edited are compressed again.
Every member gets the same timestamp, the same permissions and no extra fields, in pandoc's
order, so two runs over the same document give identical bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from pagewash.errors import RenderError

ZIP_EPOCH_FLOOR = 315532800  # 1980-01-01, the earliest time a zip member can hold
ZIP_EPOCH_CEILING = 4354819198  # 2107-12-31 23:59:58, the latest
LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
CENTRAL_HEADER = struct.Struct("<4sHHHHHHIIIHHHHHII")
END_RECORD = struct.Struct("<4sHHHHIIH")
VERSION = 20
MADE_BY = (3 << 8) | VERSION  # Unix, so the permission bits below are read as such
FILE_MODE = 0o100644 << 16
UTF8_NAMES = 1 << 11


@dataclass(frozen=True, slots=True)
class Member:
    """One package member: compressed bytes as stored, or fresh content to compress."""

    name: str
    method: int
    crc: int
    size: int
    raw: bytes

    def content(self) -> bytes:
        if self.method == zipfile.ZIP_STORED:
            return self.raw
        if self.method == zipfile.ZIP_DEFLATED:
            return zlib.decompress(self.raw, -15)
        raise RenderError(f"unsupported compression in {self.name!r}")

    @classmethod
    def fresh(cls, name: str, data: bytes, stored: bool = False) -> Member:
        if stored:
            return cls(name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), data)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = packer.compress(data) + packer.flush()
        return cls(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), raw)


def read_members(package: bytes) -> list[Member]:
    """The members of a zip package, compressed data untouched."""
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise RenderError(f"pandoc returned a broken package: {exc}") from exc
    members = []
    for info in infos:
        header = LOCAL_HEADER.unpack_from(package, info.header_offset)
        start = info.header_offset + LOCAL_HEADER.size + header[9] + header[10]
        raw = package[start:start + info.compress_size]
        members.append(Member(info.filename, info.compress_type, info.CRC, info.file_size, raw))
    return members


def dos_time(epoch: int) -> tuple[int, int]:
    """(time, date) in the zip format for ``epoch``, not earlier than 1980."""
    moment = dt.datetime.fromtimestamp(min(max(epoch, ZIP_EPOCH_FLOOR), ZIP_EPOCH_CEILING),
                                       tz=dt.UTC)
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((moment.year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date


def write_members(members: list[Member], epoch: int) -> bytes:
    """A zip of ``members`` in order, all stamped with ``epoch``."""
    time, date = dos_time(epoch)
    out = io.BytesIO()
    central = io.BytesIO()
    for member in members:
        name = member.name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8_NAMES
        offset = out.tell()
        out.write(LOCAL_HEADER.pack(b"PK\x03\x04", VERSION, flags, member.method, time, date,
                                    member.crc, len(member.raw), member.size, len(name), 0))
        out.write(name)
        out.write(member.raw)
        central.write(CENTRAL_HEADER.pack(
            b"PK\x01\x02", MADE_BY, VERSION, flags, member.method, time, date, member.crc,
            len(member.raw), member.size, len(name), 0, 0, 0, 0, FILE_MODE, offset))
        central.write(name)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(END_RECORD.pack(b"PK\x05\x06", 0, 0, len(members), len(members),
                              len(directory), start, 0))
    return out.getvalue()

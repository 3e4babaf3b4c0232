"""Finishing pandoc's packages (DOCX, EPUB, ODT) deterministically, and the zip writer.

* zip members are rewritten in pandoc's order with one fixed timestamp, and the times inside
  the package (EPUB ``dcterms:modified``, DOCX ``dcterms:created/modified``, ODT
  ``meta:creation-date``) are set from ``SOURCE_DATE_EPOCH`` (the user's, else the
  document's date, else 0), so the same input gives the same bytes on every run;
* DOCX: every text run gets an explicit proofing language (``w:lang``), Cyrillic runs the
  Russian locale and Latin runs the English one unless their block says otherwise;
* EPUB: ``--css`` and ``--cover`` are applied to the package here, because the sandbox keeps
  pandoc from reading those files itself.

Members pandoc wrote are kept as compressed, byte for byte (pandoc's deflate is
deterministic for a given pandoc, which is pinned); only the members that are edited are
compressed again. Every member gets the same timestamp, the same permissions and no extra
fields, in pandoc's order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from pagewash.errors import RenderError, UsageError
from pagewash.render.pandoc.binary import EPUB_FORMATS
from pagewash.render.pandoc.job import RenderJob
from pagewash.render.pandoc.languages import normalise_language, run_language

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
        raw = package[start : start + info.compress_size]
        members.append(Member(info.filename, info.compress_type, info.CRC, info.file_size, raw))
    return members


def dos_time(epoch: int) -> tuple[int, int]:
    """(time, date) in the zip format for ``epoch``, not earlier than 1980."""
    moment = dt.datetime.fromtimestamp(min(max(epoch, ZIP_EPOCH_FLOOR), ZIP_EPOCH_CEILING), tz=dt.UTC)
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
        out.write(
            LOCAL_HEADER.pack(
                b"PK\x03\x04",
                VERSION,
                flags,
                member.method,
                time,
                date,
                member.crc,
                len(member.raw),
                member.size,
                len(name),
                0,
            )
        )
        out.write(name)
        out.write(member.raw)
        central.write(
            CENTRAL_HEADER.pack(
                b"PK\x01\x02",
                MADE_BY,
                VERSION,
                flags,
                member.method,
                time,
                date,
                member.crc,
                len(member.raw),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                FILE_MODE,
                offset,
            )
        )
        central.write(name)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(END_RECORD.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


COVER_TYPES = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"GIF87a": ("gif", "image/gif"),
    b"GIF89a": ("gif", "image/gif"),
}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
# Children of w:rPr that the schema puts after w:lang; w:lang goes before the first of them.
AFTER_LANG = frozenset({f"{W}eastAsianLayout", f"{W}specVanish", f"{W}oMath"})


def finish(job: RenderJob, raw: bytes) -> bytes:
    """Make pandoc's output reproducible and complete (see the module docstring)."""
    if job.to == "docx":
        return _finish_docx(job, raw)
    if job.to in EPUB_FORMATS:
        return _finish_epub(job, raw)
    if job.to == "odt":
        return _finish_odt(job, raw)
    return raw


def _w3c_time(epoch: int) -> str:
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


Edits = dict[str, Callable[[bytes], bytes]]


def edit_members(members: list[Member], edits: Edits) -> list[Member]:
    """Apply ``edits`` (member name -> new content from old) and keep everything else as is."""
    out = []
    for member in members:
        edit = edits.get(member.name)
        if edit is None:
            out.append(member)
        else:
            stored = member.method == zipfile.ZIP_STORED
            out.append(Member.fresh(member.name, edit(member.content()), stored=stored))
    return out


# ---- DOCX


def _finish_docx(job: RenderJob, raw: bytes) -> bytes:
    stamp = _w3c_time(job.epoch).encode("ascii")

    def core(data: bytes) -> bytes:
        return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data)

    def runs(data: bytes) -> bytes:
        return set_run_languages(data, job.language)

    edits: Edits = {"docProps/core.xml": core, "word/document.xml": runs, "word/footnotes.xml": runs}
    return write_members(edit_members(read_members(raw), edits), job.epoch)


def _finish_odt(job: RenderJob, raw: bytes) -> bytes:
    stamp = _w3c_time(job.epoch).encode("ascii")

    def meta(data: bytes) -> bytes:
        return re.sub(rb"(<(?:meta:creation-date|dc:date)>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data)

    return write_members(edit_members(read_members(raw), {"meta.xml": meta}), job.epoch)


def set_run_languages(xml: bytes, language: str) -> bytes:
    """Give every text run without a ``w:lang`` one; add regions to bare ones ("ru")."""
    root = etree.fromstring(xml)
    default = run_language("", language)
    for run in root.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if not text:
            continue
        props = run.find(f"{W}rPr")
        if props is None:
            props = etree.Element(f"{W}rPr")
            run.insert(0, props)
        lang = props.find(f"{W}lang")
        if lang is None:
            lang = etree.Element(f"{W}lang")
            lang.set(f"{W}val", run_language(text, default))
            _insert_lang(props, lang)
        elif "-" not in lang.get(f"{W}val", ""):
            lang.set(f"{W}val", run_language("", lang.get(f"{W}val") or default))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _insert_lang(props: etree._Element, lang: etree._Element) -> None:
    for index, child in enumerate(props):
        if child.tag in AFTER_LANG:
            props.insert(index, lang)
            return
    props.append(lang)


# ---- EPUB


def cover_type(data: bytes) -> tuple[str, str]:
    """(extension, media type) of a cover image; EPUB readers all show PNG, JPEG and GIF."""
    for magic, kind in COVER_TYPES.items():
        if data.startswith(magic):
            return kind
    raise UsageError("--cover must be a PNG, JPEG or GIF image")


def _finish_epub(job: RenderJob, raw: bytes) -> bytes:
    stamp = _w3c_time(job.epoch).encode("ascii")
    members = read_members(raw)
    root = _epub_root(members)

    def opf(data: bytes) -> bytes:
        return re.sub(rb'(<meta property="dcterms:modified">)[^<]*(<)', rb"\g<1>" + stamp + rb"\g<2>", data)

    edits: Edits = {f"{root}content.opf": opf}
    if job.css is not None:
        css = job.css
        edits.update(
            {
                m.name: (lambda _old: css)
                for m in members
                if m.name.startswith(f"{root}styles/") and m.name.endswith(".css")
            }
        )
    members = edit_members(members, edits)
    if job.cover is not None:
        members = add_cover(members, root, job.cover, _epub_language(job))
    return write_members(members, job.epoch)


def _epub_root(members: list[Member]) -> str:
    for member in members:
        if member.name.endswith("content.opf"):
            return member.name[: -len("content.opf")]
    raise RenderError("pandoc returned an EPUB without a package document")


def _epub_language(job: RenderJob) -> str:
    return normalise_language(job.language) or "en"


COVER_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}">
<head>
  <meta charset="utf-8" />
  <title>Cover</title>
  <style>body {{ margin: 0; text-align: center; }} img {{ max-width: 100%; max-height: 100%; }}\
</style>
</head>
<body epub:type="cover">
<section epub:type="cover"><img src="../media/cover.{ext}" alt="Cover" /></section>
</body>
</html>
"""


def add_cover(members: list[Member], root: str, image: bytes, lang: str) -> list[Member]:
    """Add a cover image and a cover page first in the reading order."""
    ext, media_type = cover_type(image)
    page = COVER_PAGE.format(lang=lang, ext=ext).encode("utf-8")
    manifest = (
        '<item id="cover_xhtml" href="text/cover.xhtml" media-type="application/xhtml+xml" />\n'
        f'    <item properties="cover-image" id="cover_image" href="media/cover.{ext}" '
        f'media-type="{media_type}" />\n  </manifest>'
    ).encode()

    def opf(data: bytes) -> bytes:
        data = data.replace(b"</manifest>", manifest, 1)
        data = re.sub(rb"(<spine[^>]*>)", rb'\g<1>\n    <itemref idref="cover_xhtml" />', data, count=1)
        return data.replace(
            b"</guide>", b'  <reference type="cover" title="Cover" href="text/cover.xhtml" />\n  </guide>', 1
        )

    members = edit_members(members, {f"{root}content.opf": opf})
    return [
        *members,
        Member.fresh(f"{root}media/cover.{ext}", image, stored=True),
        Member.fresh(f"{root}text/cover.xhtml", page),
    ]

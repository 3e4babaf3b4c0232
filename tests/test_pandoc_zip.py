"""The deterministic zip rewriter used to finish DOCX, EPUB and ODT packages."""

from __future__ import annotations

import io
import zipfile

import pytest

from pagewash.errors import RenderError
from pagewash.render.pandoc.package import Member, read_members, write_members


def package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("EPUB/text/глава.xhtml", "<p>текст</p>" * 50, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_round_trip_keeps_content_order_and_methods() -> None:
    out = write_members(read_members(package()), 1614816000)  # 2021-03-04 00:00 UTC
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["mimetype", "EPUB/text/глава.xhtml"]
        assert [i.compress_type for i in infos] == [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]
        assert {i.date_time for i in infos} == {(2021, 3, 4, 0, 0, 0)}
        assert archive.read("EPUB/text/глава.xhtml").decode() == "<p>текст</p>" * 50
        assert infos[0].extra == b""


def test_bytes_depend_only_on_members_and_epoch() -> None:
    members = read_members(package())
    assert write_members(members, 0) == write_members(read_members(package()), 0)
    assert write_members(members, 0) != write_members(members, 1614816000)
    with zipfile.ZipFile(io.BytesIO(write_members(members, 0))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fresh_members_are_compressed_and_readable() -> None:
    members = [Member.fresh("a.xml", b"<a/>" * 100), Member.fresh("b.png", b"\x89PNG", True)]
    with zipfile.ZipFile(io.BytesIO(write_members(members, 0))) as archive:
        assert archive.read("a.xml") == b"<a/>" * 100
        assert archive.getinfo("b.png").compress_type == zipfile.ZIP_STORED


def test_broken_package_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="broken package"):
        read_members(b"PK not really")

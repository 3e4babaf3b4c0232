"""Decoding: BOMs, declarations, undeclared legacy Russian pages, gzip, refusals."""

from __future__ import annotations

import codecs
import gzip

import pytest

from pagewash.errors import DecodeError, InputError, NotHTMLError
from pagewash.load import load

RU = "<html><body><p>Отношения России с КНДР в XXI веке: итоги двадцатилетия. " * 8 + "</p></body></html>"


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r", "utf-8"])
def test_undeclared_russian_pages_decode(codec: str) -> None:
    loaded = load(RU.encode(codec))
    assert loaded.text == RU
    assert codecs.lookup(loaded.encoding).name == codecs.lookup(codec).name


def test_meta_charset_is_used_when_it_decodes() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>Привет</p></body></html>'
    loaded = load(page.encode("cp1251"))
    assert "Привет" in loaded.text and loaded.encoding == "cp1251"


def test_http_header_beats_meta() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>Привет мир</p></body></html>'
    loaded = load(page.encode("koi8_r"), content_type="text/html; charset=KOI8-R")
    assert "Привет мир" in loaded.text and codecs.lookup(loaded.encoding).name == "koi8-r"


def test_latin1_declaration_on_utf8_bytes_is_overruled() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café — Привет</p></body></html>'
    loaded = load(page.encode("utf-8"))
    assert "Café — Привет" in loaded.text and loaded.encoding == "utf-8"


def test_bom_wins() -> None:
    page = "<html><body><p>Привет</p></body></html>"
    assert load(codecs.BOM_UTF8 + page.encode()).text == page
    assert load(page.encode("utf-16")).text == page


def test_gzip_is_read_transparently() -> None:
    assert load(gzip.compress(RU.encode("utf-8"))).text == RU


def test_truncated_gzip_is_an_input_error() -> None:
    with pytest.raises(InputError, match="gzip"):
        load(gzip.compress(RU.encode())[:40])


def test_a_few_broken_bytes_in_utf8_are_shown_not_dropped() -> None:
    raw = RU.encode("utf-8") * 20
    raw = raw[:500] + b"\xff" + raw[500:]
    loaded = load(raw)
    assert loaded.encoding == "utf-8" and loaded.replaced == 1 and "\ufffd" in loaded.text


@pytest.mark.parametrize("data", [b"%PDF-1.7 ...", b"\x89PNG\r\n\x1a\n....", bytes(range(256)) * 4])
def test_binary_is_not_html(data: bytes) -> None:
    with pytest.raises(NotHTMLError):
        load(data)


def test_plain_text_is_not_html() -> None:
    with pytest.raises(NotHTMLError, match="pagewash repair"):
        load(b"Just a line of text with no markup at all.\n")


def test_empty_input() -> None:
    with pytest.raises(InputError, match="empty"):
        load(b"  \n")


def test_utf16_bom_with_bad_bytes_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        load(codecs.BOM_UTF16_LE + b"<\x00h\x00" + b"\x00\xd8")

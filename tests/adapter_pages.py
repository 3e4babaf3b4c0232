"""Pages shared by the framework adapter tests: fixture pages, an empty shell, a WARC file.

The WARC is written here, record by record, as WARC/1.1 says (one gzip member per record,
``Content-Length`` of the block, HTTP response headers in the block), so both WARC readers
in use (FastWARC in pagewash, warcio in DataTrove and NeMo Curator) read the same file.
"""

from __future__ import annotations

import gzip
import uuid
from dataclasses import dataclass
from pathlib import Path

from conftest import FIXTURES


@dataclass(frozen=True)
class FixturePage:
    name: str
    html: bytes
    title: str
    language: str
    phrase: str  # a sentence of the main text, kept by extraction and left alone by repair


NEWS = FixturePage(
    "en-news",
    (FIXTURES / "en-news" / "input.html").read_bytes(),
    "Harbour ferry returns after two-year repair",
    "en",
    "About 140 people queued for the 7.15 crossing",
)
BLOG = FixturePage(
    "en-blog",
    (FIXTURES / "en-blog" / "input.html").read_bytes(),
    "Repotting a ten-year-old fig without killing it",
    "en",
    "fig",
)
RUSSIAN = FixturePage(
    "ru-news",
    (FIXTURES / "ru-news" / "input.html").read_bytes(),
    "В Заречье открыли библиотеку в бывшей водонапорной башне",
    "ru",
    "библиотек",
)
SHELL = (FIXTURES / "empty-shell" / "input.html").read_bytes()
PAGES = (NEWS, BLOG, RUSSIAN)


def url_of(page: FixturePage) -> str:
    return f"https://example.org/{page.name}"


def warc_record(
    url: str,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str = "2024-05-01T10:00:00Z",
) -> bytes:
    """One gzipped WARC response record holding an HTTP response."""
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body
    header = (
        "WARC/1.1\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
        f"WARC-Date: {date}\r\n"
        f"WARC-Target-URI: {url}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode("ascii")
    return gzip.compress(header + http + b"\r\n\r\n")


def write_warc(path: Path, with_shell: bool = True) -> Path:
    """A WARC of the fixture pages (and an empty shell page, and a 404 that is no page)."""
    records = [warc_record(url_of(p), p.html) for p in PAGES]
    if with_shell:
        records.append(warc_record("https://example.org/shell", SHELL))
    records.append(warc_record("https://example.org/missing", b"<html>gone</html>", status="404 Not Found"))
    path.write_bytes(b"".join(records))
    return path


def write_folder(folder: Path) -> Path:
    """A folder of the fixture pages as files (one in a subfolder) and an empty shell page."""
    (folder / "sub").mkdir(parents=True)
    (folder / f"{NEWS.name}.html").write_bytes(NEWS.html)
    (folder / f"{BLOG.name}.html").write_bytes(BLOG.html)
    (folder / "sub" / f"{RUSSIAN.name}.html").write_bytes(RUSSIAN.html)
    (folder / "shell.html").write_bytes(SHELL)
    return folder

"""A small stand-in converter and input builders for the batch tests.

The batch machinery takes its per-document functions as a parameter; these stand-ins keep the
machinery's tests fast and independent of extraction quality. They use the real loader, so
binary, empty and damaged gzip inputs fail for the real reasons. ``misbehaving(...)`` gives
stages that also misbehave: ``delay`` (seconds per page), and pages containing ``CRASH``,
``HANG``, ``SPAWN`` (``SPAWN_AND_DIE``), ``HOG`` or ``SLOW`` kill their worker, hang, start a
hanging child (its pid written to ``pid_file``) and hang (or die), exhaust memory, or take
``slow`` seconds.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

from pagewash.document import Document, Metadata, Paragraph, Text
from pagewash.ingest.records import Stages
from pagewash.load import load
from pagewash.pipeline import Options


@dataclass(frozen=True)
class Misbehaviour:
    """How the stand-in misbehaves besides the page's own triggers (see the module doc)."""

    delay: float = 0.0
    slow: float = 5.0
    pid_file: str | None = None


CALM = Misbehaviour()


def misbehaving(**settings: object) -> Stages:
    """Stand-in stages with these ``Misbehaviour`` settings (picklable: workers get them)."""
    return Stages(
        partial(standin_clean, misbehaviour=Misbehaviour(**settings)),  # type: ignore[arg-type]
        standin_render,
    )


class _Unloadable:
    """Pickles fine, cannot be unpickled: a worker given it dies before it can start."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_refuse_to_load, ())


def _refuse_to_load() -> None:
    raise RuntimeError("this stand-in cannot be loaded in a worker")


def unstartable() -> Stages:
    """Stand-in stages whose worker processes fail before taking any document."""
    return Stages(
        partial(standin_clean, misbehaviour=_Unloadable()),  # type: ignore[arg-type]
        standin_render,
    )


class _Node:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.children: list[_Node | str] = []


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: object) -> None:
        node = _Node(tag)
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _texts(node: _Node, tag: str) -> list[str]:
    """Text of every ``tag`` element, walking the tree recursively (deep trees fail here)."""
    found: list[str] = []
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                found.append(" ".join(_all_text(child).split()))
            else:
                found.extend(_texts(child, tag))
    return found


def _all_text(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _all_text(c) for c in node.children)


def standin_clean(data: bytes | str, options: Options, misbehaviour: Misbehaviour = CALM) -> Document:
    text = load(data, content_type=options.content_type).text
    _misbehave(text, misbehaviour)
    builder = _TreeBuilder()
    builder.feed(text)
    titles = _texts(builder.root, "title")
    paragraphs = [p for p in _texts(builder.root, "p") if p]
    metadata = Metadata(title=titles[0] if titles else None, url=options.url)
    if not paragraphs:
        return Document(metadata=metadata, status="empty", reason="no paragraph in the page")
    blocks = tuple(Paragraph((Text(p),)) for p in paragraphs)
    return Document(metadata=metadata, blocks=blocks)


def standin_render(doc: Document, options: Options) -> str:
    body = "\n\n".join(p.inlines[0].text for p in doc.blocks if isinstance(p, Paragraph))
    title = f"# {doc.metadata.title}\n\n" if doc.metadata.title else ""
    return f"{title}{body}\n"


def _misbehave(text: str, misbehaviour: Misbehaviour) -> None:
    time.sleep(misbehaviour.delay)
    if "CRASH" in text:
        os.kill(os.getpid(), signal.SIGKILL)
    if "SPAWN" in text:  # a child of the worker that hangs, as a stuck pandoc would
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        Path(str(misbehaviour.pid_file)).write_text(str(child.pid))
        if "SPAWN_AND_DIE" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(3600)
    if "HANG" in text:
        time.sleep(3600)
    if "SLOW" in text:
        time.sleep(misbehaviour.slow)
    if "HOG" in text:
        hog = [bytearray(64 * 1024 * 1024) for _ in range(1024)]
        del hog


# ---------------------------------------------------------------- input builders


def page(number: int, title: str = "Page") -> str:
    return (
        f"<html><head><title>{title} {number}</title></head><body><nav>Home</nav>"
        f"<p>Paragraph one of document {number}.</p><p>Second paragraph, {number}.</p>"
        "</body></html>"
    )


_SENTENCES = (
    "The committee met on a rainy morning to review the proposal in detail.",
    "Several members asked how the new schedule would affect the evening trains.",
    "A survey of local residents showed strong support for longer opening hours.",
    "The budget for the next year includes funds for repairs to the old bridge.",
    "Engineers expect the work to take about eighteen months once it has started.",
    "Residents will be able to comment on the plans at two public meetings.",
    "The final decision is expected before the end of the summer holidays.",
    "Local businesses welcomed the plan but asked for help during the closures.",
    "The report also recommends planting trees along the river embankment.",
    "Critics argue that the costs have been underestimated from the beginning.",
)


def article(number: int) -> str:
    """A realistic article page: chrome around a title and four paragraphs of real sentences."""
    paragraphs = []
    for part in range(4):
        picked = [_SENTENCES[(number * 3 + part * 4 + k) % len(_SENTENCES)] for k in range(4)]
        paragraphs.append(f"<p>Report {number}, part {part + 1}. {' '.join(picked)}</p>")
    return (
        f"<html><head><title>Council report {number}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/contact'>Contact</a>"
        f"</nav><article><h1>Council report {number}</h1>{''.join(paragraphs)}</article>"
        "<footer>© City News. All rights reserved.</footer></body></html>"
    )


def warc_record(
    url: str,
    payload: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    record_type: str = "response",
    date: str = "2024-05-01T10:00:00Z",
    number: int = 0,
    http_headers: str = "",
) -> bytes:
    """A WARC record; ``http_headers``: more header lines ("Name: value\r\n") for the
    HTTP response."""
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{http_headers}"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    block = http if record_type == "response" else payload
    head = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
        f"Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def write_warc(path: Path, records: list[bytes], *, cut_last: bool = False) -> None:
    """A WARC file (gzip per record for ``.gz``); ``cut_last`` truncates the last record."""
    gz = path.name.endswith(".gz")
    chunks = [gzip.compress(r, mtime=0) if gz else r for r in records]
    data = b"".join(chunks)
    if cut_last:
        data = data[: len(data) - len(chunks[-1]) // 2]
    path.write_bytes(data)


def gzip_bomb(size: int, head: bytes = b"<html><body><p>", fill: bytes = b"a") -> Iterator[bytes]:
    """A valid gzip stream of ``head`` then ``fill`` up to ``size`` bytes, built in well under
    a second for any size and never held whole in memory.

    A deflate block compressed after a full flush refers to nothing before it, so the bytes
    of one compressed 1 MiB block can be repeated; the trailer carries the CRC of it all.
    """
    block = fill * (2**20 // len(fill))
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = deflate.compress(head) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeated = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc, written = zlib.crc32(head), len(head)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + first
    while written + len(block) <= size:
        crc = zlib.crc32(block, crc)
        written += len(block)
        yield repeated
    yield deflate.flush(zlib.Z_FINISH) + struct.pack("<II", crc, written & 0xFFFFFFFF)


def write_bomb(
    path: Path,
    size: int,
    head: bytes = b"<html><body><p>",
    fill: bytes = b"a",
    prefix: bytes = b"",
    suffix: bytes = b"",
) -> Path:
    """``gzip_bomb`` written to ``path`` (``prefix`` and ``suffix``: gzip members around it)."""
    with open(path, "wb") as handle:
        handle.write(prefix)
        for chunk in gzip_bomb(size, head, fill):
            handle.write(chunk)
        handle.write(suffix)
    return path


def jsonl_line(**record: object) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def test_standin_reads_paragraphs_and_reports_empty_pages() -> None:
    doc = standin_clean(page(3).encode(), Options())
    assert doc.metadata.title == "Page 3"
    assert standin_render(doc, Options()).startswith("# Page 3\n\nParagraph one")
    empty = standin_clean(b"<html><body><nav>Home only</nav></body></html>", Options())
    assert empty.is_empty


def test_a_gzip_bomb_is_a_valid_gzip_stream_of_the_size_asked() -> None:
    data = b"".join(gzip_bomb(5 * 2**20 + 7, head=b"<p>", fill=b"xy"))
    plain = gzip.decompress(data)
    assert len(data) < 30_000 and plain.startswith(b"<p>xyxy") and len(plain) <= 5 * 2**20 + 7
    assert len(plain) > 5 * 2**20 - 2**20

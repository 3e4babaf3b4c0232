"""A hostile page can make pandoc neither read a local file nor open a connection.

A local HTTP server counts requests while documents pointing at it are written, by the
one-shot renderer and by the persistent workers, with remote images dropped or kept as links.
A local file with a unique marker stands in for a secret.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from pagewash.document import Document, Image, Metadata, Paragraph, Text
from pagewash.pipeline import Options
from pagewash.render.pandoc import render_pandoc
from pagewash.render.pandoc.worker import PandocPool
from test_pandoc import zip_texts

MARKER = b"pagewash-secret-marker-5f2c"


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        CountingHandler.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secret") / "secret.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + MARKER)
    return path


def hostile(server: str, secret: Path) -> Document:
    images = (
        Image("remote", f"{server}/pixel.png"),
        Image("secret path", str(secret)),
        Image("secret url", secret.as_uri()),
        Image("relative", "../" * 12 + str(secret).lstrip("/")),
        Image("passwd", "file:///etc/passwd"),
        Image("hostname", "/etc/hostname"),
    )
    blocks = tuple(Paragraph((Text("Picture: "), image)) for image in images)
    return Document(metadata=Metadata(title="Hostile", languages=("en",)), blocks=blocks)


def _assert_clean(output: bytes, fmt: str) -> None:
    parts = zip_texts(output) if output[:2] == b"PK" else {fmt: output}
    passwd = Path("/etc/passwd").read_bytes()[:30]
    for name, data in parts.items():
        assert MARKER not in data, name
        assert passwd not in data, name


@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("fmt", ["docx", "epub", "odt", "html"])
def test_one_shot_renderer_reads_and_fetches_nothing(server: str, secret: Path, fmt: str, keep: bool) -> None:
    CountingHandler.hits.clear()
    output = render_pandoc(hostile(server, secret), fmt, Options(keep_remote_images=keep))
    _assert_clean(output, fmt)
    assert CountingHandler.hits == []
    if fmt == "html":
        assert (f'href="{server}/pixel.png"'.encode() in output) is keep
        assert b"<img" not in output


def test_workers_read_and_fetch_nothing(server: str, secret: Path) -> None:
    CountingHandler.hits.clear()
    with PandocPool(size=1, timeout=30) as pool:
        for fmt in ("docx", "epub", "html"):
            for keep in (False, True):
                output = pool.render(hostile(server, secret), fmt, Options(keep_remote_images=keep))
                _assert_clean(output, fmt)
    assert CountingHandler.hits == []

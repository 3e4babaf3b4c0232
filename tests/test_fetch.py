"""URL input against a local HTTP server on 127.0.0.1 (never the network): the fetcher's limits
and errors, and the command line over one URL and over a URL list."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from adapter_pages import NEWS, RUSSIAN, SHELL
from pagewash import __version__
from pagewash.errors import FetchError
from pagewash.fetch import FetchSettings, fetch

RUSSIAN_1251 = (
    RUSSIAN.html.decode("utf-8").replace('charset="utf-8"', "").replace("charset=utf-8", "").encode("cp1251")
)
DRIPS = 50  # the slow page sends this many bytes, one every DRIP seconds, then stops
DRIP = 0.2
ENDLESS_LIMIT = 64 * 1024 * 1024  # the endless body stops here even if nobody hangs up


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: object) -> None:  # keep the test output quiet
        pass

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location})

    def do_GET(self) -> None:  # one route per case
        path = self.path
        if path == "/news":
            self.send(200, NEWS.html)
        elif path == "/ru-1251":
            self.send(200, RUSSIAN_1251, "text/html; charset=windows-1251")
        elif path == "/shell":
            self.send(200, SHELL)
        elif path == "/ua":
            agent = self.headers.get("User-Agent", "")
            self.send(200, f"<html><body><p>{agent}</p></body></html>".encode())
        elif path == "/moved":
            self.redirect("/news", 301)
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{left - 1}" if left else "/news")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/missing":
            self.send(404, b"<html><body>not here</body></html>")
        elif path == "/broken":
            self.send(500, b"<html><body>oops</body></html>")
        elif path == "/image":
            self.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png")
        elif path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path == "/endless":
            self.stream(b"<p>" + b"x" * 65_533, ENDLESS_LIMIT // 65_536, pause=0)
        elif path == "/bomb":
            body = gzip.compress(b"<html><body><p>" + b"a" * (8 * 1024 * 1024) + b"</p></body></html>")
            self.send(200, body, headers={"Content-Encoding": "gzip"})
        elif path == "/slow":
            self.stream(b"<", DRIPS, pause=DRIP)
        else:
            self.send(404, b"")

    def stream(self, chunk: bytes, count: int, pause: float) -> None:
        """A body without length, chunk by chunk, until ``count`` or the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(chunk)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_with_its_final_url_and_charset(server: str) -> None:
    page = fetch(f"{server}/moved")
    assert page.url == f"{server}/news" and page.data == NEWS.html and page.status == 200
    russian = fetch(f"{server}/ru-1251")
    assert russian.content_type == "text/html; charset=windows-1251"
    from pagewash import clean

    doc = clean(russian.data, content_type=russian.content_type)
    assert doc.metadata.title == RUSSIAN.title and doc.metadata.encoding == "cp1251"


def test_the_user_agent_names_the_tool_and_version(server: str) -> None:
    assert f"pagewash/{__version__}".encode() in fetch(f"{server}/ua").data


def test_redirects_are_limited_and_stay_on_http(server: str) -> None:
    assert fetch(f"{server}/chain/3", FetchSettings(max_redirects=4)).url == f"{server}/news"
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch(f"{server}/chain/3", FetchSettings(max_redirects=2))
    with pytest.raises(FetchError, match=r"redirects to 'file:///etc/passwd'.*not an http"):
        fetch(f"{server}/to-file")
    with pytest.raises(FetchError, match="not an http or https URL"):
        fetch("ftp://127.0.0.1/x")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", r"HTTP 404 Not Found \(the page cannot be had\)"),
        ("/broken", r"HTTP 500 Internal Server Error \(the server failed\)"),
        ("/image", "the response is image/png, not an HTML page"),
        ("/declared-huge", r"larger than 1 MB \(it declares 1,000,000,000 bytes\)"),
        ("/endless", r"larger than 1 MB \(the body goes on past the cap\)"),
        ("/bomb", r"larger than 1 MB \(the body goes on past the cap\)"),
    ],
)
def test_bad_responses_are_one_line_errors(server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as info:
        fetch(server + path, FetchSettings(max_bytes=1024 * 1024))
    assert "\n" not in str(info.value)


def test_a_slow_body_stops_at_the_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch(f"{server}/slow", FetchSettings(timeout=1))
    assert time.monotonic() - started < DRIPS * DRIP


def test_connection_problems_say_which(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="was refused"):
        fetch(f"http://127.0.0.1:{port}/")
    with pytest.raises(FetchError, match=r"TLS connection to 127\.0\.0\.1 failed"):
        fetch(server.replace("http://", "https://") + "/news")  # a plain-HTTP server
    real = socket.getaddrinfo

    def no_such_host(host: object, *args: object, **kwargs: object) -> object:
        if host == "no-such-host.invalid":  # answered here: no DNS query leaves the machine
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(FetchError, match=r"'no-such-host.invalid' does not resolve \(DNS\)"):
        fetch("http://no-such-host.invalid/page")


# ---------------------------------------------------------------- the command line


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pagewash", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_converts_one_url(server: str, tmp_path: Path) -> None:
    out = tmp_path / "news.md"
    result = run("convert", f"{server}/moved", "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert NEWS.phrase in text and f'url: "{server}/news"' in text
    stdout = run("convert", f"{server}/ru-1251", "--to", "txt")
    assert stdout.returncode == 0 and RUSSIAN.phrase in stdout.stdout


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/missing", 1, "HTTP 404"),
        ("/image", 1, "not an HTML page"),
        ("/shell", 3, "no main content"),
    ],
)
def test_cli_url_errors_and_exit_codes(
    server: str, tmp_path: Path, path: str, status: int, message: str
) -> None:
    result = run("convert", server + path, "-o", tmp_path / "out.md")
    assert result.returncode == status and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out.md").exists()


def test_cli_url_list_into_a_folder(server: str, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(
        f"# pages to convert\n{server}/news\n\n{server}/missing\n{server}/shell\n{server}/ru-1251\n"
    )
    out = tmp_path / "out"
    result = run("convert", "--input-file", urls, "--out-dir", out, "-q")
    assert result.returncode == 1, result.stderr  # one URL failed
    assert sorted(p.name for p in out.iterdir()) == ["000000.md", "000003.md", "errors.jsonl"]
    assert NEWS.phrase in (out / "000000.md").read_text()
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["record"], e["status"], e["type"]) for e in errors] == [
        (1, "error", "FetchError"),
        (2, "empty", "NoContent"),
    ]
    assert errors[0]["input"] == str(urls) and errors[0]["url"] == f"{server}/missing"
    records = run(
        "convert", f"{server}/news", f"{server}/ru-1251", "--out-dir", tmp_path / "r", "--to", "jsonl", "-q"
    )
    assert records.returncode == 0, records.stderr
    rows = [json.loads(line) for line in (tmp_path / "r" / "documents.jsonl").read_text().splitlines()]
    assert [r["title"] for r in rows] == [NEWS.title, RUSSIAN.title]
    assert rows[1]["url"] == f"{server}/ru-1251" and RUSSIAN.phrase in rows[1]["text"]


def test_cli_refuses_mixed_and_incomplete_url_runs(server: str, tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_bytes(NEWS.html)
    mixed = run("convert", f"{server}/news", page, "--out-dir", tmp_path / "o")
    assert mixed.returncode == 2 and "separate runs" in mixed.stderr
    nothing = run("convert")
    assert nothing.returncode == 2 and "give an input" in nothing.stderr
    no_dir = run("convert", "--input-file", page)
    assert no_dir.returncode == 2 and "--out-dir" in no_dir.stderr

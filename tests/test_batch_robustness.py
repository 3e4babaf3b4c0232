"""300 documents, 20 of them bad: 280 outputs, 20 reasons, nothing else; a killed job resumes.

The bad ones cover what crawls deliver: binary garbage, truncated gzip, empty files, a 30 MB
page, 100,000 nested divs, invalid UTF-8 in JSONL, WARC records cut short.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pagewash.batch import ERRORS_FILE, STATE_DIR, BatchSettings, run_batch
from pagewash.ingest.records import Stages
from pagewash.pipeline import Options
from test_batch_standin import (
    article,
    jsonl_line,
    misbehaving,
    page,
    standin_clean,
    standin_render,
    warc_record,
    write_warc,
)

STANDIN = Stages(standin_clean, standin_render)
NESTED = "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000 + "</body></html>"
GOOD, BAD = 280, 20
DELAYED = misbehaving(delay=0.01)


def _huge_page() -> bytes:
    paragraph = "<p>" + "A sentence of a very long page. " * 30 + "</p>\n"
    body = paragraph * (30 * 1024 * 1024 // len(paragraph) + 1)
    return f"<html><body>{body}</body></html>".encode()


def build_corpus(root: Path) -> None:
    """190 + 55 + 18 + 17 good documents and 8 + 5 + 2 + 5 bad ones, in four kinds of input."""
    for i in range(190):
        path = root / "pages" / f"d{i % 5}" / f"p{i:03d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(i), encoding="utf-8")
    truncated = gzip.compress(page(1000).encode() * 20, mtime=0)
    bad_files = {
        "garbage.bin": os.urandom(4096),
        "garbage.html": b"\x89PNG\r\n\x1a\n" + os.urandom(2048),
        "truncated1.html.gz": truncated[: len(truncated) // 2],
        "truncated2.html.gz": truncated[:20],
        "empty1.html": b"",
        "empty2.html": b"  \n\t \n",
        "huge.html": _huge_page(),
        "nested.html": NESTED.encode(),
    }
    for name, data in bad_files.items():
        (root / "bad" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "bad" / name).write_bytes(data)
    lines = [jsonl_line(url=f"http://j/{i}", html=article(2000 + i), id=f"j{i}") for i in range(55)]
    lines[10:10] = [b'{"url": "http://j/x", "html": "caf\xe9"}\n']
    lines[20:20] = [b'{"url": "http://j/y", "html": "\xff\xfe<p>x</p>"}\n']
    lines[30:30] = [b'{"url": "http://j/z", "html": <p>\n']
    lines[40:40] = [jsonl_line(url="http://j/no-html", body=page(1))]
    lines[50:50] = [jsonl_line(url="http://j/number", html=42)]
    (root / "records.jsonl").write_bytes(b"".join(lines))
    _write_warcs(root)


def _write_warcs(root: Path) -> None:
    first = [warc_record(f"http://w/{i}", article(3000 + i).encode(), number=i) for i in range(18)]
    first[5:5] = [warc_record("http://w/garbage", os.urandom(3000), number=100)]
    first[9:9] = [
        warc_record("http://w/img", b"\x89PNG..", content_type="image/png", number=101),
        warc_record("http://w/moved", b"", status="302 Found", number=102),
    ]
    first.append(warc_record("http://w/cut", page(1).encode(), number=103))
    write_warc(root / "crawl.warc.gz", first, cut_last=True)
    second = [warc_record(f"http://v/{i}", article(4000 + i).encode(), number=i) for i in range(17)]
    damaged_gzip = gzip.compress(page(9).encode() * 10, mtime=0)[:40]
    second[3:3] = [warc_record("http://v/empty", b"", number=200)]
    second[7:7] = [warc_record("http://v/binary", b"\x00\x01\x02" * 500, number=201)]
    second[11:11] = [warc_record("http://v/nested", NESTED.encode(), number=202)]
    second[14:14] = [warc_record("http://v/gz", damaged_gzip, number=203)]
    second.append(warc_record("http://v/cut", page(2).encode(), number=204))
    write_warc(root / "crawl2.warc", second, cut_last=True)


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _settings(out: Path, **kwargs: object) -> BatchSettings:
    return BatchSettings(out_dir=out, workers=2, quiet=True, timeout=30, **kwargs)  # type: ignore[arg-type]


def test_300_documents_with_20_bad_ones(tmp_path: Path) -> None:
    build_corpus(tmp_path / "in")
    out = tmp_path / "out"
    summary = run_batch([tmp_path / "in"], Options(), _settings(out), stages=STANDIN)
    assert (summary.converted, summary.empty, summary.failed) == (GOOD, 0, BAD)
    assert summary.exit_status == 1
    _check_folder(out)


def test_300_documents_with_20_bad_ones_through_the_real_pipeline(tmp_path: Path) -> None:
    """The pipeline may call a page of 100,000 nested divs empty instead of failing it."""
    build_corpus(tmp_path / "in")
    out = tmp_path / "out"
    summary = run_batch([tmp_path / "in"], Options(), _settings(out))
    assert summary.converted == GOOD and summary.empty + summary.failed == BAD
    errors = _check_folder(out)
    nested = [e for e in errors if e["input"] == "bad/nested.html"]
    assert nested and nested[0]["type"] in {"NoContent", "RecursionError", "WorkerDied"}


def _check_folder(out: Path) -> list[dict[str, str]]:
    """280 outputs, 20 reasons, and nothing else beside the resume state."""
    files = _snapshot(out)
    outputs = [name for name in files if name.endswith(".md")]
    others = [
        name
        for name in files
        if not name.endswith(".md") and name != ERRORS_FILE and not name.startswith(f"{STATE_DIR}/")
    ]
    assert len(outputs) == GOOD and others == []
    errors = [json.loads(line) for line in files[ERRORS_FILE].decode().splitlines()]
    assert len(errors) == BAD
    assert all(e["status"] in {"error", "empty"} and e["type"] and e["message"] for e in errors)
    by_input: dict[str, list[str]] = {}
    for e in errors:
        by_input.setdefault(e["input"], []).append(e["type"])
    assert by_input["bad/huge.html"] == ["TooLargeError"]
    assert by_input["bad/truncated1.html.gz"] == ["InputError"]
    assert sorted(by_input["records.jsonl"]) == [
        "InvalidJSON",
        "InvalidUTF8",
        "InvalidUTF8",
        "MissingField",
        "MissingField",
    ]
    assert by_input["crawl.warc.gz"][-1] == "TruncatedRecord"
    assert by_input["crawl2.warc"][-1] == "TruncatedRecord"
    return errors


_KILLED_RUN = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_batch_robustness import DELAYED, _settings
from pagewash.batch import run_batch
from pagewash.pipeline import Options

if __name__ == "__main__":
    run_batch([Path({source!r})], Options(), _settings(Path({out!r})), stages=DELAYED)
"""


def test_a_killed_job_resumed_gives_the_same_folder_as_an_uninterrupted_one(tmp_path: Path) -> None:
    build_corpus(tmp_path / "in")
    killed, reference = tmp_path / "killed", tmp_path / "reference"
    script = tmp_path / "job.py"
    script.write_text(
        _KILLED_RUN.format(tests=str(Path(__file__).parent), source=str(tmp_path / "in"), out=str(killed))
    )
    job = subprocess.Popen([sys.executable, str(script)], start_new_session=True)
    try:
        _wait_for_outputs(killed, at_least=100, process=job)
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
    halfway = sum(1 for p in killed.rglob("*.md"))
    assert 100 <= halfway < GOOD
    resumed = run_batch([tmp_path / "in"], Options(), _settings(killed, resume=True), stages=DELAYED)
    assert resumed.resumed >= 100
    run_batch([tmp_path / "in"], Options(), _settings(reference), stages=DELAYED)
    assert _snapshot(killed) == _snapshot(reference)


def _wait_for_outputs(out: Path, at_least: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if out.exists() and sum(1 for _ in out.rglob("*.md")) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError("the job to be killed did not get half-way in time")

"""Decompression bombs and oversized records: refused after the size limit is read, never
decompressed or read whole first, in batch and single-file mode alike.

Memory is measured as the peak resident size of a fresh process (its ``VmHWM``), or with
``tracemalloc`` where only Python objects are involved. The bounds leave room for the
interpreter and the imports (about 60 MB), never for the bomb.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path, PurePosixPath

import pytest

from pagewash.batch import ERRORS_FILE, BatchSettings, Result, run_batch
from pagewash.batch.sources import JSONL, InputFile, iter_documents
from pagewash.errors import TooLargeError
from pagewash.ingest.records import Stages
from pagewash.load import load
from pagewash.pipeline import Options
from test_batch_standin import (
    article,
    gzip_bomb,
    jsonl_line,
    page,
    standin_clean,
    standin_render,
    warc_record,
    write_bomb,
    write_warc,
)

STANDIN = Stages(standin_clean, standin_render)
MiB = 2**20
TESTS = str(Path(__file__).parent)


_MEASURED = """
import atexit, os, runpy, sys

def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_RSS_FILE"], "w") as out:
        out.write(peak)

atexit.register(report)
if sys.argv[1] == "-m":
    sys.argv = [sys.argv[2], *sys.argv[3:]]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    code, sys.argv = sys.argv[2], ["-c", *sys.argv[3:]]
    exec(compile(code, "<measured>", "exec"), {"__name__": "__main__"})
"""


def run_measured(*args: str, stdin: bytes | None = None, tmp: Path) -> tuple[int, str, float]:
    """Run ``python args`` (``-m module ...`` or ``-c code ...``); its exit status, stderr and
    peak resident memory in MB.

    The peak is the process's own high-water mark read at exit (``VmHWM``), not
    ``ru_maxrss``: a child forked from a large test process inherits its parent's peak.
    """
    measured = tmp / "peak-rss.kb"
    measured.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", _MEASURED, *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": TESTS, "PEAK_RSS_FILE": str(measured)},
    )
    if stdin is not None:
        assert process.stdin is not None
        try:
            process.stdin.write(stdin)
            process.stdin.close()
        except BrokenPipeError:
            pass
    assert process.stderr is not None
    err = process.stderr.read().decode()
    status = process.wait(timeout=300)
    return status, err, int(measured.read_text()) / 1024


# ---------------------------------------------------------------- the loader


def test_a_gzip_page_is_bounded_by_what_it_holds_not_by_its_size() -> None:
    bomb = b"".join(gzip_bomb(100 * MiB))  # about 100 KB
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError, match="decompressed"):
            load(bomb, max_bytes=20 * MiB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 45 * MiB
    members = gzip.compress(page(1).encode()) + gzip.compress(page(2).encode())
    assert load(members, max_bytes=MiB).text == page(1) + page(2)
    with pytest.raises(TooLargeError):
        load(page(1).encode() * 100, max_bytes=1000)


def test_single_file_mode_bounds_a_gzip_bomb(tmp_path: Path) -> None:
    bomb = write_bomb(tmp_path / "bomb.html.gz", 2048 * MiB)  # about 2 MB on disk
    status, err, rss = run_measured("-m", "pagewash", "convert", str(bomb), tmp=tmp_path)
    assert status == 1 and err.count("\n") == 1 and "too large" in err, err
    assert rss < 200, f"peak RSS {rss:.0f} MB"
    status, err, rss = run_measured(
        "-m", "pagewash", "convert", "-", tmp=tmp_path, stdin=b"".join(gzip_bomb(2048 * MiB))
    )
    assert status == 1 and "too large" in err and rss < 200, (err, rss)
    status, err, _ = run_measured(
        "-m", "pagewash", "convert", str(bomb), "--max-document-mb", "0.01", tmp=tmp_path
    )
    assert status == 1 and "0.01 MB" in err


# ---------------------------------------------------------------- batch inputs


def test_a_gzip_page_bomb_in_a_batch_fails_alone_in_bounded_memory(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    write_bomb(root / "bomb.html.gz", 1024 * MiB)
    (root / "ok.html").write_text(page(1))
    (root / "ok2.html.gz").write_bytes(gzip.compress(page(2).encode()))
    seen: list[Result] = []
    summary = run_batch(
        [root],
        Options(),
        BatchSettings(out_dir=tmp_path / "out", workers=1, quiet=True),
        stages=STANDIN,
        observer=seen.append,
    )
    assert (summary.converted, summary.failed) == (2, 1)
    [error] = [json.loads(line) for line in (tmp_path / "out" / ERRORS_FILE).open()]
    assert error["type"] == "TooLargeError" and error["input"] == "bomb.html.gz"
    assert max(r.max_rss_kb for r in seen) / 1024 < 250


def test_a_huge_line_in_a_small_jsonl_gz_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl.gz"
    first = gzip.compress(jsonl_line(id="a", html=page(1)))
    last = gzip.compress(jsonl_line(id="c", html=page(3)))
    write_bomb(
        path, 600 * MiB, head=b'{"id": "b", "html": "<p>', prefix=first, suffix=gzip.compress(b'"}\n') + last
    )
    assert path.stat().st_size < 1 * MiB
    source = InputFile(path, PurePosixPath("r.jsonl.gz"), JSONL)
    tracemalloc.start()
    try:
        docs = list(iter_documents(source, max_bytes=2 * MiB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(d.index, d.id, d.problem and d.problem[0]) for d in docs] == [
        (0, "a", None),
        (1, None, "TooLargeError"),
        (2, "c", None),
    ]
    assert docs[2].offset is not None and docs[2].offset > 599 * MiB
    # The line limit is 3 x 2 MB (JSON escaping); reading a line takes about twice that.
    assert peak < 16 * MiB, f"peak {peak / MiB:.0f} MB"


def test_a_jsonl_page_above_the_limit_is_refused_in_the_coordinator(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(jsonl_line(id="big", html="<p>" + "x" * 50_000) + jsonl_line(id="ok", html=page(1)))
    docs = list(iter_documents(InputFile(path, PurePosixPath("r.jsonl"), JSONL), max_bytes=20_000))
    assert [(d.id, d.problem and d.problem[0]) for d in docs] == [("big", "TooLargeError"), ("ok", None)]


_READ_WARC = """
import sys
from pathlib import Path, PurePosixPath
from pagewash.batch.sources import WARC, InputFile, iter_documents
docs = list(iter_documents(InputFile(Path(sys.argv[1]), PurePosixPath("c.warc"), WARC),
                           max_bytes=int(sys.argv[2])))
problems = [d.problem[0] if d.problem else len(d.data) for d in docs]
sys.stderr.write(repr(problems) + "\\n")
"""


@pytest.mark.parametrize("name", ["c.warc", "c.warc.gz"])
def test_warc_payloads_are_bounded_after_their_content_encoding(tmp_path: Path, name: str) -> None:
    bomb = b"".join(gzip_bomb(1024 * MiB))
    gzipped = "Content-Encoding: gzip\r\n"
    encoded = warc_record("http://w/bomb", bomb, number=1, http_headers=gzipped)
    fine = warc_record("http://w/gz", gzip.compress(page(2).encode()), number=3, http_headers=gzipped)
    big = warc_record("http://w/big", b"<p>" + b"z" * (3 * MiB), number=2)
    write_warc(tmp_path / name, [warc_record("http://w/0", page(0).encode(), number=0), encoded, big, fine])
    status, err, rss = run_measured("-c", _READ_WARC, str(tmp_path / name), str(2 * MiB), tmp=tmp_path)
    assert status == 0, err
    assert err.strip() == repr([len(page(0)), "TooLargeError", "TooLargeError", len(page(2))])
    assert rss < 120, f"peak RSS {rss:.0f} MB"


def test_the_ray_reader_applies_the_same_limits(tmp_path: Path) -> None:
    """The reading side of ``--engine ray`` (a task), without a cluster."""
    from pagewash.ingest.ray import _read_unit

    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * 50_000)
    write_bomb(tmp_path / "bomb.html.gz", 64 * MiB)
    rows = [
        row
        for name in ("big.html", "bomb.html.gz")
        for row in _read_unit(
            {"path": os.fsencode(tmp_path / name), "rel": name, "kind": "html"},
            fields=("url", "html", "id"),
            max_bytes=20_000,
        )
    ]
    assert [row["problem_type"] for row in rows] == ["TooLargeError", "TooLargeError"]


def test_max_document_mb_is_an_option_of_every_conversion() -> None:
    from pagewash.pipeline import clean

    with pytest.raises(TooLargeError):
        clean(b"".join(gzip_bomb(64 * MiB)), Options(max_document_mb=1))
    assert not clean(article(1).encode(), Options(max_document_mb=1)).is_empty


def test_jsonl_lines_at_the_limit_are_read_and_one_byte_more_is_skipped(tmp_path: Path) -> None:
    """The line limit is three times the document limit (JSON escaping), newline excluded."""
    limit = 100
    fits = b'{"html": "' + b"a" * (3 * limit - 12) + b'"}'
    over = b'{"html": "' + b"a" * (3 * limit - 11) + b'"}'
    assert (len(fits), len(over)) == (3 * limit, 3 * limit + 1)
    small = [jsonl_line(id=f"s{i}") for i in range(3000)]  # many short lines across chunks
    path = tmp_path / "r.jsonl"
    path.write_bytes(fits + b"\n" + over + b"\n" + b"".join(small) + over)
    docs = list(iter_documents(InputFile(path, PurePosixPath("r.jsonl"), JSONL), max_bytes=limit))
    kinds = [d.problem[0] if d.problem else "ok" for d in docs]
    assert kinds[:2] == ["TooLargeError", "TooLargeError"]  # the page in the first: 288 > 100
    assert docs[0].problem and "the page" in docs[0].problem[1]
    assert docs[1].problem and "the JSONL line" in docs[1].problem[1]
    assert kinds[2:-1] == ["MissingField"] * 3000 and kinds[-1] == "TooLargeError"
    assert docs[2].offset == len(fits) + len(over) + 2
    assert docs[-1].offset == path.stat().st_size - len(over)

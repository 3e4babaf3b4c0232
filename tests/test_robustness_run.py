"""The robustness run: hostile inputs mixed with good pages in one batch.

Every good page is converted, every bad input is one error row, the job ends with status 1,
memory stays bounded (the coordinator below ``COORDINATOR_MB``, each worker below its
``--max-memory-mb``), nothing is written outside the output folder and no file outside it is
touched, though links planted in it point outside.

The hostile inputs: a file name that is not UTF-8, lone surrogates in JSONL ids and URLs, a
JSONL line nested 100,000 deep, slow pages first (as many as workers), a page exhausting its
worker's memory (the next page must not be lost with it), a 1 GB gzip page in a 1 MB file, a
300 MB line in a small ``.jsonl.gz``, a WARC payload whose Content-Encoding holds 1 GB, a
link in the input folder to a file outside it, links planted in the output folder (the error
log pointing at a file outside, a folder pointing outside), and names equal but for case.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

from pagewash.batch import ERRORS_FILE, STATE_DIR
from test_batch_standin import (
    article,
    gzip_bomb,
    jsonl_line,
    warc_record,
    write_bomb,
    write_warc,
)
from test_bombs import run_measured

MiB = 2**20
COORDINATOR_MB = 200  # the interpreter and imports are about 60 MB; a bomb would be GBs
WORKER_MB = 250  # a worker converting any page of the mix, bombs included
WORKER_LIMIT_MB = 512  # --max-memory-mb of the run: the HOG page runs into it
WORKERS = 2


def build_mix(root: Path, outside: Path, good_pages: int, misbehave: bool) -> dict[str, int]:
    """The inputs under ``root`` (links to ``outside``); bad inputs by name, with their row
    count. ``misbehave`` adds the stand-in's slow and memory-hungry pages."""
    pages = root / "pages"
    (pages / "sub").mkdir(parents=True)
    for i in range(good_pages - 22):  # 3 more pages, 6 + 3 JSONL records, 10 WARC ones
        (pages / f"p{i:03d}.html").write_text(article(i))
    (pages / os.fsdecode(b"caf\xe9.html")).write_text(article(900))
    (pages / "Case.html").write_text(article(901))
    (pages / "case.html").write_text(article(902))
    bad = {os.fsdecode(b"pages/bad\xff.bin").replace("\udcff", "\\xff"): 1}
    (pages / os.fsdecode(b"bad\xff.bin")).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(900))
    (pages / "sub" / "linked-out.html").write_text(article(903))  # its folder is a link out
    bad["pages/sub/linked-out.html"] = 1
    write_bomb(pages / "bomb.html.gz", 1024 * MiB)
    bad["pages/bomb.html.gz"] = 1
    (outside / "secret.html").write_text(article(904))
    (pages / "secret.html").symlink_to(outside / "secret.html")  # skipped, not an error
    if misbehave:  # first in the job: as many slow pages as workers, then a memory hog
        for n in range(WORKERS):
            (root / f"00-slow-{n}.html").write_text("<p>SLOW</p>")
            bad[f"00-slow-{n}.html"] = 1
        (root / "01-hog.html").write_text("<p>HOG</p>")
        bad["01-hog.html"] = 1
    lines = [jsonl_line(id=f"j{i}", url=f"http://j/{i}", html=article(1000 + i)) for i in range(5)]
    lines.insert(1, b'{"id": "\\ud83d", "url": "http://j/\\ud83d", "html": "\\u0000\\u0001"}\n')
    lines.insert(3, b"[" * 100_000 + b"]" * 100_000 + b"\n")
    lines.append(b'{"id": "cut-\\ud83d", "html": ' + json.dumps(article(1005)).encode() + b"}\n")
    (root / "records.jsonl").write_bytes(b"".join(lines))
    bad["records.jsonl"] = 2
    first = gzip.compress(b"".join(jsonl_line(id=f"g{i}", html=article(1100 + i)) for i in range(2)))
    write_bomb(
        root / "huge-line.jsonl.gz",
        300 * MiB,
        head=b'{"id": "huge", "html": "<p>',
        prefix=first,
        suffix=gzip.compress(b'"}\n' + jsonl_line(id="g2", html=article(1102))),
    )
    bad["huge-line.jsonl.gz"] = 1
    bomb = b"".join(gzip_bomb(1024 * MiB))
    records = [warc_record(f"http://w/{i}", article(1200 + i).encode(), number=i) for i in range(10)]
    records.insert(
        4, warc_record("http://w/bomb", bomb, number=99, http_headers="Content-Encoding: gzip\r\n")
    )
    write_warc(root / "crawl.warc.gz", records)
    bad["crawl.warc.gz"] = 1
    return bad


def plant_output_links(out: Path, outside: Path) -> None:
    out.mkdir()
    (out / ERRORS_FILE).symlink_to(outside / "victim.txt")
    (out / "pages").mkdir()
    (out / "pages" / "sub").symlink_to(outside / "dir", target_is_directory=True)


def snapshot(top: Path, *skip: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``top`` but in ``skip``: size, modification time, content hash."""
    found = {}
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if Path(folder, d) not in skip]
        for name in files:
            path = Path(folder, name)
            info = path.lstat()
            digest = "" if path.is_symlink() else hashlib.sha1(path.read_bytes()).hexdigest()
            found[os.fsencode(path).hex()] = (info.st_size, info.st_mtime_ns, digest)
    return found


def _setup(tmp_path: Path, good: int, misbehave: bool) -> tuple[Path, Path, Path, dict[str, int]]:
    root, outside, out = tmp_path / "in", tmp_path / "outside", tmp_path / "out"
    (outside / "dir").mkdir(parents=True)
    (tmp_path / "measure").mkdir()
    (outside / "victim.txt").write_text("precious")
    bad = build_mix(root, outside, good, misbehave)
    plant_output_links(out, outside)
    return root, outside, out, bad


def _check(
    out: Path,
    outside: Path,
    before: dict[str, tuple[int, int, str]],
    tmp_path: Path,
    bad: dict[str, int],
    good: int,
) -> list[dict[str, object]]:
    assert snapshot(tmp_path, out, tmp_path / "measure") == before, "a file outside the output folder changed"
    assert list((outside / "dir").iterdir()) == []
    outputs = [p for p in out.rglob("*.md") if STATE_DIR not in p.parts]
    assert len(outputs) == good and not any(p.is_symlink() for p in outputs)
    links = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_symlink()]
    assert links == ["pages/sub"]  # left alone, never written through; errors.jsonl replaced
    errors = [json.loads(line) for line in (out / ERRORS_FILE).read_bytes().decode("utf-8").splitlines()]
    rows: dict[str, int] = {}
    for error in errors:
        rows[str(error["input"])] = rows.get(str(error["input"]), 0) + 1
    assert rows == bad, errors
    return errors


_STANDIN_RUN = """
import json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from test_batch_standin import misbehaving
from pagewash.batch import BatchSettings, run_batch
from pagewash.pipeline import Options

if __name__ == "__main__":
    peaks = []
    settings = BatchSettings(out_dir=Path({out!r}), workers={workers}, quiet=True, timeout=1,
                             max_memory_mb={limit})
    summary = run_batch([Path({source!r})], Options(), settings, stages=misbehaving(slow=30),
                        observer=lambda r: peaks.append(
                            ((r.problem or {{}}).get("type"), r.max_rss_kb)))
    Path({report!r}).write_text(json.dumps({{"worker_peaks_kb": peaks,
        "skipped": list(summary.skipped), "converted": summary.converted,
        "failed": summary.failed}}))
    sys.exit(summary.exit_status)
"""


def test_hostile_inputs_among_200_good_pages_with_stand_in_stages(tmp_path: Path) -> None:
    root, outside, out, bad = _setup(tmp_path, 200, misbehave=True)
    before = snapshot(tmp_path, out, tmp_path / "measure")
    report = tmp_path / "measure" / "report.json"
    script = _STANDIN_RUN.format(
        tests=str(Path(__file__).parent),
        out=str(out),
        source=str(root),
        workers=WORKERS,
        limit=WORKER_LIMIT_MB,
        report=str(report),
    )
    status, err, coordinator_mb = run_measured("-c", script, tmp=tmp_path / "measure")
    report_data = json.loads(report.read_text())
    assert status == 1, err
    assert "Traceback" not in err, err
    errors = _check(out, outside, before, tmp_path, bad, 200)
    assert report_data["converted"] == 200 and report_data["failed"] == sum(bad.values())
    assert report_data["skipped"] == ["pages/secret.html"]
    assert coordinator_mb < COORDINATOR_MB, f"coordinator peak {coordinator_mb:.0f} MB"
    peaks = report_data["worker_peaks_kb"]
    assert max(kb for _, kb in peaks) / 1024 < WORKER_LIMIT_MB
    assert max(kb for kind, kb in peaks if kind != "MemoryError") / 1024 < WORKER_MB
    kinds = {(e["input"], e["type"]) for e in errors}
    assert {
        ("00-slow-0.html", "Timeout"),
        ("01-hog.html", "MemoryError"),
        ("pages/bomb.html.gz", "TooLargeError"),
        ("huge-line.jsonl.gz", "TooLargeError"),
        ("crawl.warc.gz", "TooLargeError"),
        ("records.jsonl", "TooDeep"),
        ("pages/sub/linked-out.html", "OutputError"),
    } <= kinds


def test_hostile_inputs_among_good_pages_through_the_real_pipeline_and_cli(tmp_path: Path) -> None:
    root, outside, out, bad = _setup(tmp_path, 40, misbehave=False)
    before = snapshot(tmp_path, out, tmp_path / "measure")
    status, err, coordinator_mb = run_measured(
        "-m",
        "pagewash",
        "convert",
        str(root),
        "--out-dir",
        str(out),
        "--workers",
        str(WORKERS),
        "--max-memory-mb",
        str(WORKER_LIMIT_MB),
        tmp=tmp_path / "measure",
    )
    assert status == 1, err
    lines = err.splitlines()
    assert all(line.startswith("pagewash: ") for line in lines) and "Traceback" not in err, err
    assert "40 converted" in lines[-1], err
    assert "1 symbolic link leaving the input folder skipped (pages/secret.html)" in lines[-1]
    _check(out, outside, before, tmp_path, bad, 40)
    assert coordinator_mb < COORDINATOR_MB, f"coordinator peak {coordinator_mb:.0f} MB"

"""Decompression bombs: the peak memory of pagewash on the bombs of issue 16.

Builds, in a temporary folder, a 100 MB page in a ~150 KB ``.html.gz`` (batch), a 5 GB page
in a few-MB ``.gz`` (single file), a WARC whose response has ``Content-Encoding: gzip`` and
holds 1.7 GB in 1.7 MB, and a 1.2 GB line in a ~1.2 MB ``.jsonl.gz`` (batch). Each runs as
``pagewash convert`` in a fresh process tree; the peak resident memory of the whole tree
(coordinator and workers, sampled every 20 ms from ``/proc``) is printed with the exit
status and the time.

``--src DIR`` runs another checkout's ``src`` (an older pagewash, for a before/after
table). Every run is capped at ``--cap-mb`` of address space per process, so a version that
decompresses whole fails with MemoryError instead of taking the machine.

    python bench/bombs.py [--src OLD/src] [--cap-mb 3072]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from test_batch_standin import (  # noqa: E402
    article,
    gzip_bomb,
    jsonl_line,
    warc_record,
    write_bomb,
    write_warc,
)

MiB = 2**20


def build(folder: Path) -> list[tuple[str, list[str]]]:
    """The bombs and the ``pagewash convert`` arguments that read each."""
    cases = []
    batch = folder / "gz-page"
    batch.mkdir()
    write_bomb(batch / "bomb.html.gz", 100 * MiB)
    (batch / "ok.html").write_text(article(1))
    cases.append(
        (
            f"batch: .html.gz {_size(batch / 'bomb.html.gz')} -> 100 MB",
            [str(batch), "--out-dir", str(folder / "out-gz-page")],
        )
    )
    single = write_bomb(folder / "single.html.gz", 5 * 1024 * MiB)
    cases.append((f"single file: .gz {_size(single)} -> 5 GB", [str(single)]))
    payload = b"".join(gzip_bomb(1740 * MiB))
    warc = folder / "warc"
    warc.mkdir()
    write_warc(
        warc / "crawl.warc",
        [
            warc_record("http://w/0", article(2).encode(), number=0),
            warc_record("http://w/bomb", payload, number=1, http_headers="Content-Encoding: gzip\r\n"),
            warc_record("http://w/2", article(3).encode(), number=2),
        ],
    )
    cases.append(
        (
            f"batch: WARC {_size(warc / 'crawl.warc')}, gzip payload -> 1.7 GB",
            [str(warc), "--out-dir", str(folder / "out-warc")],
        )
    )
    lines = folder / "jsonl"
    lines.mkdir()
    import gzip

    write_bomb(
        lines / "r.jsonl.gz",
        1200 * MiB,
        head=b'{"id": "huge", "html": "<p>',
        prefix=gzip.compress(jsonl_line(id="a", html=article(4))),
        suffix=gzip.compress(b'"}\n' + jsonl_line(id="b", html=article(5))),
    )
    cases.append(
        (
            f"batch: .jsonl.gz {_size(lines / 'r.jsonl.gz')} with a 1.2 GB line",
            [str(lines), "--out-dir", str(folder / "out-jsonl")],
        )
    )
    return cases


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} KB" if size < MiB else f"{size / MiB:.1f} MB"


def tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


def run(args: list[str], src: Path, cap_mb: int) -> tuple[int, float, int, str]:
    """Exit status, seconds, peak tree RSS (KB) and the last stderr line of one run."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_mb * MiB, cap_mb * MiB))

    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pagewash", "convert", *args, "--workers", "1", "-q"],
        env=env,
        preexec_fn=cap,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.02)
    assert process.stderr is not None
    lines = process.stderr.read().decode(errors="replace").strip().splitlines()
    return process.returncode, time.monotonic() - started, peak, (lines or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the pagewash sources to run (default: this checkout)"
    )
    parser.add_argument(
        "--cap-mb",
        type=int,
        default=3072,
        help="address-space cap per process, so a bomb cannot take the machine",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pagewash-bombs-") as tmp:
        for label, args in build(Path(tmp)):
            status, seconds, peak, last = run(args, options.src, options.cap_mb)
            print(
                f"{label:50s} exit {status}  {seconds:6.1f} s  peak RSS {peak / 1024:7.0f} MB"
                f"  | {last[:140]}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Benchmark batch conversion: throughput with 1 and N workers, and memory per worker.

    .venv/bin/python bench/batch.py [--shared ../shared] [--docs 2000] [--workers 2]
        [--converter pagewash|trafilatura] [--repeat 1]

The pages of the extraction benchmark, repeated to ``--docs`` files, are converted to
Markdown by ``run_batch`` once with one worker and once with ``--workers``, in the same run.
Printed: documents per second for each, their ratio (target >= 1.7 with 2 workers on an idle
2-core machine), the worker CPU time per document (equal in both runs when workers do not get
in each other's way, whatever else loads the machine), and for every worker its peak resident
memory in the first and in the last thousand documents (target <= 10% growth). The load
average before and after is printed too, since other processes on the machine lower the ratio.

``--converter trafilatura`` swaps the per-document function for trafilatura's extractor
(installed by the bench extra): it measures the batch machinery alone, with realistic CPU work
per page, independent of the pipeline's own speed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pagewash.batch import ERRORS_FILE, BatchSettings, BatchSummary, Result, run_batch  # noqa: E402
from pagewash.document import Document, Metadata, Paragraph, Text  # noqa: E402
from pagewash.ingest.records import PIPELINE, Stages  # noqa: E402
from pagewash.load import load  # noqa: E402
from pagewash.pipeline import Options  # noqa: E402

FIRST_WINDOW = 1000


def trafilatura_clean(data: bytes | str, options: Options) -> Document:
    """Extract with trafilatura into paragraphs: the batch machinery under realistic CPU load."""
    import trafilatura

    text = trafilatura.extract(load(data).text, url=options.url) or ""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if not paragraphs:
        return Document(status="empty", reason="trafilatura found no main content")
    return Document(
        metadata=Metadata(url=options.url), blocks=tuple(Paragraph((Text(p),)) for p in paragraphs)
    )


def plain_render(doc: Document, options: Options) -> str:
    return "\n\n".join(b.inlines[0].text for b in doc.blocks if isinstance(b, Paragraph)) + "\n"


CONVERTERS = {"pagewash": PIPELINE, "trafilatura": Stages(trafilatura_clean, plain_render)}


def build_inputs(pages: list[Path], count: int, folder: Path) -> None:
    """``count`` page files, cycling through ``pages`` (each copy is a separate document)."""
    for number in range(count):
        source = pages[number % len(pages)]
        shutil.copyfile(source, folder / f"{number:05d}-{source.name}")


class MemoryWatch:
    """Per worker: the highest resident memory seen after a document, in the first and in the
    last thousand documents of the run (a leak shows as growth between the two)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.seen = 0
        self.first: dict[int, int] = defaultdict(int)
        self.last: dict[int, int] = defaultdict(int)
        self.count: dict[int, int] = defaultdict(int)
        self.cpu: dict[int, float] = {}
        self.cpu_start: dict[int, float] = {}
        self.parent_cpu_ms = 0.0

    @property
    def cpu_ms_per_document(self) -> float:
        """Worker CPU per document (the first document of each worker, its warm-up, excluded)."""
        spent = sum(self.cpu[p] - self.cpu_start[p] for p in self.cpu)
        counted = sum(self.count[p] - 1 for p in self.cpu)
        return spent / counted * 1000 if counted else float("nan")

    def __call__(self, result: Result) -> None:
        self.seen += 1
        pid = result.pid
        self.count[pid] += 1
        self.cpu_start.setdefault(pid, result.cpu_seconds)
        self.cpu[pid] = result.cpu_seconds
        if self.seen <= FIRST_WINDOW:
            self.first[pid] = max(self.first[pid], result.rss_kb)
        if self.seen > self.total - FIRST_WINDOW:
            self.last[pid] = max(self.last[pid], result.rss_kb)


def run(
    source: Path, out: Path, workers: int, stages: Stages
) -> tuple[BatchSummary, MemoryWatch, Counter[str]]:
    watch = MemoryWatch(sum(1 for _ in source.iterdir()))
    settings = BatchSettings(out_dir=out, workers=workers, quiet=True, timeout=120)
    parent_cpu = time.process_time()
    summary = run_batch([source], Options(to="md"), settings, stages=stages, observer=watch)
    watch.parent_cpu_ms = (time.process_time() - parent_cpu) * 1000 / max(summary.documents, 1)
    reasons = Counter()
    for line in (out / ERRORS_FILE).read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        reasons[f"{entry['status']} {entry['type']}: {entry['message'][:90]}"] += 1
    return summary, watch, reasons


def report(label: str, summary: BatchSummary, watch: MemoryWatch, reasons: Counter[str]) -> None:
    print(
        f"{label}: {summary.documents} documents ({summary.converted} converted, "
        f"{summary.empty} empty, {summary.failed} failed) in {summary.seconds:.1f} s = "
        f"{summary.docs_per_second:.1f} documents/s; worker CPU "
        f"{watch.cpu_ms_per_document:.1f} ms per document, parent CPU "
        f"{watch.parent_cpu_ms:.2f} ms per document"
    )
    for pid in sorted(watch.last):
        first, last = watch.first.get(pid, 0), watch.last[pid]
        growth = (last / first - 1) * 100 if first else float("nan")
        print(
            f"  worker {pid}: {watch.count[pid]} documents, peak RSS "
            f"{first / 1024:.1f} MiB in the first {FIRST_WINDOW} documents, "
            f"{last / 1024:.1f} MiB in the last {FIRST_WINDOW} ({growth:+.1f}%)"
        )
    for reason, count in reasons.most_common(3):
        print(f"  errors.jsonl: {count} x {reason}")


def _growth(watch: MemoryWatch, pid: int) -> float:
    return (watch.last[pid] / watch.first[pid] - 1) * 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--converter", choices=sorted(CONVERTERS), default="pagewash")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per worker count, alternating; the fastest counts (a busy "
        "machine slows some runs, never speeds one up)",
    )
    args = parser.parse_args()
    pages = sorted((args.shared / "bench" / "extraction" / "pages").glob("*"))
    if not pages:
        print(f"no pages under {args.shared}/bench/extraction/pages", file=sys.stderr)
        return 2
    stages = CONVERTERS[args.converter]
    with tempfile.TemporaryDirectory(prefix="pagewash-bench-batch-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        build_inputs(pages, args.docs, folder)
        print(
            f"{args.docs} pages ({len(pages)} distinct) -> Markdown, converter "
            f"{args.converter}, {os.cpu_count()} CPUs, load average before "
            f"{os.getloadavg()[0]:.2f}"
        )
        started = time.monotonic()
        best: dict[int, tuple[BatchSummary, MemoryWatch]] = {}
        for attempt in range(args.repeat):
            for workers in (1, args.workers):
                label = f"{workers} worker{'s' if workers > 1 else ''} (run {attempt + 1})"
                summary, watch, reasons = run(folder, Path(tmp) / f"out{workers}-{attempt}", workers, stages)
                report(label, summary, watch, reasons)
                if workers not in best or summary.docs_per_second > best[workers][0].docs_per_second:
                    best[workers] = (summary, watch)
    (one, one_watch), (many, many_watch) = best[1], best[args.workers]
    ratio = many.docs_per_second / one.docs_per_second if one.docs_per_second else 0.0
    growth = max(
        (_growth(w, pid) for w in (one_watch, many_watch) for pid in w.last if w.first.get(pid)),
        default=float("nan"),
    )
    print(
        f"speed-up {args.workers} workers / 1 worker: {many.docs_per_second:.1f} / "
        f"{one.docs_per_second:.1f} documents/s = {ratio:.2f}x (target >= 1.7 with 2 on an "
        f"idle 2-core machine); worst peak-memory growth first->last thousand: {growth:+.1f}% "
        f"(target <= 10%); load average after {os.getloadavg()[0]:.2f}; "
        f"total {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

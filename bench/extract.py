"""Extraction benchmark: pagewash against trafilatura's ``extract()``, same pages, same process.

Runs both tools on the pages of ``../shared/bench/extraction`` (``*.html.gz``), writes their
text into two folders, scores both with the benchmark's ``score.py --vs`` and prints
precision/recall/F1 for each, the paired F1 difference, documents per CPU-second for each and
their ratio, and peak memory.

pagewash's timed work is the whole conversion after decoding: parse, extract, repair and
Markdown rendering (``pipeline.clean`` + ``render``). What is scored is the body of that
Markdown: the document rendered without front matter and without the title heading, since the
benchmark's truth is the article body (``score.py`` drops Markdown link targets and images).
Both tools get the same decoded string. The pages are decoded once, outside the timing, with
``pagewash.load``.

    .venv/bin/python bench/extract.py [--pages DIR] [--rounds 4] [--keep DIR] [--worst N]
                                      [--no-repair] [--preset NAME] [--no-share]

Unless ``--no-share`` or ``--no-repair`` is given, pagewash also runs without its repair
stage in the same alternating rounds, and the run prints repair's share of the pipeline's
CPU time (1 - without/with, the median over the paired rounds). ``--preset`` chooses the
repair preset (default: the library's default, "safe").
"""

from __future__ import annotations

import argparse
import gzip
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT.parent / "shared" / "bench" / "extraction"


def decode_pages(folder: Path) -> dict[str, str]:
    """Page id -> decoded text, decoded the way pagewash decodes input."""
    from pagewash.load import load

    pages = {}
    for path in sorted((folder / "pages").glob("*.html.gz")):
        raw = gzip.decompress(path.read_bytes())
        pages[path.name.removesuffix(".html.gz")] = load(raw).text
    return pages


def run_pagewash(
    pages: dict[str, str], repair: bool = True, preset: str | None = None
) -> tuple[dict[str, str], float]:
    """Convert every page; returns the texts and the CPU seconds spent.

    Only the conversion is timed. The scored text is rendered right after each page,
    outside the timing, and only strings are kept (as for trafilatura): holding every
    ``Document`` until the end added 14 MB of the benchmark's own to the peak memory.
    """
    from dataclasses import replace

    from pagewash.pipeline import Options, clean
    from pagewash.pipeline import render_document as render
    from pagewash.render.markdown import render_markdown

    options = Options(to="md", repair=repair)
    if preset is not None:
        options = replace(options, repair_preset=preset)
    out = {}
    seconds = 0.0
    for page_id, text in pages.items():
        start = time.process_time()
        doc = clean(text, options)
        render(doc, options)
        seconds += time.process_time() - start
        out[page_id] = render_markdown(
            replace(doc, metadata=replace(doc.metadata, title=None)), front_matter=False
        )
    return out, seconds


def run_trafilatura(pages: dict[str, str]) -> tuple[dict[str, str], float]:
    import trafilatura

    out: dict[str, str] = {}
    start = time.process_time()
    for page_id, text in pages.items():
        out[page_id] = trafilatura.extract(text) or ""
    return out, time.process_time() - start


Run = Callable[[dict[str, str]], tuple[dict[str, str], float]]


def alternate(
    rounds: int, ours: Run, theirs: Run, pages: dict[str, str], bare: Run | None = None
) -> tuple[dict[str, str], list[float], dict[str, str], list[float], float, list[float]]:
    """The converters in turns, ``rounds`` times each, so that a busy spell of the machine
    slows all alike: the outputs, each round's CPU seconds, the peak memory after
    pagewash's first round (before trafilatura has run), and the CPU seconds of pagewash
    without repair per round (``bare``, when given)."""
    ours_out, first = ours(pages)
    ours_mb = peak_mb()
    theirs_out, other = theirs(pages)
    ours_cpu, theirs_cpu = [first], [other]
    bare_cpu = [bare(pages)[1]] if bare else []
    for _ in range(rounds - 1):
        ours_cpu.append(ours(pages)[1])
        if bare:
            bare_cpu.append(bare(pages)[1])
        theirs_cpu.append(theirs(pages)[1])
    return ours_out, ours_cpu, theirs_out, theirs_cpu, ours_mb, bare_cpu


def write(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for page_id, text in texts.items():
        (folder / f"{page_id}.md").write_text(text, encoding="utf-8")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="write predictions here instead of a temp dir")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of pagewash")
    parser.add_argument(
        "--no-repair",
        action="store_true",
        help="time pagewash without the repair stage (extraction + Markdown)",
    )
    parser.add_argument("--preset", help="repair preset (default: the library's default)")
    parser.add_argument("--no-share", action="store_true", help="do not also time pagewash without repair")
    args = parser.parse_args()

    pages = decode_pages(args.pages)
    base_mb = peak_mb()
    bare = None if args.no_share or args.no_repair else partial(run_pagewash, repair=False)
    ours, ours_rounds, theirs, theirs_rounds, ours_mb, bare_rounds = alternate(
        args.rounds,
        partial(run_pagewash, repair=not args.no_repair, preset=args.preset),
        run_trafilatura,
        pages,
        bare,
    )
    ours_cpu, theirs_cpu = min(ours_rounds), min(theirs_rounds)
    paired = statistics.median(t / o for o, t in zip(ours_rounds, theirs_rounds, strict=True))

    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        write(out / "pagewash", ours)
        write(out / "trafilatura", theirs)
        command = [
            sys.executable,
            str(args.pages / "score.py"),
            str(out / "pagewash"),
            "--vs",
            str(out / "trafilatura"),
        ]
        if args.worst:
            command += ["--worst", str(args.worst)]
        scored = subprocess.run(command, capture_output=True, text=True, check=True)
    print(scored.stdout.rstrip())
    n = len(pages)
    ours_rate, theirs_rate = n / ours_cpu, n / theirs_cpu
    stages = "parse+extract+markdown" if args.no_repair else "parse+extract+repair+markdown"
    print(
        f"speed: pagewash {ours_rate:.1f} docs/CPU-s ({stages}), "
        f"trafilatura {theirs_rate:.1f} docs/CPU-s, ratio {ours_rate / theirs_rate:.2f}x "
        f"(best of {args.rounds} alternating rounds; median of the paired rounds "
        f"{paired:.2f}x)"
    )
    if bare_rounds:
        shares = [1 - b / o for o, b in zip(ours_rounds, bare_rounds, strict=True)]
        print(
            f"repair's share of pipeline CPU ({args.preset or 'default'} preset): "
            f"{statistics.median(shares):.1%} (median of {len(shares)} paired rounds; "
            f"rounds {', '.join(f'{x:.1%}' for x in shares)}); without repair "
            f"{n / min(bare_rounds):.1f} docs/CPU-s, "
            f"{n / min(bare_rounds) / theirs_rate:.2f}x trafilatura"
        )
    print(
        f"peak memory: {ours_mb:.0f} MB after pagewash (pages decoded: {base_mb:.0f} MB), "
        f"{peak_mb():.0f} MB after trafilatura"
    )
    empty = [page for page, text in ours.items() if not text.strip()]
    print(f"pagewash empty outputs: {len(empty)}" + (f" {empty[:5]}" if empty else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

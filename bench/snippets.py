"""Extraction on a broad mix of real pages: pagewash against trafilatura, with/without snippets.

Runs pagewash and trafilatura 2.3.1 (at its article settings: ``include_comments=False``, and
again with ``favor_precision=True``) on the pages of ``../shared/bench/snippets``, writes each
tool's plain-text body into a folder, scores them with the benchmark's own ``score.py`` (a
"with" snippet found is a hit, a "without" snippet found is a leak) and prints both lines for
each anchor, the paired F1 difference, and every page pagewash left empty with its reason.

pagewash's text is its plain-text rendering of the document without the title (the title is
metadata; several "without" snippets are page titles), repair at the default. Both tools get
the same decoded string (``pagewash.load``), decoded once outside the timing.

    .venv/bin/python bench/snippets.py [--pages DIR] [--keep DIR] [--worst N] [--no-repair]
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT.parent / "shared" / "bench" / "snippets"
ANCHORS = {
    "trafilatura": {"include_comments": False},
    "trafilatura-precision": {"include_comments": False, "favor_precision": True},
}


def decode_pages(folder: Path) -> dict[str, str]:
    """Page id -> text, decoded the way pagewash decodes input."""
    from pagewash.load import load

    pages = {}
    for path in sorted((folder / "pages").glob("*.html.gz")):
        pages[path.name.removesuffix(".html.gz")] = load(gzip.decompress(path.read_bytes())).text
    return pages


def run_pagewash(pages: dict[str, str], repair: bool) -> tuple[dict[str, str], dict[str, str], float]:
    """Body text per page, the reason of every empty page, and CPU seconds."""
    from pagewash.pipeline import Options, clean
    from pagewash.render.text import render_text

    options = Options(to="txt", repair=repair)
    texts: dict[str, str] = {}
    empty: dict[str, str] = {}
    seconds = 0.0
    for page_id, text in pages.items():
        start = time.process_time()
        try:
            doc = clean(text, options)
        except Exception as exc:  # a crash is a finding of the benchmark, not its end
            empty[page_id] = f"error: {type(exc).__name__}: {exc}"
            texts[page_id] = ""
            continue
        seconds += time.process_time() - start
        texts[page_id] = render_text(replace(doc, metadata=replace(doc.metadata, title=None)))
        if doc.is_empty or not texts[page_id].strip():
            empty[page_id] = doc.reason or "no text"
    return texts, empty, seconds


def run_trafilatura(pages: dict[str, str], settings: dict[str, bool]) -> tuple[dict[str, str], float]:
    import trafilatura

    out: dict[str, str] = {}
    start = time.process_time()
    for page_id, text in pages.items():
        out[page_id] = trafilatura.extract(text, **settings) or ""
    return out, time.process_time() - start


def write(folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for page_id, text in texts.items():
        (folder / f"{page_id}.txt").write_text(text, encoding="utf-8")


def score(pages: Path, ours: Path, theirs: Path, worst: int) -> str:
    command = [sys.executable, str(pages / "score.py"), str(ours), "--vs", str(theirs)]
    if worst:
        command += ["--worst", str(worst)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.rstrip()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--keep", type=Path, help="write predictions here instead of a temp dir")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of pagewash")
    parser.add_argument("--no-repair", action="store_true", help="pagewash without repair")
    args = parser.parse_args()

    pages = decode_pages(args.pages)
    ours, empty, ours_cpu = run_pagewash(pages, repair=not args.no_repair)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        write(out / "pagewash", ours)
        for number, (name, settings) in enumerate(ANCHORS.items()):
            theirs, theirs_cpu = run_trafilatura(pages, settings)
            write(out / name, theirs)
            options = ", ".join(f"{k}={v}" for k, v in settings.items())
            print(f"== pagewash vs {name} ({options})")
            print(score(args.pages, out / "pagewash", out / name, args.worst if not number else 0))
            print(
                f"speed: pagewash {len(pages) / ours_cpu:.1f} docs/CPU-s, {name} "
                f"{len(pages) / theirs_cpu:.1f} docs/CPU-s, ratio {theirs_cpu / ours_cpu:.2f}x"
            )
    print(f"pagewash empty pages: {len(empty)}")
    for page_id, reason in sorted(empty.items()):
        print(f"  {page_id}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

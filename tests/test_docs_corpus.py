"""Code on documentation sites comes out exactly: the corpus of fixtures/docs-sites.

The corpus is the same Ferrule documentation built by mkdocs (material and the built-in theme),
Sphinx (alabaster, furo, sphinx-rtd-theme, pydata-sphinx-theme) and pelican (notmyidea, simple),
with its truth read from the source pages (``bench/docs/truth.py``). No generator is needed
here: the built pages are committed, ``make docs-corpus`` rebuilds them.

Two kinds of test:

- the corpus itself is sound: the truth in ``truth.json`` is what the sources say today, each
  code block is where its origin says in the source, the Markdown and reStructuredText versions
  of the documentation hold the same code, each truth block is the text of one ``<pre>`` of its
  page, and the comparison used below does catch the errors it is meant to catch;
- pagewash gets the code out: every truth code block of every page is the full content of one
  fenced block of pagewash's Markdown, with the declared language as info string where the
  page marks it, once, and no line number comes out as code.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from lxml import html as lxml_html

import pagewash
from pagewash.render.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "docs-sites"
BENCH_DOCS = ROOT / "bench" / "docs"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_corpus_{name}", BENCH_DOCS / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {BENCH_DOCS / name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


truth = _module("truth")
compare = _module("compare")
PAGES = compare.load_corpus(CORPUS)
TRUTH = json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))


def _ids(pages: list) -> list[str]:
    return [p.name for p in pages]


# --------------------------------------------------------------------------------------------
# the corpus is sound
# --------------------------------------------------------------------------------------------


def test_corpus_has_every_generator_and_theme() -> None:
    sites = TRUTH["sites"]
    assert {s["generator"] for s in sites.values()} == {"mkdocs", "sphinx", "pelican"}
    assert {s["theme"] for s in sites.values()} >= {
        "material",
        "alabaster",
        "furo",
        "sphinx_rtd_theme",
        "pydata_sphinx_theme",
        "notmyidea",
    }
    assert len(PAGES) >= 30
    assert sum(len(p.code) for p in PAGES) >= 200
    for page in PAGES:
        assert page.path.is_file(), f"{page.name}: {page.path} is missing; run make docs-corpus"


def test_truth_is_what_the_sources_say() -> None:
    """truth.json was written from today's sources: an edited source needs make docs-corpus."""
    derived = truth.corpus_truth(CORPUS)
    for name, source_set in derived.items():
        for page, expected in source_set["pages"].items():
            stored = TRUTH["sources"][name]["pages"][page]
            assert stored == expected, f"{name}/{page}: truth.json is out of date; run make docs-corpus"
    assert set(TRUTH["sources"]) == set(derived)


def test_every_code_block_comes_from_its_source() -> None:
    """Each block is at its origin: the same lines (up to whitespace, which the markup's own rules
    change) for inline code, the whole file for an included one."""
    for source_set in TRUTH["sources"].values():
        for page, entry in source_set["pages"].items():
            for index, block in enumerate(entry["code"]):
                path, line = block["origin"].rsplit(":", 1)
                source = (CORPUS / path).read_text(encoding="utf-8")
                where = f"{page} block {index} ({block['origin']})"
                if path != entry["source"]:  # an included file
                    assert line == "1" and source.removesuffix("\n") == block["text"], where
                    continue
                code_lines = block["text"].split("\n")
                start = int(line) - 1
                got = [src.split() for src in source.split("\n")[start : start + len(code_lines)]]
                assert got == [c.split() for c in code_lines], where


def test_markdown_and_rst_documentation_hold_the_same_code() -> None:
    mkdocs, sphinx = TRUTH["sources"]["mkdocs"]["pages"], TRUTH["sources"]["sphinx"]["pages"]
    assert set(mkdocs) == set(sphinx)
    for page in mkdocs:
        ours = [(c["text"], c["lang"]) for c in mkdocs[page]["code"]]
        theirs = [(c["text"], c["lang"]) for c in sphinx[page]["code"]]
        assert ours == theirs, f"{page}: the mkdocs and Sphinx sources differ in their code"


def _pre_texts(page_html: bytes) -> list[str]:
    tree = lxml_html.fromstring(page_html)
    for cell in tree.xpath(
        "//td[contains(concat(' ', @class, ' '), ' linenos ')]"
        " | //span[contains(concat(' ', @class, ' '), ' linenos ')]"
    ):
        cell.drop_tree()
    return [pre.text_content().removeprefix("\n").removesuffix("\n") for pre in tree.iter("pre")]


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_truth_code_is_the_text_of_the_pages_pre_elements(page) -> None:
    """The committed pages and the truth agree (line-number cells and spans are no code)."""
    pres = _pre_texts(page.html())
    assert sorted(pres) == sorted(block.text for block in page.code), page.name


def _page(code: list[tuple[str, str | None]], marks_language: bool = True):
    blocks = tuple(
        compare.TruthBlock(i, text, lang, False, f"src.md:{i}") for i, (text, lang) in enumerate(code)
    )
    return compare.CorpusPage("site", "page", Path("page.html"), marks_language, ("prose",), blocks)


def test_comparison_finds_every_kind_of_error() -> None:
    code = "def f(x):\n\treturn x  \n\n\nprint('<&>')"
    page = _page([(code, "python"), ("$ pip install ferrule", "console"), ("a = 1\nb = 2", None)])
    fine = (
        f"Text.\n\n```python\n{code}\n```\n\n````console\n$ pip install ferrule\n````\n\n"
        "~~~\na = 1\nb = 2\n~~~\n"
    )
    assert compare.page_problems(compare.compare(page, fine)) == []

    numbered_lines = (f"{n}{line}" for n, line in enumerate(code.split("\n"), 1))
    numbered = "```python\n" + "\n".join(numbered_lines) + "\n```\n"
    glued = "```console\n$ pipinstallferrule\n```\n"
    columns = "```\n1\n2\n```\n\n```\na = 1\nb = 2\n```\n\n```\na = 1\nb = 2\n```\n"
    problems = compare.page_problems(compare.compare(page, numbered + "\n" + glued + "\n" + columns))
    text = "\n".join(problems)
    assert "block 0 (python, src.md:0): altered (line numbers inside the code)" in text
    assert "block 1 (console, src.md:1): altered" in text and "-$ pip install ferrule" in text
    assert "a line-number column" in text
    assert "a second copy of block 2" in text

    wrong_lang = f"```py\n{code}\n```\n\n`$ pip install ferrule`\n"
    result = compare.compare(page, wrong_lang)
    assert [b.status for b in result.blocks] == ["exact", "inline", "missing"]
    assert "the info string is 'py'; the source declares 'python'" in "\n".join(compare.page_problems(result))
    tabs_lost = compare.compare(page, f"```python\n{code.replace(chr(9), '    ')}\n```\n")
    assert tabs_lost.blocks[0].status == "altered"
    assert "⇥" in compare.describe(tabs_lost.blocks[0]) and "·" in compare.describe(tabs_lost.blocks[0])


def test_truth_reader_refuses_markup_it_does_not_know(tmp_path: Path) -> None:
    source = tmp_path / "page.rst"
    source.write_text("Title\n=====\n\n.. figure:: x.png\n\n   A caption.\n", encoding="utf-8")
    with pytest.raises(truth.TruthError, match=r"page.rst:4: unsupported directive 'figure'"):
        truth.rst_page(source)
    markdown = tmp_path / "page.md"
    markdown.write_text('# Title\n\n```python linenums="1" foo\nx\n```\n', encoding="utf-8")
    with pytest.raises(truth.TruthError, match="unread fence options"):
        truth.markdown_page(markdown, "superfences")


# --------------------------------------------------------------------------------------------
# pagewash gets the code out exactly
# --------------------------------------------------------------------------------------------


@cache
def _markdown(page) -> str:
    doc = pagewash.clean(page.html())
    return render_markdown(replace(doc, metadata=replace(doc.metadata, title=None)), front_matter=False)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_every_code_block_comes_out_exact(page) -> None:
    result = compare.compare(page, _markdown(page))
    problems = compare.page_problems(result)
    if problems:
        exact = sum(1 for b in result.blocks if b.ok)
        pytest.fail(
            f"{page.name}: {exact} of {len(page.code)} code blocks right, {len(problems)} problems\n"
            + "\n".join(problems),
            pytrace=False,
        )

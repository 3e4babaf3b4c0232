"""Compare a tool's Markdown of a corpus page with the page's truth (``truth.json``).

Used by ``bench/docs.py`` and ``tests/test_docs_corpus.py``, so the benchmark and the test read
the output the same way.

How Markdown is read: with markdown-it-py (CommonMark, plus GFM tables), the way a Markdown
consumer reads it. A *fenced code block* is a ``fence`` token; its text is the token's content
without the one final newline. Indented code blocks do not count (no tool writes them for
``<pre>``, and they cannot carry a language). A truth code block is

- ``exact`` when one fenced block of the output has exactly its text (each fenced block is
  used for one truth block at most, so code written twice leaves an extra block);
- ``altered`` when it is not exact but an unused fenced block is at least half similar
  (difflib ratio), which is then shown as a diff;
- ``inline`` when its text is a one-line code span instead of a fenced block (trafilatura writes
  one-line ``<pre>`` blocks that way);
- ``missing`` otherwise.

Fenced blocks of the output that no truth block claimed are ``extra``; a fenced block made of
numbers only is a line-number column that came out as code.

The language is checked where the source declares one and the page marks it (``language-*``,
``highlight-*`` classes: ``marks_language`` of the site): the fence's info string must start
with the declared name.

The prose of an output is its Markdown without the fenced blocks, so that code is scored only
as code; the prose metric is the shingle F1 of ``../shared/bench/extraction/score.py``.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "fixtures" / "docs-sites"

Status = Literal["exact", "altered", "inline", "missing"]
_NUMBERS_ONLY = re.compile(r"^[\d\s.:]*\d[\d\s.:]*$")
_LEADING_NUMBERS = (re.compile(r"^ *\d+"), re.compile(r"^ *\d+[ \t:|]"))


@dataclass(frozen=True)
class TruthBlock:
    index: int
    text: str
    lang: str | None
    numbered: bool
    origin: str


@dataclass(frozen=True)
class CorpusPage:
    site: str
    page: str
    path: Path
    marks_language: bool
    prose: tuple[str, ...]
    code: tuple[TruthBlock, ...]

    @property
    def name(self) -> str:
        return f"{self.site}/{self.page}"

    def html(self) -> bytes:
        return self.path.read_bytes()


def load_corpus(corpus: Path = CORPUS) -> list[CorpusPage]:
    """Every page of every site, with its truth, in the order of truth.json."""
    document = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for site, entry in document["sites"].items():
        source_pages = document["sources"][entry["sources"]]["pages"]
        for page, rel in entry["pages"].items():
            truth = source_pages[page]
            code = tuple(
                TruthBlock(i, c["text"], c["lang"], c["numbered"], c["origin"])
                for i, c in enumerate(truth["code"])
            )
            pages.append(
                CorpusPage(site, page, corpus / rel, entry["marks_language"], tuple(truth["prose"]), code)
            )
    return pages


@dataclass(frozen=True)
class Fence:
    info: str
    text: str
    line: int  # 1-based line of the opening fence in the Markdown

    @property
    def lang(self) -> str:
        return self.info.split()[0] if self.info.split() else ""


@cache
def _reader() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def read_markdown(markdown: str) -> tuple[list[Fence], list[str], str]:
    """The fenced blocks, the one-line code spans, and the text without the fenced blocks."""
    tokens = _reader().parse(markdown)
    lines = markdown.split("\n")
    fences: list[Fence] = []
    spans: list[str] = []
    drop: set[int] = set()
    for token in tokens:
        if token.type == "fence" and token.map:
            fences.append(Fence(token.info.strip(), token.content.removesuffix("\n"), token.map[0] + 1))
            drop.update(range(token.map[0], token.map[1]))
        elif token.type == "inline" and token.children:
            spans.extend(child.content for child in token.children if child.type == "code_inline")
    prose = "\n".join(line for n, line in enumerate(lines) if n not in drop)
    return fences, spans, prose


@dataclass(frozen=True)
class BlockResult:
    block: TruthBlock
    status: Status
    fence: Fence | None
    lang_ok: bool | None  # None: the language is not checked for this block

    @property
    def ok(self) -> bool:
        return self.status == "exact" and self.lang_ok is not False


@dataclass(frozen=True)
class PageResult:
    page: CorpusPage
    blocks: tuple[BlockResult, ...]
    extra: tuple[Fence, ...]
    prose: str

    def count(self, status: Status) -> int:
        return sum(1 for b in self.blocks if b.status == status)

    @property
    def number_columns(self) -> tuple[Fence, ...]:
        return tuple(f for f in self.extra if _NUMBERS_ONLY.match(f.text))


def _similarity(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def compare(page: CorpusPage, markdown: str) -> PageResult:
    """Each truth code block of the page against the fenced blocks of ``markdown``."""
    fences, spans, prose = read_markdown(markdown)
    unused = list(range(len(fences)))
    found: dict[int, tuple[Status, int | None]] = {}
    for block in page.code:
        exact = next((k for k in unused if fences[k].text == block.text), None)
        if exact is not None:
            unused.remove(exact)
            found[block.index] = ("exact", exact)
    for block in page.code:
        if block.index in found:
            continue
        best = max(unused, key=lambda k: _similarity(fences[k].text, block.text), default=None)
        if best is not None and _similarity(fences[best].text, block.text) >= 0.5:
            unused.remove(best)
            found[block.index] = ("altered", best)
        elif "\n" not in block.text and block.text in spans:
            found[block.index] = ("inline", None)
        else:
            found[block.index] = ("missing", None)
    results = []
    for block in page.code:
        status, k = found[block.index]
        fence = fences[k] if k is not None else None
        lang_ok = None
        if fence is not None and block.lang and page.marks_language:
            lang_ok = fence.lang == block.lang
        results.append(BlockResult(block, status, fence, lang_ok))
    return PageResult(page, tuple(results), tuple(fences[k] for k in unused), prose)


def visible(line: str) -> str:
    """A code line with its invisible characters shown: tab ⇥, trailing space ·, and other
    spaces, format characters and combining marks as <U+XXXX>, so a diff never looks empty."""
    body = line.rstrip(" ")
    shown = []
    for char in body:
        if char == "\t":
            shown.append("⇥")
        elif char != " " and (unicodedata.category(char) in ("Zs", "Cf", "Mn", "Cc")):
            shown.append(f"<U+{ord(char):04X}>")
        else:
            shown.append(char)
    return "".join(shown) + "·" * (len(line) - len(body))


def _diagnosis(truth: str, got: str) -> str:
    for number in _LEADING_NUMBERS:
        if "\n".join(number.sub("", line, count=1) for line in got.split("\n")) == truth:
            return "line numbers inside the code"
    if got.split() == truth.split():
        return "same words, whitespace differs"
    if "".join(got.split()) == "".join(truth.split()):
        return "spaces between words lost"
    return "text differs"


def short_diff(truth: str, got: str, lines: int = 10) -> list[str]:
    diff = difflib.unified_diff(
        [visible(x) for x in truth.split("\n")],
        [visible(x) for x in got.split("\n")],
        "truth",
        "markdown",
        lineterm="",
        n=0,
    )
    out = [line for line in diff if not line.startswith(("---", "+++"))]
    return out[:lines] + ([f"... ({len(out) - lines} more diff lines)"] if len(out) > lines else [])


def describe(result: BlockResult) -> str:
    """One block's problem, precise enough to find it: index, origin, what is wrong, a diff."""
    block = result.block
    head = f"block {block.index} ({block.lang or 'no language'}, {block.origin}"
    head += ", line numbers)" if block.numbered else ")"
    if result.status == "missing":
        return f"{head}: missing, in no fenced block; starts {visible(block.text.split(chr(10))[0])[:60]!r}"
    if result.status == "inline":
        return f"{head}: written as inline code, not as a fenced block"
    fence = result.fence
    if fence is None:  # exact and altered blocks always have their fence
        return head
    if result.status == "altered":
        why = _diagnosis(block.text, fence.text)
        lines = [f"{head}: altered ({why}), fenced block at Markdown line {fence.line}"]
        lines += ["    " + line for line in short_diff(block.text, fence.text)]
        if result.lang_ok is False:
            lines.append(f"    and the info string is {fence.info!r}, the source declares {block.lang!r}")
        return "\n".join(lines)
    return f"{head}: exact, but the info string is {fence.info!r}; the source declares {block.lang!r}"


def page_problems(result: PageResult) -> list[str]:
    """Everything wrong with a page's code, one entry per problem (empty when all is right)."""
    problems = [describe(b) for b in result.blocks if not b.ok]
    copies = {b.block.text: b.block.index for b in result.blocks}
    for fence in result.extra:
        if fence.text in copies:
            kind = f"a second copy of block {copies[fence.text]}"
        elif _NUMBERS_ONLY.match(fence.text):
            kind = "a line-number column"
        else:
            kind = "code that is in no truth block"
        first = visible(fence.text.split("\n")[0])[:60]
        problems.append(f"extra fenced block at Markdown line {fence.line}: {kind}; starts {first!r}")
    return problems

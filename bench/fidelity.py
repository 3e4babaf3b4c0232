"""Invented words, read two ways: the shared checker's regular expressions and a CommonMark parser.

``make bench-fidelity`` first runs ``../shared/tools/fidelity.py`` on each page folder: that
is the measure (words of the Markdown body that are not words of the page, per 100,000
output words). This script then reads the same Markdown bodies a second way, the way a
reader meets them: parsed by markdown-it-py (CommonMark, tables, footnotes), the text of the
resulting HTML with a break at every block. Against the same page words (the checker's own
``page_words``) it lists, page by page, every word either reading flags, and says which:

* ``both``: an invented word a reader sees too — a defect to fix;
* ``checker only``: the checker's regular expressions misread valid Markdown (an underscore
  at a word edge, in code too, is taken for emphasis; a link whose text holds a bracket is
  not recognised, so its target is read as text; a code fence's language is read as text);
* ``parser only``: should not happen; printed so it cannot hide.

    .venv/bin/python bench/fidelity.py PAGES_DIR [PAGES_DIR ...] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import lxml.html
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

import pagewash

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")
# Elements read apart from the text around them: blocks, and superscripts and subscripts (in
# raw HTML tables), which a reader sees raised or lowered, not run into the word before.
APART = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "td",
    "th",
    "tr",
    "blockquote",
    "table",
    "hr",
    "br",
    "div",
    "section",
    "ol",
    "ul",
    "sup",
    "sub",
)
RAISED = ("sup", "sub")
PARSER = MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def load_checker(shared: Path) -> ModuleType:
    """The shared checker as a module (its ``page_words`` and regular expressions)."""
    path = shared / "tools" / "fidelity.py"
    spec = importlib.util.spec_from_file_location("shared_fidelity", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checker_words(checker: ModuleType, body: str) -> list[str]:
    """The words of a Markdown body as the shared checker reads them."""
    body = checker.EMPHASIS.sub(
        " ", checker.FOOTNOTE.sub(" ", checker.LINK.sub(r"\1", checker.IMAGE.sub(" ", body)))
    )
    return WORD.findall(checker.LIST_NUMBER.sub(" ", checker.TAG.sub(" ", body)))


def reader_words(body: str) -> list[str]:
    """The words of a Markdown body as a reader sees them: parsed, rendered, its text with
    a break after every element in ``APART``; footnote marks and back-links are not words of
    the text."""
    html = PARSER.render(body)
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for mark in root.xpath("//sup[contains(@class,'footnote-ref')]|//a[contains(@class,'footnote-backref')]"):
        mark.drop_tree()
    for block in root.iter(*APART):
        block.tail = "\n" + (block.tail or "")
        if block.tag in RAISED:
            block.text = "\n" + (block.text or "")
    return WORD.findall(root.text_content())


def read_page(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.name.endswith(".gz") else raw


def measure(folder: Path, checker: ModuleType) -> None:
    """Print every flagged word of every page with its label, then the totals."""
    opts = pagewash.Options(to="md", repair=False, front_matter=False)
    totals: Counter[str] = Counter()
    for path in sorted(folder.iterdir()):
        raw = read_page(path)
        try:
            doc = pagewash.clean(raw, opts)
        except Exception as exc:  # a page the pipeline refuses is reported, never hidden
            print(f"{path.name}: not converted ({type(exc).__name__}: {exc})")
            continue
        text = raw.decode(doc.metadata.encoding or "utf-8", errors="replace")
        body = str(pagewash.render_document(replace(doc, metadata=replace(doc.metadata, title=None)), opts))
        known = checker.page_words(text)
        by_checker = Counter(w for w in checker_words(checker, body) if w not in known)
        by_reader = Counter(w for w in reader_words(body) if w not in known)
        totals["words"] += len(checker_words(checker, body))
        for word in sorted(set(by_checker) | set(by_reader)):
            label = (
                "both"
                if word in by_checker and word in by_reader
                else "checker only"
                if word in by_checker
                else "parser only"
            )
            count = max(by_checker[word], by_reader[word])
            totals[label] += count
            print(f"{path.name.split('.')[0]}  {label:12}  {word}×{count}")
    words = totals["words"] or 1
    print(
        f"{folder}: {totals['both']} invented words a reader sees "
        f"({totals['both'] / words * 1e5:.1f} per 100k), {totals['checker only']} misread by "
        f"the checker only, {totals['parser only']} by the parser only, "
        f"in {totals['words']} output words"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    checker = load_checker(args.shared)
    for folder in args.folders:
        measure(folder, checker)


if __name__ == "__main__":
    sys.exit(main())

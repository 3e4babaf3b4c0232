"""Text -> ``ParsedPage``: an lxml parse, pruned of non-content, turned into a BeautifulSoup tree.

Where the time goes: libxml2 parses a page about 15x faster than trafilatura extracts it,
but building the BeautifulSoup tree costs about as much as trafilatura's whole extraction,
and that cost grows with the number of elements. So the page is parsed with lxml first
(``tree``), metadata carriers (meta, title, canonical link, JSON-LD) are read (``head``),
code blocks are read out of highlighter markup (``code``), note marks are found
(``notes``), and scripts, styles, SVG, form controls, hidden elements and selector-matched
chrome are dropped (``prune``), and the head is emptied once read. The soup is then built
straight from the remaining ~30 % of elements (``soup``). Over the benchmark's pages this
stage costs about a third of trafilatura's whole extraction.

What the parser hands the extractor travels in the ``ParsedPage``: the tree, the page head
and the list of removals. What it recognised on elements (notes, captions, continuations)
is marked with ``data-pw-*`` attributes (``marks``), after removing any the page brought.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup
from lxml import etree

from pagewash.parse.code import normalise_code
from pagewash.parse.head import PageHead, Removal, read_head
from pagewash.parse.marks import strip_incoming
from pagewash.parse.notes import mark_notes
from pagewash.parse.prune import hidden_classes, prune_chrome, slim, strip_non_content
from pagewash.parse.soup import build_soup
from pagewash.parse.tree import MAX_NESTING, lxml_root
from pagewash.rules import Rules, load_rules

__all__ = ["PageHead", "ParsedPage", "Removal", "parse"]


@dataclass(frozen=True, slots=True, eq=False)
class ParsedPage:
    """A parsed page: its pruned tree, what its head says, and what parsing removed.

    ``soup`` is the BeautifulSoup tree of the pruned page (the body is what the extractor
    walks); ``removals`` lists the page parts dropped before the tree was built, for the
    document's change log. Optional chrome (comment sections) is still in the tree: whether
    to keep it is the extractor's decision.
    """

    soup: BeautifulSoup
    head: PageHead
    removals: tuple[Removal, ...] = ()


def parse(text: str, rules: Rules | None = None) -> ParsedPage:
    """Parse ``text`` with the built-in boilerplate rules (or ``rules``)."""
    rules = rules or load_rules()
    root, flattened = lxml_root(text)
    strip_incoming(root)
    head = read_head(root)
    css_hidden = hidden_classes(root)
    removals = strip_non_content(root)
    normalise_code(root, css_hidden | rules.hidden_classes)
    if flattened:
        removals.insert(
            0,
            Removal(
                "deep-nesting",
                f"elements below level {MAX_NESTING}",
                "nested deeper than the parser reads: their text was kept, their tags unwrapped",
                "body",
            ),
        )
    removals += mark_notes(root, rules.notes)
    removals += prune_chrome(root, rules, css_hidden, keep_optional=True)
    slim(root)
    _empty_head(root)
    return ParsedPage(build_soup(root), head, tuple(removals))


def _empty_head(root: etree._Element) -> None:
    """Drop the head's children: ``read_head`` has read them and the extractor walks only
    the body, yet they are a fifth of the elements left (mostly ``<meta>``)."""
    head = root.find("head")
    if head is not None:
        for child in list(head):
            head.remove(child)
        head.text = None

"""Text -> DOM: an lxml parse, pruned of non-content, turned into a BeautifulSoup tree.

Where the time goes: libxml2 parses a page about 15x faster than trafilatura extracts it,
but building the BeautifulSoup tree costs about as much as trafilatura's whole extraction,
and that cost grows with the number of elements. So the page is parsed with lxml first,
metadata carriers (meta, title, canonical link, JSON-LD) are read, and scripts, styles,
SVG, form controls, hidden elements and selector-matched chrome are dropped there; only the
remaining ~30 % of elements is handed to BeautifulSoup (lxml tree builder).
"""

from __future__ import annotations

import re
from dataclasses import replace

import lxml.html
from bs4 import BeautifulSoup
from lxml import etree

from pagewash.extract.head import ATTRIBUTE, PageHead, read_head
from pagewash.extract.notes import mark_notes
from pagewash.extract.prune import hidden_classes, prune_chrome, slim, strip_non_content
from pagewash.extract.rules import load_rules

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
_EMPTY_PAGE = "<html><head></head><body></body></html>"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse(text: str) -> BeautifulSoup:
    """Parse ``text`` into a pruned BeautifulSoup tree carrying a ``PageHead``.

    The head (metadata carriers and the list of parser removals) is attached to the soup as
    ``soup.pagewash_head`` for the extractor. Optional chrome (comment sections) is left in
    the tree: whether to keep it is the extractor's decision.
    """
    root = _lxml_root(text)
    head = read_head(root)
    css_hidden = hidden_classes(root)
    removals = strip_non_content(root)
    rules = load_rules()
    removals += mark_notes(root, rules.notes)
    removals += prune_chrome(root, rules, css_hidden, keep_optional=True)
    slim(root)
    markup = lxml.html.tostring(root, encoding="unicode")
    soup = BeautifulSoup(markup, "lxml")
    setattr(soup, ATTRIBUTE, replace(head, removals=tuple(removals)))
    return soup


def page_head(soup: BeautifulSoup) -> PageHead | None:
    """The ``PageHead`` that ``parse`` attached, if this soup came from ``parse``."""
    head = soup.__dict__.get(ATTRIBUTE)
    return head if isinstance(head, PageHead) else None


def _lxml_root(text: str) -> etree._Element:
    """An lxml document for any string, including empty and XML-declared ones."""
    text = _CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        text = _EMPTY_PAGE
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring(_EMPTY_PAGE, parser=_PARSER)
    if root.find("body") is None:
        etree.SubElement(root, "body")
    return root

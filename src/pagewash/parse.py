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
from html.parser import HTMLParser

import lxml.html
from bs4 import BeautifulSoup
from bs4.builder import LXMLTreeBuilder
from lxml import etree

from pagewash.extract.head import ATTRIBUTE, PageHead, Removal, read_head
from pagewash.extract.notes import mark_notes
from pagewash.extract.prune import hidden_classes, prune_chrome, slim, strip_non_content
from pagewash.extract.rules import load_rules

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
# lxml.html's default class lookup calls back into Python for every element proxy (a tenth
# of the parse stage); only HtmlElement's own methods are used, so a lookup in C will do.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
_EMPTY_PAGE = "<html><head></head><body></body></html>"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_NESTING = 1000  # deeper elements are unwrapped when libxml2 gives up (at 2048)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "keygen"})
_SIBLING_CLOSED = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})


def parse(text: str) -> BeautifulSoup:
    """Parse ``text`` into a pruned BeautifulSoup tree carrying a ``PageHead``.

    The head (metadata carriers and the list of parser removals) is attached to the soup as
    ``soup.pagewash_head`` for the extractor. Optional chrome (comment sections) is left in
    the tree: whether to keep it is the extractor's decision.
    """
    root, flattened = _lxml_root(text)
    head = read_head(root)
    css_hidden = hidden_classes(root)
    removals = strip_non_content(root)
    if flattened:
        removals.insert(0, Removal("deep-nesting", f"elements below level {MAX_NESTING}",
                                   "nested deeper than the parser reads: their text was kept, "
                                   "their tags unwrapped", "body"))
    rules = load_rules()
    removals += mark_notes(root, rules.notes)
    removals += prune_chrome(root, rules, css_hidden, keep_optional=True)
    slim(root)
    _empty_head(root)
    soup = _build_soup(root)
    setattr(soup, ATTRIBUTE, replace(head, removals=tuple(removals)))
    return soup


def _empty_head(root: etree._Element) -> None:
    """Drop the head's children: ``read_head`` has read them and the extractor walks only
    the body, yet they are a fifth of the elements left (mostly ``<meta>``)."""
    head = root.find("head")
    if head is not None:
        for child in list(head):
            head.remove(child)
        head.text = None


def _build_soup(root: etree._Element) -> BeautifulSoup:
    """The BeautifulSoup tree of ``root``, built straight from the lxml tree.

    Serialising the pruned tree and having bs4's lxml builder parse it again cost a second
    libxml2 parse plus a string the size of the page; walking the tree and feeding the same
    builder callbacks (start, data, end) builds the same soup without either.
    """
    return BeautifulSoup("", builder=_TreeFeeder(root))


class _TreeFeeder(LXMLTreeBuilder):
    """bs4's lxml HTML builder, fed from an lxml tree instead of from markup."""

    def __init__(self, root: etree._Element) -> None:
        super().__init__()
        self.root: etree._Element | None = root

    def feed(self, markup: object) -> None:
        """Replay ``self.root`` as parser events; ``markup`` (always empty) is unused.

        The events go straight to the soup: an HTML tree has no namespaces, so the
        builder's per-element namespace and attribute bookkeeping would change nothing.
        Iterative, because pages nest deeper than Python's recursion limit.
        """
        soup = self.soup
        if soup is None:
            raise RuntimeError("the builder feeds a soup it was initialised with")
        start, end, data = soup.handle_starttag, soup.handle_endtag, soup.handle_data
        attributes = self.attribute_dict_class
        namespaces = self.active_namespace_prefixes[-1]
        root, self.root = self.root, None  # the soup keeps its builder: let the tree go
        stack: list[tuple[etree._Element, bool]] = [] if root is None else [(root, False)]
        while stack:
            el, closing = stack.pop()
            if closing or not isinstance(el.tag, str):  # a closed element, or a stray node
                if closing:
                    end(el.tag)
                if el.tail:
                    data(el.tail)
                continue
            start(el.tag, None, None, attributes(el.attrib), namespaces=namespaces)
            if el.text:
                data(el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
        self.close()


def page_head(soup: BeautifulSoup) -> PageHead | None:
    """The ``PageHead`` that ``parse`` attached, if this soup came from ``parse``."""
    head = soup.__dict__.get(ATTRIBUTE)
    return head if isinstance(head, PageHead) else None


def _lxml_root(text: str) -> tuple[etree._Element, bool]:
    """An lxml document for any string, including empty, XML-declared and absurdly deep ones.

    libxml2 stops reading at nesting depth 2048 even with ``huge_tree`` and returns what it
    had, which for a deeply wrapped page is nothing; such a page is unwrapped below
    ``MAX_NESTING`` and parsed again (the flag says so).
    """
    text = _CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        text = _EMPTY_PAGE
    root = _parse_or_empty(text)
    flattened = _too_deep(_PARSER.error_log)
    if flattened:
        root = _parse_or_empty(flatten_nesting(text, MAX_NESTING))
    if root.find("body") is None:
        etree.SubElement(root, "body")
    return root, flattened


def _parse_or_empty(text: str) -> etree._Element:
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring(_EMPTY_PAGE, parser=_PARSER)


def _too_deep(log: etree._ListErrorLog) -> bool:
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message
               for entry in log)


def flatten_nesting(text: str, limit: int) -> str:
    """The markup of ``text`` with the tags of elements nested deeper than ``limit`` removed
    (their text stays, in place); comments and processing instructions are dropped."""
    flattener = _Flattener(limit)
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


class _Flattener(HTMLParser):
    """Re-emits markup while counting open elements; tags below the limit are left out.

    End tags close the nearest open element of their name (and whatever was left open inside
    it); a repeated ``<p>``/``<li>``/... closes its open sibling, as browsers do.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.open_count: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.out.append(self.get_starttag_text() or "")
            return
        if tag in _SIBLING_CLOSED and self.stack and self.stack[-1][0] == tag:
            self._pop()
        kept = len(self.stack) < self.limit
        self.stack.append((tag, kept))
        self.open_count[tag] = self.open_count.get(tag, 0) + 1
        if kept:
            self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) < self.limit:
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.open_count.get(tag):
            return  # a stray end tag
        while self.stack:
            name = self._pop()
            if name == tag:
                return

    def _pop(self) -> str:
        name, kept = self.stack.pop()
        self.open_count[name] -= 1
        if kept:
            self.out.append(f"</{name}>")
        return name

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

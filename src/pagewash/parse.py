"""Text -> DOM: an lxml parse, pruned of non-content, turned into a BeautifulSoup tree.

Where the time goes: libxml2 parses a page about 15x faster than trafilatura extracts it,
but building the BeautifulSoup tree costs about as much as trafilatura's whole extraction,
and that cost grows with the number of elements. So the page is parsed with lxml first,
metadata carriers (meta, title, canonical link, JSON-LD) are read, and scripts, styles,
SVG, form controls, hidden elements and selector-matched chrome are dropped there, and the
head is emptied once read. The soup is then built straight from the remaining ~30 % of
elements, the way bs4's lxml builder would build it from their markup, without serialising
and parsing them a second time (``_SoupFiller``; ``tests/test_parse_build.py`` holds it to
the builder's result). Over the benchmark's pages this stage now costs about a third of
trafilatura's whole extraction: lxml parse 0.15 s, pruning 0.3 s, soup 0.25 s per 123 pages.
"""

from __future__ import annotations

import gc
import re
from dataclasses import replace
from html.parser import HTMLParser

import lxml.html
from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.builder import LXMLTreeBuilder
from lxml import etree

from pagewash.extract.code import normalise_code
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
_CONTROL_CHARS = tuple(chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
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
    rules = load_rules()
    normalise_code(root, css_hidden | rules.hidden_classes)
    if flattened:
        removals.insert(0, Removal("deep-nesting", f"elements below level {MAX_NESTING}",
                                   "nested deeper than the parser reads: their text was kept, "
                                   "their tags unwrapped", "body"))
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
        """Build the soup from ``self.root``; ``markup`` (always empty) is unused."""
        soup = self.soup
        if soup is None:
            raise RuntimeError("the builder feeds a soup it was initialised with")
        root, self.root = self.root, None  # the soup keeps its builder: let the tree go
        if root is None:
            return
        # Every node made here stays reachable from the soup, so the cyclic garbage
        # collector, which a burst of allocations sets off again and again, would search
        # the growing tree for garbage it cannot find: a quarter of the building time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            _SoupFiller(soup, self).fill(root)
        finally:
            if collecting:
                gc.enable()


class _SoupFiller:
    """Adds the elements and strings of an lxml tree to a fresh soup, exactly as the soup's
    own parser callbacks (``handle_starttag``, ``handle_data``, ``endData``,
    ``handle_endtag``) would, without their per-event bookkeeping: building the soup is the
    costliest part of parsing.

    What the callbacks do that matters here: a tag is created with the open tag as parent
    and the last created node as previous element; adjacent data becomes one string, an
    all-whitespace string shrinks to "\n" or " " outside ``<pre>``/``<textarea>``, and a
    string inside ``<script>``, ``<style>`` and the like gets that tag's string class. An
    HTML tree has no namespaces and arrives well nested, so no tag is closed implicitly.
    """

    def __init__(self, soup: BeautifulSoup, builder: LXMLTreeBuilder) -> None:
        self.soup = soup
        self.builder = builder
        self.namespaces = builder.active_namespace_prefixes[-1]
        self.open: list[Tag] = [soup]
        self.preserving: list[Tag] = []
        self.containers: list[Tag] = []
        self.pending: list[str] = []
        self.last: PageElement | None = soup._most_recent_element

    def fill(self, root: etree._Element) -> None:
        stack: list[tuple[etree._Element, bool]] = [(root, False)]
        while stack:
            el, closing = stack.pop()
            if closing or not isinstance(el.tag, str):  # a closed element, or a stray node
                if closing:
                    self.end()
                if el.tail:
                    self.pending.append(el.tail)
                continue
            self.start(el.tag, self.builder.attribute_dict_class(el.attrib))
            if el.text:
                self.pending.append(el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
        self.flush()
        self.soup._most_recent_element = self.last

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.flush()
        parent = self.open[-1]
        tag = Tag(self.soup, self.builder, name, None, None, attrs, parent, self.last,
                  namespaces=self.namespaces)
        self.last = tag
        parent.contents.append(tag)
        self.open.append(tag)
        if name in self.builder.preserve_whitespace_tags:
            self.preserving.append(tag)
        if name in self.builder.string_containers:
            self.containers.append(tag)

    def end(self) -> None:
        self.flush()
        tag = self.open.pop()
        if self.preserving and tag is self.preserving[-1]:
            self.preserving.pop()
        if self.containers and tag is self.containers[-1]:
            self.containers.pop()

    def flush(self) -> None:
        if not self.pending:
            return
        data = self.pending[0] if len(self.pending) == 1 else "".join(self.pending)
        self.pending = []
        if not self.preserving and not data.strip(BeautifulSoup.ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        container = NavigableString
        if self.containers:
            container = self.builder.string_containers.get(self.containers[-1].name, container)
        string = container(data)
        parent = self.open[-1]
        string.setup(parent, self.last)
        self.last = string
        parent.contents.append(string)


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
    text = _without_controls(_XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        text = _EMPTY_PAGE
    root = _parse_or_empty(text)
    flattened = _too_deep(_PARSER.error_log)
    if flattened:
        root = _parse_or_empty(flatten_nesting(text, MAX_NESTING))
    if root.find("body") is None:
        etree.SubElement(root, "body")
    return root, flattened


def _without_controls(text: str) -> str:
    """``text`` without the control characters libxml2 refuses. Pages rarely have any, and
    looking for each one is several times faster than the regular expression's scan."""
    if any(char in text for char in _CONTROL_CHARS):
        return _CONTROL.sub("", text)
    return text


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

"""The BeautifulSoup tree of a pruned lxml tree, built without a second parse.

Serialising the pruned tree and having bs4's lxml builder parse it again cost a second
libxml2 parse plus a string the size of the page; walking the tree and feeding the soup the
way bs4's own lxml HTML builder (looked up in bs4's builder registry) would builds the same
soup without either. ``tests/test_parse_build.py`` builds every test page both ways and
compares node by node, so a bs4 release that changes what its builder does fails there,
loudly, instead of changing pagewash's output silently.
"""

from __future__ import annotations

import gc
from typing import Any

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.builder import builder_registry
from lxml import etree

_LXML_HTML: Any = builder_registry.lookup("lxml", "html")
if _LXML_HTML is None:  # lxml is a dependency: only a broken install gets here
    raise ImportError("bs4 finds no lxml HTML tree builder; reinstall lxml and beautifulsoup4")


def build_soup(root: etree._Element) -> BeautifulSoup:
    """The BeautifulSoup tree of ``root``."""
    return BeautifulSoup("", builder=_TreeFeeder(root))


class _TreeFeeder(_LXML_HTML):
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

    def __init__(self, soup: BeautifulSoup, builder: Any) -> None:
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
        tag = Tag(
            parser=self.soup,
            builder=self.builder,
            name=name,
            attrs=attrs,
            parent=parent,
            previous=self.last,
            namespaces=self.namespaces,
        )
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

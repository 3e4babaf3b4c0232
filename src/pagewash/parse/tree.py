"""Text -> lxml tree, for any string: empty, XML-declared, full of control characters, or
nested deeper than libxml2 reads."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.html
from lxml import etree

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
# lxml.html's default class lookup calls back into Python for every element proxy (a tenth
# of the parse stage); only HtmlElement's own methods are used, so a lookup in C will do.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
_EMPTY_PAGE = "<html><head></head><body></body></html>"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_CHARS = tuple(chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
MAX_NESTING = 1000  # deeper elements are unwrapped when libxml2 gives up (at 2048)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
    }
)
_SIBLING_CLOSED = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})


def lxml_root(text: str) -> tuple[etree._Element, bool]:
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
    return any(entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message for entry in log)


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

"""Absurdly deep pages: no crash, no hang, no RecursionError; the text is found."""

from __future__ import annotations

import sys

import pytest

from pagewash.document import document_text
from pagewash.extraction import extract
from pagewash.parse import parse
from pagewash.parse.tree import MAX_NESTING, flatten_nesting

SENTENCE = (
    "Deep text is still here, and it reads like a sentence of the article body that is "
    "long enough to count as prose. "
)


def deep_page(opening: str, closing: str, depth: int) -> str:
    return f"<html><body>{opening * depth}<p>{SENTENCE * 3}</p>{closing * depth}</body></html>"


@pytest.mark.parametrize(
    "opening, closing",
    [
        ("<div>", "</div>"),
        ("<div>", ""),
        ("<b>", "</b>"),
        ("<ul><li>", "</li></ul>"),
        ("<blockquote>", "</blockquote>"),
        ("<table><tr><td>", "</td></tr></table>"),
    ],
    ids=["div", "unclosed-div", "bold", "list", "quote", "table"],
)
def test_deep_nesting_keeps_the_text(opening: str, closing: str) -> None:
    depth = 100_000 if opening == "<div>" else 5_000
    doc = extract(parse(deep_page(opening, closing, depth)))
    assert doc.status == "ok", doc.reason
    assert SENTENCE.strip() in document_text(doc)
    assert any(c.rule == "deep-nesting" for c in doc.changes)


def test_deep_nesting_with_little_stack_left() -> None:
    """The walk stays inside the recursion limit its caller leaves it."""
    limit = sys.getrecursionlimit()

    def nested(levels: int) -> str:
        if levels:
            return nested(levels - 1)
        doc = extract(parse(deep_page("<div><section>", "</section></div>", 900)))
        return document_text(doc)

    sys.setrecursionlimit(1000)
    try:
        assert SENTENCE.strip() in nested(400)
    finally:
        sys.setrecursionlimit(limit)


def test_pages_libxml2_reads_are_not_flattened() -> None:
    doc = extract(parse(deep_page("<div>", "</div>", 500)))
    assert SENTENCE.strip() in document_text(doc)
    assert not any(c.rule == "deep-nesting" for c in doc.changes)


def test_flatten_nesting_keeps_text_and_shallow_markup() -> None:
    markup = "<div><p>a &amp; b</p>" + "<div>" * 5 + "deep <br> text" + "</div>" * 5 + "</div>"
    flat = flatten_nesting(markup, 3)
    assert flat.startswith("<div><p>a &amp; b</p><div><div>deep <br> text</div></div>")
    assert flat.count("<div>") == flat.count("</div>") == 3
    assert MAX_NESTING < 2048  # libxml2's own limit, where flattening has to start

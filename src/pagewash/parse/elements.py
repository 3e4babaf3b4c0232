"""Which HTML elements a browser lays out as blocks, and which flow inline with the text.

The table follows the rendering section of the HTML standard (its user-agent stylesheet,
"15.3 Non-replaced elements"): the elements listed there with ``display: block``,
``list-item`` or a table display start a new line; every other element — the phrasing
elements, an element the standard does not define (``<foo>``, ``<st1:place>`` from a word
processor), and any custom element (a name with a hyphen, ``<x-citation>``) — is inline, as
browsers render it. An element that is inline by default but holds block content (a custom
``<my-card>`` wrapping paragraphs) still breaks lines around that content; the segmenter
treats such an element as a block of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

# display: block / list-item / table parts in the standard's user-agent stylesheet, including
# the obsolete elements it still lays out as blocks (center, dir, listing, plaintext, xmp).
BLOCK = frozenset(
    {
        "html",
        "body",
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dd",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "optgroup",
        "option",
        "p",
        "plaintext",
        "pre",
        "search",
        "section",
        "summary",
        "ul",
        "xmp",
        "table",
        "caption",
        "colgroup",
        "col",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
    }
)


def is_block(name: str) -> bool:
    """True for an element a browser lays out as a block by default."""
    return name in BLOCK


def holds_block(descendant_names: Iterable[str]) -> bool:
    """True when any of the names is a block element: an inline element around such content
    (a custom element wrapping paragraphs) is laid out as a block."""
    return any(name in BLOCK for name in descendant_names)

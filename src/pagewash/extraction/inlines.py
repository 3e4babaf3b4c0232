"""Inline runs from a flat stream of text pieces, each tagged with the formats around it.

The segmenter walks the DOM once and records every piece of text with the stack of inline
formats (emphasis, link, ...) it sits in. Building nested runs afterwards, rather than while
walking, lets a block element inside a link (a card whose ``<a>`` wraps ``<div>``s) split into
paragraphs without breaking the inline tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from pagewash.document import (
    Emphasis,
    Inline,
    LineBreak,
    Link,
    Strong,
    Subscript,
    Superscript,
    Text,
)
from pagewash.extraction.nesting import runs_at


@dataclass(frozen=True, slots=True, eq=False)
class Format:
    """One inline format around text; compares by identity so two links never merge."""

    kind: str  # "em", "strong", "sup", "sub", "a"
    href: str = ""
    title: str | None = None


Formats = tuple[Format, ...]
# A piece: (text or an atomic inline, the formats around it). Text is a str so it can be
# trimmed cheaply; atoms are Code, Image, FootnoteRef or LineBreak.
Piece = tuple[str | Inline, Formats]

BREAK = LineBreak()


def tidy(pieces: list[Piece]) -> list[Piece]:
    """Collapse spaces across piece borders, trim the ends, drop empty text."""
    out: list[Piece] = []
    after_space = True
    for item, fmts in pieces:
        if isinstance(item, str):
            text = item.lstrip(" ") if after_space else item
            if not text:
                continue
            if out and isinstance(out[-1][0], str) and out[-1][1] == fmts:
                out[-1] = (out[-1][0] + text, fmts)
            else:
                out.append((text, fmts))
            after_space = text.endswith(" ")
        elif item is BREAK or isinstance(item, LineBreak):
            _rstrip_last(out)
            if out and not isinstance(out[-1][0], LineBreak):
                out.append((BREAK, fmts))
            after_space = True
        else:
            out.append((item, fmts))
            after_space = False
    while out and isinstance(out[-1][0], LineBreak):
        out.pop()
    _rstrip_last(out)
    while out and isinstance(out[0][0], LineBreak):
        out.pop(0)
    return out


def _rstrip_last(out: list[Piece]) -> None:
    while out and isinstance(out[-1][0], str):
        text = out[-1][0].rstrip(" ")
        if text:
            out[-1] = (text, out[-1][1])
            return
        out.pop()


def plain(pieces: list[Piece]) -> tuple[str, int]:
    """The plain text of tidy pieces and how many of its characters sit inside links."""
    parts: list[str] = []
    link_chars = 0
    for item, fmts in pieces:
        if isinstance(item, str):
            text = item
        elif isinstance(item, LineBreak):
            text = " "
        else:
            text = getattr(item, "text", "")
        parts.append(text)
        if text and any(f.kind == "a" for f in fmts):
            link_chars += len(text)
    return "".join(parts), link_chars


def nest(pieces: list[Piece], depth: int = 0) -> tuple[Inline, ...]:
    """Nested inline runs from tidy pieces: consecutive pieces sharing a format group.

    A space at the edge of a format (``<a>reported </a>WeWork``) is text beside it, not in
    it, as pandoc's readers place it: every writer then keeps the words apart, and a link's
    text has no edge spaces. A format holding only spaces is those spaces.
    """
    out: list[Inline] = []
    for fmt, group in runs_at(pieces, depth):
        if fmt is None:
            item = group[0][0]
            _append(out, Text(item) if isinstance(item, str) else item)
            continue
        children = list(nest(list(group), depth + 1))
        lead, trail = _edge_space(children, 0), _edge_space(children, -1)
        if lead:
            _append(out, Text(lead))
        if children:
            _append(out, _wrap(fmt, tuple(children)))
        if trail:
            _append(out, Text(trail))
    return tuple(out)


def _edge_space(children: list[Inline], end: int) -> str:
    """Take the spaces off the first (``end=0``) or last (``-1``) child, if it is text."""
    if not children or not isinstance(children[end], Text):
        return ""
    text = children[end].text  # type: ignore[union-attr]
    kept = text.lstrip(" ") if end == 0 else text.rstrip(" ")
    if kept == text:
        return ""
    if kept:
        children[end] = Text(kept)
    else:
        del children[end]
    return text[: len(text) - len(kept)] if end == 0 else text[len(kept) :]


def _append(out: list[Inline], run: Inline) -> None:
    """Add a run, joining text to the text before it."""
    if isinstance(run, Text) and out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + run.text)
    else:
        out.append(run)


def _wrap(fmt: Format, children: tuple[Inline, ...]) -> Inline:
    if fmt.kind == "a":
        return Link(children, fmt.href, fmt.title)
    if fmt.kind == "strong":
        return Strong(children)
    if fmt.kind == "sup":
        return Superscript(children)
    if fmt.kind == "sub":
        return Subscript(children)
    return Emphasis(children)

"""Plain text: clean paragraphs separated by blank lines, no markup beyond list bullets.

Superscripts and subscripts made of digits and signs are written with Unicode's superscript
and subscript characters ("m²", "H₂O", "10⁻³"): run together with the word before them they
would read as another number ("m2", "10-3"). Any other superscript ("1st", "Mme") reads right
as plain letters and is written as it is.
"""

from __future__ import annotations

from pagewash.document import (
    CONTAINER_INLINES,
    Block,
    CodeBlock,
    Document,
    Heading,
    HorizontalRule,
    Inline,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    Subscript,
    Superscript,
    Table,
    inline_text,
)

SUPERSCRIPTS = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
SUBSCRIPTS = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
_RAISED = {
    Superscript: (SUPERSCRIPTS, frozenset("0123456789+-−=()ni")),
    Subscript: (SUBSCRIPTS, frozenset("0123456789+-−=()")),
}


def render_text(doc: Document) -> str:
    """Title, then every block's text; lists keep a bullet so items stay apart."""
    parts = [doc.metadata.title.strip()] if doc.metadata.title else []
    parts.extend(_blocks(doc.blocks))
    for note in doc.notes:
        body = "\n\n".join(_blocks(note.blocks))
        parts.append(f"[{note.label}] {body}")
    text = "\n\n".join(p for p in parts if p)
    return text + "\n" if text else ""


def _blocks(blocks: tuple[Block, ...], depth: int = 0) -> list[str]:
    return [t for t in (_block(b, depth) for b in blocks) if t]


def _block(block: Block, depth: int) -> str:
    if isinstance(block, (Heading, Paragraph)):
        return "\n".join(line.strip() for line in plain(block.inlines).split("\n")).strip()
    if isinstance(block, CodeBlock):
        return block.text.rstrip("\n")
    if isinstance(block, HorizontalRule):
        return ""
    if isinstance(block, ListBlock):
        lines = []
        for index, item in enumerate(block.items):
            marker = f"{block.start + index}." if block.ordered else "-"
            body = "\n".join(_blocks(item.blocks, depth + 1))
            indented = body.replace("\n", "\n" + " " * (len(marker) + 1))
            lines.append(f"{marker} {indented}".rstrip())
        return "\n".join(lines)
    if isinstance(block, (Quote, Section)):
        return "\n\n".join(_blocks(block.blocks, depth))
    if isinstance(block, Table):
        rows = block.head + block.body
        return "\n".join("\t".join(" ".join(plain(c.inlines).split()) for c in row.cells) for row in rows)
    raise TypeError(f"cannot render {type(block).__name__}")


def plain(inlines: tuple[Inline, ...]) -> str:
    """The text of inline runs as this writer shows it (see the module docstring)."""
    parts: list[str] = []
    for run in inlines:
        if not isinstance(run, CONTAINER_INLINES):
            parts.append(inline_text((run,)))
            continue
        inner = plain(run.children)
        raised = _RAISED.get(type(run))
        if raised is not None and inner and set(inner) <= raised[1]:
            inner = inner.translate(raised[0])
        parts.append(inner)
    return "".join(parts)

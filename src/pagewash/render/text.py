"""Plain text: clean paragraphs separated by blank lines, no markup beyond list bullets."""

from __future__ import annotations

from pagewash.document import (
    Block,
    CodeBlock,
    Document,
    Heading,
    HorizontalRule,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    Table,
    inline_text,
)


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
        return "\n".join(line.strip() for line in inline_text(block.inlines).split("\n")).strip()
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
        return "\n".join(
            "\t".join(" ".join(inline_text(c.inlines).split()) for c in row.cells) for row in rows
        )
    raise TypeError(f"cannot render {type(block).__name__}")

"""A page's footnotes in the document: the notes the kept text refers to become ``Note``s.

The parser (``parse.notes``) marked note marks, notes and the notes area; the segmenter
emitted ``FootnoteRef(label)`` for each mark and segmented each note on its own. Here the
notes whose mark survived extraction are assembled into blocks, and marks whose note was
lost turn back into plain superscripts.
"""

from __future__ import annotations

from dataclasses import replace

from pagewash.document import (
    CONTAINER_INLINES,
    Block,
    Change,
    FootnoteRef,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Note,
    Paragraph,
    Quote,
    Section,
    Superscript,
    Table,
    TableRow,
    Text,
    iter_blocks,
)
from pagewash.extraction.blocks import assemble
from pagewash.extraction.units import Unit
from pagewash.parse.head import quote


def attach_notes(
    blocks: tuple[Block, ...], found: list[tuple[str, list[Unit]]], changes: list[Change]
) -> tuple[tuple[Block, ...], tuple[Note, ...]]:
    """The notes the kept text refers to, as ``Note`` blocks; marks whose note was lost
    turn back into plain superscripts. Notes nothing refers to are logged and left out."""
    referenced = _labels_in(blocks)
    notes: list[Note] = []
    for label, units in found:
        text = " ".join(u.text for u in units).strip()
        if label not in referenced or any(n.label == label for n in notes):
            if text:
                changes.append(
                    Change(
                        stage="extract",
                        rule="unreferenced-note",
                        before=quote(text),
                        after="",
                        reason="a note whose mark is not in the kept text",
                    )
                )
            continue
        for unit in units:
            unit.final = "good"
        note_blocks = assemble(units)
        if note_blocks:
            notes.append(Note(label, note_blocks))
    lost = referenced - {n.label for n in notes}
    if lost:
        blocks = tuple(_map_block(b, lost) for b in blocks)
    return blocks, tuple(notes)


def _labels_in(blocks: tuple[Block, ...]) -> set[str]:
    labels: set[str] = set()
    for _, block in iter_blocks(blocks):
        if isinstance(block, (Heading, Paragraph)):
            _collect_labels(block.inlines, labels)
        elif isinstance(block, Table):
            for row in block.head + block.body:
                for cell in row.cells:
                    _collect_labels(cell.inlines, labels)
    return labels


def _collect_labels(inlines: tuple[Inline, ...], labels: set[str]) -> None:
    for run in inlines:
        if isinstance(run, FootnoteRef):
            labels.add(run.label)
        elif isinstance(run, CONTAINER_INLINES):
            _collect_labels(run.children, labels)


def _map_block(block: Block, lost: set[str]) -> Block:
    if isinstance(block, (Heading, Paragraph)):
        return replace(block, inlines=_unmark(block.inlines, lost))
    if isinstance(block, (Quote, Section)):
        return replace(block, blocks=tuple(_map_block(b, lost) for b in block.blocks))
    if isinstance(block, ListBlock):
        items = tuple(ListItem(tuple(_map_block(b, lost) for b in item.blocks)) for item in block.items)
        return replace(block, items=items)
    if isinstance(block, Table):

        def rows(group: tuple[TableRow, ...]) -> tuple[TableRow, ...]:
            return tuple(
                TableRow(tuple(replace(c, inlines=_unmark(c.inlines, lost)) for c in row.cells))
                for row in group
            )

        return replace(block, head=rows(block.head), body=rows(block.body))
    return block


def _unmark(inlines: tuple[Inline, ...], lost: set[str]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for run in inlines:
        if isinstance(run, FootnoteRef) and run.label in lost:
            out.append(Superscript((Text(run.label),)))
        elif isinstance(run, CONTAINER_INLINES):
            out.append(replace(run, children=_unmark(run.children, lost)))
        else:
            out.append(run)
    return tuple(out)

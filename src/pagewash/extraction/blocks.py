"""Kept units -> Document blocks: nest lists and quotes back, group scholarly sections.

Each unit carries the path of frames it sat in (list, list item, quote); scholarly parts add
a section frame on the outside. Consecutive units sharing a frame are grouped into that
container, the same way inline runs are nested.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from pagewash.document import (
    Block,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Section,
    Strong,
    Text,
    inline_text,
)
from pagewash.extraction.nesting import runs_at
from pagewash.extraction.scholarly import keyword_inlines, strip_numbering
from pagewash.extraction.units import Frame, Unit

TOP_LEVEL = 2  # the document title is the one level-1 heading; body headings start below it


@dataclass(frozen=True, slots=True, eq=False)
class SectionFrame:
    role: str
    lang: str | None


Path = tuple[Frame | SectionFrame, ...]


def assemble(units: list[Unit]) -> tuple[Block, ...]:
    """Blocks from the kept units, in page order."""
    shift = _heading_shift(units)
    items = [(unit, path) for unit, path in _with_sections(units)]
    blocks = _nest(items, 0, shift)
    return tuple(_as_block(b) for b in blocks)


def _heading_shift(units: list[Unit]) -> int:
    levels = [u.level for u in units if u.kind == "h" and u.part is None]
    levels = levels or [u.level for u in units if u.kind == "h"]
    return TOP_LEVEL - min(levels) if levels else 0


def _with_sections(units: list[Unit]) -> list[tuple[Unit, Path]]:
    out: list[tuple[Unit, Path]] = []
    current: SectionFrame | None = None
    for unit in units:
        if unit.part is None:
            current = None
            out.append((unit, unit.frames))
            continue
        lang = unit.lang if unit.part == "abstract" else None
        if (
            current is None
            or current.role != unit.part
            or (unit.part == "abstract" and current.lang != lang and _section_has_text(out, current))
        ):
            current = SectionFrame(unit.part, lang)
        frames = unit.frames
        if unit.part == "references":
            frames = _reference_frames(unit, out, current)
        out.append((unit, (current, *frames)))
    return out


def _section_has_text(out: list[tuple[Unit, Path]], section: SectionFrame) -> bool:
    return any(path and path[0] is section and unit.kind != "h" for unit, path in out)


def _reference_frames(unit: Unit, out: list[tuple[Unit, Path]], section: SectionFrame) -> tuple:
    """References become one ordered list: paragraphs turn into items of it."""
    if unit.kind == "h":
        return ()
    previous = next((p for u, p in reversed(out) if p and p[0] is section and u.kind != "h"), None)
    if unit.frames and unit.frames[0].kind == "list":
        outer = unit.frames[0]
        if previous and len(previous) > 1 and previous[1] is not outer:
            return (previous[1], *unit.frames[1:])
        return unit.frames
    if previous and len(previous) > 1 and isinstance(previous[1], Frame):
        return (previous[1], Frame("item"))
    return (Frame("list", ordered=True), Frame("item"))


def _nest(items: list[tuple[Unit, Path]], depth: int, shift: int) -> list[Block | ListItem]:
    out: list[Block | ListItem] = []
    for frame, group in runs_at(items, depth):
        if frame is None:
            out.append(_leaf(group[0][0], shift))
        else:
            children = _nest(list(group), depth + 1, shift)
            out.append(_container(frame, children, group[0][0], [u for u, _ in group]))
    return out


def _leaf(unit: Unit, shift: int) -> Block:
    if unit.block is not None:
        return replace(unit.block, lang=unit.lang, origin=unit.origin)
    if unit.kind == "h":
        level = max(TOP_LEVEL, min(6, unit.level + shift))
        return Heading(level, unit.inlines, lang=unit.lang, origin=unit.origin)
    inlines = unit.inlines
    if unit.part == "keywords":
        inlines = keyword_inlines(unit.text)
    elif unit.part == "references" and inlines and isinstance(inlines[0], Text):
        inlines = (Text(strip_numbering(inlines[0].text)), *inlines[1:])
    return Paragraph(inlines, lang=unit.lang, origin=unit.origin)


def _container(
    frame: Frame | SectionFrame, children: list[Block | ListItem], first: Unit, units: list[Unit]
) -> Block | ListItem:
    lang = _common_lang(units)
    if isinstance(frame, SectionFrame):
        blocks = tuple(_as_block(c) for c in children)
        if frame.role == "keywords":
            blocks = _label_keywords(blocks)
        return Section(frame.role, blocks, lang=frame.lang or lang, origin=first.origin)
    if frame.kind == "item":
        return ListItem(tuple(_as_block(c) for c in children))
    if frame.kind == "quote":
        return Quote(tuple(_as_block(c) for c in children), lang=lang, origin=first.origin)
    items = tuple(c if isinstance(c, ListItem) else ListItem((c,)) for c in children)
    ordered = frame.ordered or first.part == "references"
    return ListBlock(items, ordered=ordered, start=frame.start, lang=lang, origin=first.origin)


def _label_keywords(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A "Keywords" heading followed by the list becomes one "**Keywords:** a, b" paragraph."""
    if len(blocks) >= 2 and isinstance(blocks[0], Heading) and isinstance(blocks[1], Paragraph):
        label = inline_text(blocks[0].inlines).strip().rstrip(":")
        merged = Paragraph(
            (Strong((Text(f"{label}:"),)), Text(" "), *blocks[1].inlines),
            lang=blocks[1].lang,
            origin=blocks[1].origin,
        )
        return (merged, *blocks[2:])
    return blocks


def _as_block(child: Block | ListItem) -> Block:
    if isinstance(child, ListItem):
        return ListBlock((child,))
    return child


def _common_lang(units: list[Unit]) -> str | None:
    counts = Counter(u.lang for u in units if u.lang)
    return counts.most_common(1)[0][0] if counts else None

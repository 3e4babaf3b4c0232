"""The central, immutable document model that flows through every pipeline stage.

Blocks hold inline runs rather than flat strings so links, emphasis, footnote marks and code
survive into every output format. Every container checks the types of its children when it is
built, so an invalid tree cannot exist. No I/O and no HTML library lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Literal, TypeAlias

SCHEMA_VERSION = 1


def _check(owner: str, name: str, value: object, allowed: tuple[type, ...]) -> None:
    if not isinstance(value, tuple):
        raise TypeError(f"{owner}.{name} must be a tuple, got {type(value).__name__}")
    for item in value:
        if not isinstance(item, allowed):
            names = ", ".join(t.__name__ for t in allowed)
            raise TypeError(f"{owner}.{name} accepts {names}; got {type(item).__name__}")


def _check_str(owner: str, name: str, value: object, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise TypeError(f"{owner}.{name} must be str, got {type(value).__name__}")


# ---------------------------------------------------------------- inline runs


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text; the only inline whose content the repair stage may edit."""

    text: str

    def __post_init__(self) -> None:
        _check_str("Text", "text", self.text)


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code: rendered verbatim, never repaired."""

    text: str

    def __post_init__(self) -> None:
        _check_str("Code", "text", self.text)


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a paragraph (``<br>``)."""


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A reference to a note in ``Document.notes`` by its label."""

    label: str

    def __post_init__(self) -> None:
        _check_str("FootnoteRef", "label", self.label)


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check("Emphasis", "children", self.children, INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check("Strong", "children", self.children, INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Superscript:
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check("Superscript", "children", self.children, INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Subscript:
    children: tuple[Inline, ...]

    def __post_init__(self) -> None:
        _check("Subscript", "children", self.children, INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Link:
    children: tuple[Inline, ...]
    href: str
    title: str | None = None

    def __post_init__(self) -> None:
        _check("Link", "children", self.children, INLINE_TYPES)
        _check_str("Link", "href", self.href)
        _check_str("Link", "title", self.title, optional=True)


@dataclass(frozen=True, slots=True)
class Image:
    """An inline image; kept as alt text in text outputs, never fetched by default."""

    alt: str
    src: str
    title: str | None = None

    def __post_init__(self) -> None:
        _check_str("Image", "alt", self.alt)
        _check_str("Image", "src", self.src)
        _check_str("Image", "title", self.title, optional=True)


Inline: TypeAlias = (
    Text | Code | LineBreak | FootnoteRef | Emphasis | Strong | Superscript | Subscript | Link | Image
)
INLINE_TYPES: tuple[type, ...] = (
    Text,
    Code,
    LineBreak,
    FootnoteRef,
    Emphasis,
    Strong,
    Superscript,
    Subscript,
    Link,
    Image,
)
CONTAINER_INLINES = (Emphasis, Strong, Superscript, Subscript, Link)  # inlines with children

# ---------------------------------------------------------------- blocks

Role = Literal["body", "abstract", "keywords", "references", "notes", "bullets", "byline"]
ROLES: frozenset[str] = frozenset(
    {"body", "abstract", "keywords", "references", "notes", "bullets", "byline"}
)


def _check_block_common(owner: str, lang: str | None, origin: str | None) -> None:
    _check_str(owner, "lang", lang, optional=True)
    _check_str(owner, "origin", origin, optional=True)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    inlines: tuple[Inline, ...]
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.level, int) or not 1 <= self.level <= 6:
            raise ValueError(f"Heading.level must be 1..6, got {self.level!r}")
        _check("Heading", "inlines", self.inlines, INLINE_TYPES)
        _check_block_common("Heading", self.lang, self.origin)


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: tuple[Inline, ...]
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        _check("Paragraph", "inlines", self.inlines, INLINE_TYPES)
        _check_block_common("Paragraph", self.lang, self.origin)


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Preformatted code, rendered verbatim and never repaired."""

    text: str
    language: str | None = None
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        _check_str("CodeBlock", "text", self.text)
        _check_str("CodeBlock", "language", self.language, optional=True)
        _check_block_common("CodeBlock", self.lang, self.origin)


@dataclass(frozen=True, slots=True)
class HorizontalRule:
    lang: str | None = None
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        _check("ListItem", "blocks", self.blocks, BLOCK_TYPES)


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        _check("ListBlock", "items", self.items, (ListItem,))
        if not isinstance(self.ordered, bool):
            raise TypeError("ListBlock.ordered must be bool")
        if not isinstance(self.start, int) or self.start < 0:
            raise ValueError("ListBlock.start must be a non-negative int")
        _check_block_common("ListBlock", self.lang, self.origin)


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple[Block, ...]
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        _check("Quote", "blocks", self.blocks, BLOCK_TYPES)
        _check_block_common("Quote", self.lang, self.origin)


@dataclass(frozen=True, slots=True)
class TableCell:
    inlines: tuple[Inline, ...]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1

    def __post_init__(self) -> None:
        _check("TableCell", "inlines", self.inlines, INLINE_TYPES)
        for name in ("colspan", "rowspan"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"TableCell.{name} must be a positive int")


@dataclass(frozen=True, slots=True)
class TableRow:
    cells: tuple[TableCell, ...]

    def __post_init__(self) -> None:
        _check("TableRow", "cells", self.cells, (TableCell,))


@dataclass(frozen=True, slots=True)
class Table:
    """A table; ``head`` holds the header rows (possibly none)."""

    head: tuple[TableRow, ...]
    body: tuple[TableRow, ...]
    caption: tuple[Inline, ...] = ()
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        _check("Table", "head", self.head, (TableRow,))
        _check("Table", "body", self.body, (TableRow,))
        _check("Table", "caption", self.caption, INLINE_TYPES)
        _check_block_common("Table", self.lang, self.origin)


@dataclass(frozen=True, slots=True)
class Section:
    """A labelled group of blocks: an abstract in one language, the references, keywords.

    ``role`` tells renderers and record writers what the group is; ``lang`` applies to every
    block inside that does not set its own.
    """

    role: str
    blocks: tuple[Block, ...]
    lang: str | None = None
    origin: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"Section.role must be one of {sorted(ROLES)}, got {self.role!r}")
        _check("Section", "blocks", self.blocks, BLOCK_TYPES)
        _check_block_common("Section", self.lang, self.origin)


Block: TypeAlias = Heading | Paragraph | CodeBlock | HorizontalRule | ListBlock | Quote | Table | Section
BLOCK_TYPES: tuple[type, ...] = (
    Heading,
    Paragraph,
    CodeBlock,
    HorizontalRule,
    ListBlock,
    Quote,
    Table,
    Section,
)

# ---------------------------------------------------------------- metadata and changes


@dataclass(frozen=True, slots=True)
class Abstract:
    """An abstract's plain text and language, as listed in the metadata."""

    lang: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote or endnote, referenced from the text by ``FootnoteRef(label)``."""

    label: str
    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        _check_str("Note", "label", self.label)
        _check("Note", "blocks", self.blocks, BLOCK_TYPES)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    doi: str | None = None
    url: str | None = None
    site: str | None = None
    journal: str | None = None
    publisher: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    abstracts: tuple[Abstract, ...] = ()
    encoding: str | None = None

    def __post_init__(self) -> None:
        for name in ("authors", "keywords", "languages"):
            _check("Metadata", name, getattr(self, name), (str,))
        _check("Metadata", "abstracts", self.abstracts, (Abstract,))

    @property
    def language(self) -> str | None:
        """The main language: the first of ``languages``."""
        return self.languages[0] if self.languages else None


Stage = Literal["load", "extract", "repair", "render"]


@dataclass(frozen=True, slots=True)
class Change:
    """One recorded decision: a removal by the extractor or an edit by the repair stage.

    ``block`` is the path of the block (``"3"``, ``"5.1.0"``) the change applies to, ``offset``
    the character offset of ``before`` inside that block's text run; both are ``None`` for
    removals of page parts that never became blocks.
    """

    stage: str
    rule: str
    before: str
    after: str
    reason: str = ""
    block: str | None = None
    offset: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


Status = Literal["ok", "empty"]


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned document: metadata, content blocks, notes and every recorded change.

    ``status`` is ``"empty"`` (with ``reason``) when the page had no main content, so callers
    learn why instead of receiving a page of chrome.
    """

    metadata: Metadata = field(default_factory=Metadata)
    blocks: tuple[Block, ...] = ()
    notes: tuple[Note, ...] = ()
    changes: tuple[Change, ...] = ()
    status: str = "ok"
    reason: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.metadata, Metadata):
            raise TypeError("Document.metadata must be Metadata")
        _check("Document", "blocks", self.blocks, BLOCK_TYPES)
        _check("Document", "notes", self.notes, (Note,))
        _check("Document", "changes", self.changes, (Change,))
        if self.status not in ("ok", "empty"):
            raise ValueError(f"Document.status must be 'ok' or 'empty', got {self.status!r}")

    @property
    def is_empty(self) -> bool:
        return self.status == "empty"

    def with_changes(self, extra: tuple[Change, ...] | list[Change]) -> Document:
        return replace(self, changes=self.changes + tuple(extra))


# ---------------------------------------------------------------- traversal helpers


def inline_text(inlines: tuple[Inline, ...], *, images: bool = True) -> str:
    """The plain text of inline runs (link text kept, URLs dropped)."""
    parts: list[str] = []
    for run in inlines:
        if isinstance(run, (Text, Code)):
            parts.append(run.text)
        elif isinstance(run, LineBreak):
            parts.append("\n")
        elif isinstance(run, Image):
            if images and run.alt:
                parts.append(run.alt)
        elif isinstance(run, FootnoteRef):
            continue
        else:
            parts.append(inline_text(run.children, images=images))
    return "".join(parts)


def block_text(block: Block) -> str:
    """The plain text of one block, paragraphs separated by blank lines."""
    if isinstance(block, (Heading, Paragraph)):
        return inline_text(block.inlines)
    if isinstance(block, CodeBlock):
        return block.text
    if isinstance(block, HorizontalRule):
        return ""
    if isinstance(block, ListBlock):
        return "\n".join("\n".join(block_text(b) for b in item.blocks) for item in block.items)
    if isinstance(block, (Quote, Section)):
        return "\n\n".join(t for t in (block_text(b) for b in block.blocks) if t)
    if isinstance(block, Table):
        rows = block.head + block.body
        return "\n".join("\t".join(inline_text(cell.inlines) for cell in row.cells) for row in rows)
    raise TypeError(f"not a block: {type(block).__name__}")


def iter_blocks(blocks: tuple[Block, ...], prefix: str = "") -> Iterator[tuple[str, Block]]:
    """Every block, depth first, with its path ("2", "2.0.1"); containers come first."""
    for index, block in enumerate(blocks):
        path = f"{prefix}{index}"
        yield path, block
        if isinstance(block, (Quote, Section)):
            yield from iter_blocks(block.blocks, f"{path}.")
        elif isinstance(block, ListBlock):
            for item_index, item in enumerate(block.items):
                yield from iter_blocks(item.blocks, f"{path}.{item_index}.")


TextFn = Callable[[str, str, Block], str]


def map_text(blocks: tuple[Block, ...], fn: TextFn, prefix: str = "") -> tuple[Block, ...]:
    """Rebuild ``blocks`` with ``fn(text, path, block)`` applied to every editable Text run.

    Code, code blocks, link targets and image sources are never passed to ``fn``. The path is
    the owning block's path, so recorded changes can point back to it.
    """
    return tuple(_map_block(block, fn, f"{prefix}{i}") for i, block in enumerate(blocks))


def _map_block(block: Block, fn: TextFn, path: str) -> Block:
    """The block with ``fn`` applied; the very same object when nothing changed, so repeated
    passes over a settled document allocate nothing."""
    if isinstance(block, (Heading, Paragraph)):
        inlines = _map_inlines(block.inlines, fn, path, block)
        return block if inlines is block.inlines else replace(block, inlines=inlines)
    if isinstance(block, (Quote, Section)):
        blocks = _map_children(block.blocks, fn, f"{path}.")
        return block if blocks is block.blocks else replace(block, blocks=blocks)
    if isinstance(block, ListBlock):
        items = tuple(_map_item(item, fn, f"{path}.{i}.") for i, item in enumerate(block.items))
        if all(new is old for new, old in zip(items, block.items, strict=True)):
            return block
        return replace(block, items=items)
    if isinstance(block, Table):
        head = _map_rows(block.head, fn, path, block)
        body = _map_rows(block.body, fn, path, block)
        caption = _map_inlines(block.caption, fn, path, block)
        if head is block.head and body is block.body and caption is block.caption:
            return block
        return replace(block, head=head, body=body, caption=caption)
    return block


def _map_children(blocks: tuple[Block, ...], fn: TextFn, prefix: str) -> tuple[Block, ...]:
    mapped = map_text(blocks, fn, prefix)
    return blocks if all(new is old for new, old in zip(mapped, blocks, strict=True)) else mapped


def _map_item(item: ListItem, fn: TextFn, prefix: str) -> ListItem:
    blocks = _map_children(item.blocks, fn, prefix)
    return item if blocks is item.blocks else ListItem(blocks)


def _map_rows(rows: tuple[TableRow, ...], fn: TextFn, path: str, block: Block) -> tuple[TableRow, ...]:
    out: list[TableRow] = []
    changed = False
    for row in rows:
        cells = tuple(_map_cell(cell, fn, path, block) for cell in row.cells)
        if all(new is old for new, old in zip(cells, row.cells, strict=True)):
            out.append(row)
        else:
            out.append(TableRow(cells))
            changed = True
    return tuple(out) if changed else rows


def _map_cell(cell: TableCell, fn: TextFn, path: str, block: Block) -> TableCell:
    inlines = _map_inlines(cell.inlines, fn, path, block)
    return cell if inlines is cell.inlines else replace(cell, inlines=inlines)


def _map_inlines(inlines: tuple[Inline, ...], fn: TextFn, path: str, block: Block) -> tuple[Inline, ...]:
    out: list[Inline] = []
    changed = False
    for run in inlines:
        new: Inline = run
        if isinstance(run, Text):
            text = fn(run.text, path, block)
            if text != run.text:
                new = Text(text)
        elif isinstance(run, CONTAINER_INLINES):
            children = _map_inlines(run.children, fn, path, block)
            if children is not run.children:
                new = replace(run, children=children)
        changed = changed or new is not run
        out.append(new)
    return tuple(out) if changed else inlines


def document_text(doc: Document) -> str:
    """All content text of a document, blocks separated by blank lines."""
    return "\n\n".join(t for t in (block_text(b) for b in doc.blocks) if t)

"""Translate a Document into pandoc's JSON AST (no HTML round trip).

Pure data in, pure data out: no pandoc process runs here, so the translation is cheap to test
and identical for the one-shot renderer and the persistent workers. Three decisions live here
because every pandoc writer must see them:

* language: every block whose language differs from its parent's is wrapped in a ``Div`` with
  a ``lang`` attribute (and ``xml:lang`` for XHTML outputs); words written in another script
  than their block's language (an English term in a Russian paragraph) get a ``Span`` of their
  own, so Word proofs each run in the right language and readers pick the right voice;
* resources: no image that would make pandoc read a file or the network ever reaches it:
  local paths become their alt text, remote images are dropped (or kept as links);
* links: only absolute http(s)/mailto targets survive (relative ones are resolved against the
  page URL when known), so an EPUB never points at a file it does not contain.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from pagewash.document import (
    Block,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    FootnoteRef,
    Heading,
    HorizontalRule,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Section,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableRow,
    Text,
    inline_text,
)
from pagewash.render.pandoc.languages import (
    document_language,
    mark_foreign_words,
    normalise_language,
    regional,
)

JSON = dict[str, Any]
DEFAULT_TITLE = "Untitled document"
EMBEDDABLE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif);base64,([A-Za-z0-9+/=\s]+)$")
# (start, end) bytes of a complete image per type: a truncated inline image (common in
# scraped pages) would make the EPUB invalid, so it is treated like any other unusable image.
IMAGE_BOUNDS = {
    "png": ((b"\x89PNG\r\n\x1a\n",), b"IEND\xaeB`\x82"),
    "jpeg": ((b"\xff\xd8\xff",), b"\xff\xd9"),
    "gif": ((b"GIF87a", b"GIF89a"), b";"),
}
SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Characters XML 1.0 forbids; one stray control byte would make every XHTML page invalid.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SPACE_CHARS = " \t\n\r\f\v"
TOKEN = re.compile(r"[^ \t\n\r\f\v]+|[ \t\n\r\f\v]+")
NO_ATTR: list[Any] = ["", [], []]


@dataclass(frozen=True, slots=True)
class AstConfig:
    """How the AST is shaped for one target format."""

    api_version: tuple[int, ...] = (1, 23, 1, 1)
    keep_remote_images: bool = False
    regional_tags: bool = False  # DOCX: "ru" -> "ru-RU" so Word picks a proofing dictionary
    xml_lang: bool = False  # XHTML targets (EPUB): xml:lang beside lang
    date: str | None = None  # replaces the document's date (EPUB wants an ISO date)
    drop_title_heading: bool = False  # writers that print the metadata title themselves


# ---------------------------------------------------------------- context


@dataclass(slots=True)
class _Context:
    """Mutable state of one translation: settings, notes and the header counter."""

    config: AstConfig
    base_url: str | None
    notes: dict[str, Note]
    used_notes: set[str] = field(default_factory=set)
    note_depth: int = 0
    link_depth: int = 0
    header_count: int = 0

    def tag(self, lang: str) -> str:
        return regional(lang) if self.config.regional_tags else lang

    def lang_attr(self, lang: str, classes: list[str] | None = None) -> list[Any]:
        pairs = [["lang", self.tag(lang)]]
        if self.config.xml_lang:
            pairs.append(["xml:lang", self.tag(lang)])
        return ["", classes or [], pairs]


# ---------------------------------------------------------------- inlines


def clean_text(text: str) -> str:
    return XML_INVALID.sub("", text)


def text_inlines(text: str) -> list[JSON]:
    """Words as ``Str`` and each run of whitespace as one ``Space`` (non-breaking spaces kept)."""
    return [
        {"t": "Str", "c": token} if token[0] not in SPACE_CHARS else {"t": "Space"}
        for token in TOKEN.findall(clean_text(text))
    ]


def _squash_spaces(items: list[JSON]) -> list[JSON]:
    """No doubled spaces between runs; no space at the start or end of a block."""
    out: list[JSON] = []
    for item in items:
        if item["t"] == "Space" and (not out or out[-1]["t"] in ("Space", "LineBreak")):
            continue
        out.append(item)
    while out and out[-1]["t"] == "Space":
        out.pop()
    return out


def safe_href(href: str, base_url: str | None) -> str | None:
    """An absolute http(s)/mailto URL, or None when the link cannot work outside the page."""
    href = clean_text(href).strip()
    if not href or href.startswith("#"):
        return None
    if base_url and not urlsplit(href).scheme:
        href = urljoin(base_url, href)
    parts = urlsplit(href)
    if parts.scheme.lower() not in SAFE_LINK_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return quote(href, safe=":/?#[]@!$&'()*+,;=%~-._")


def embeddable_image(src: str) -> str | None:
    """``src`` normalised when it is a complete inline PNG, JPEG or GIF, else None."""
    match = EMBEDDABLE_IMAGE.match(src)
    if not match:
        return None
    payload = re.sub(r"\s+", "", match.group(2))
    try:
        data = base64.b64decode(payload, validate=True)
    except binascii.Error:
        return None
    starts, end = IMAGE_BOUNDS[match.group(1)]
    if len(data) < 16 or not data.startswith(starts) or not data.rstrip(b"\0").endswith(end):
        return None
    return f"data:image/{match.group(1)};base64,{payload}"


def _image(run: Image, ctx: _Context) -> list[JSON]:
    alt = text_inlines(run.alt)
    src = run.src.strip()
    inline = embeddable_image(src)
    if inline:
        return [{"t": "Image", "c": [NO_ATTR, alt, [inline, clean_text(run.title or "")]]}]
    if ctx.config.keep_remote_images and ctx.link_depth == 0:
        remote = safe_href(src, None)
        if remote and not remote.startswith("mailto:"):
            label = alt or text_inlines(remote)
            return [{"t": "Link", "c": [NO_ATTR, label, [remote, run.title or ""]]}]
    return alt


def convert_inlines(runs: tuple[Inline, ...], lang: str, ctx: _Context) -> list[JSON]:
    out: list[JSON] = []
    for run in runs:
        out.extend(_inline(run, lang, ctx))
    return out


def _inline(run: Inline, lang: str, ctx: _Context) -> list[JSON]:
    if isinstance(run, Text):
        return text_inlines(run.text)
    if isinstance(run, Code):
        return [{"t": "Code", "c": [NO_ATTR, clean_text(run.text)]}]
    if isinstance(run, LineBreak):
        return [{"t": "LineBreak"}]
    if isinstance(run, Image):
        return _image(run, ctx)
    if isinstance(run, FootnoteRef):
        return _note(run, lang, ctx)
    if isinstance(run, Link):
        return _link(run, lang, ctx)
    children = convert_inlines(run.children, lang, ctx)
    names = {Emphasis: "Emph", Strong: "Strong", Superscript: "Superscript", Subscript: "Subscript"}
    return _spaces_outside(children, lambda inner: {"t": names[type(run)], "c": inner})


def _spaces_outside(
    children: list[JSON], build: Callable[[list[JSON]], JSON], after: list[JSON] | None = None
) -> list[JSON]:
    """The container ``build`` makes of ``children`` (then the ``after`` items), with the
    children's edge spaces before and after it, as pandoc's own readers place them: a space
    inside a link or an emphasis at a word edge belongs to the text around it. A container
    holding only spaces is left out, one space kept."""
    start, end = 0, len(children)
    while start < end and children[start]["t"] == "Space":
        start += 1
    while end > start and children[end - 1]["t"] == "Space":
        end -= 1
    if start == end:
        return [*children[:1], *(after or [])]
    return [*children[: min(start, 1)], build(children[start:end]), *(after or []), *children[end : end + 1]]


def _link(run: Link, lang: str, ctx: _Context) -> list[JSON]:
    """A link; links and notes inside it are moved out, since anchors cannot nest."""
    ctx.link_depth += 1
    children = convert_inlines(run.children, lang, ctx)
    ctx.link_depth -= 1
    href = safe_href(run.href, ctx.base_url)
    if href is None or ctx.link_depth > 0:
        return children
    children, moved = _pull_out(children, ("Note", "Link"))
    target = [href, clean_text(run.title or "")]
    return _spaces_outside(children, lambda inner: {"t": "Link", "c": [NO_ATTR, inner, target]}, moved)


def _pull_out(items: list[JSON], kinds: tuple[str, ...]) -> tuple[list[JSON], list[JSON]]:
    """``items`` without the inlines of ``kinds`` (searched inside emphasis too), and those."""
    kept: list[JSON] = []
    moved: list[JSON] = []
    for item in items:
        if item["t"] in kinds:
            moved.append(item)
        elif item["t"] in ("Emph", "Strong", "Superscript", "Subscript"):
            inner, more = _pull_out(item["c"], kinds)
            kept.append({"t": item["t"], "c": inner})
            moved.extend(more)
        else:
            kept.append(item)
    return kept, moved


def _note(run: FootnoteRef, lang: str, ctx: _Context) -> list[JSON]:
    note = ctx.notes.get(run.label)
    if note is None or ctx.note_depth > 0:
        return [{"t": "Superscript", "c": text_inlines(run.label)}]
    ctx.used_notes.add(run.label)
    ctx.note_depth += 1
    blocks = convert_blocks(note.blocks, lang, ctx)
    ctx.note_depth -= 1
    return [{"t": "Note", "c": blocks or [{"t": "Para", "c": text_inlines(run.label)}]}]


def block_inlines(runs: tuple[Inline, ...], lang: str, ctx: _Context) -> list[JSON]:
    items = _squash_spaces(convert_inlines(runs, lang, ctx))
    while items and items[0]["t"] == "Space":
        items.pop(0)
    return mark_foreign_words(items, lang, ctx.lang_attr)


# ---------------------------------------------------------------- blocks


def convert_blocks(blocks: tuple[Block, ...], lang: str, ctx: _Context) -> list[JSON]:
    """Blocks in a parent of language ``lang``; runs of blocks in another language get a Div."""
    out: list[JSON] = []
    group: list[JSON] = []
    group_lang: str | None = None
    for block in blocks:
        own = normalise_language(block.lang) or lang
        converted = _block(block, own, ctx)
        if own == lang or isinstance(block, Section):
            if group:
                out.append({"t": "Div", "c": [ctx.lang_attr(group_lang or lang), group]})
                group, group_lang = [], None
            out.extend(converted)
        else:
            if group and group_lang != own:
                out.append({"t": "Div", "c": [ctx.lang_attr(group_lang or lang), group]})
                group = []
            group_lang = own
            group.extend(converted)
    if group:
        out.append({"t": "Div", "c": [ctx.lang_attr(group_lang or lang), group]})
    return out


def _block(block: Block, lang: str, ctx: _Context) -> list[JSON]:
    if isinstance(block, Heading):
        return _heading(block, lang, ctx)
    if isinstance(block, Paragraph):
        inlines = block_inlines(block.inlines, lang, ctx)
        return [{"t": "Para", "c": inlines}] if inlines else []
    if isinstance(block, CodeBlock):
        return [{"t": "CodeBlock", "c": [_code_attr(block.language), clean_text(block.text)]}]
    if isinstance(block, HorizontalRule):
        return [{"t": "HorizontalRule"}]
    if isinstance(block, ListBlock):
        return _list(block, lang, ctx)
    if isinstance(block, Quote):
        inner = convert_blocks(block.blocks, lang, ctx)
        return [{"t": "BlockQuote", "c": inner}] if inner else []
    if isinstance(block, Table):
        return _table(block, lang, ctx)
    if isinstance(block, Section):
        return _section(block, lang, ctx)
    raise TypeError(f"not a block: {type(block).__name__}")


def _heading(block: Heading, lang: str, ctx: _Context) -> list[JSON]:
    inlines = block_inlines(block.inlines, lang, ctx)
    if not inlines:
        return []
    ctx.header_count += 1
    attr = [f"sec-{ctx.header_count}", [], []]
    return [{"t": "Header", "c": [block.level, attr, inlines]}]


def _code_attr(language: str | None) -> list[Any]:
    token = re.sub(r"[^A-Za-z0-9_+#.-]", "", language or "")
    return ["", [token] if token else [], []]


def _section(block: Section, lang: str, ctx: _Context) -> list[JSON]:
    inner = convert_blocks(block.blocks, lang, ctx)
    if not inner:
        return []
    if block.lang and normalise_language(block.lang):
        attr = ctx.lang_attr(lang, [block.role])
    else:
        attr = ["", [block.role], []]
    return [{"t": "Div", "c": [attr, inner]}]


def _list(block: ListBlock, lang: str, ctx: _Context) -> list[JSON]:
    items = [convert_blocks(item.blocks, lang, ctx) for item in block.items]
    tight = all(len(item.blocks) <= 1 for item in block.items)
    if tight:
        items = [[_plain(b) for b in item] for item in items]
    items = [item or [{"t": "Plain", "c": []}] for item in items]
    if not block.items:
        return []
    if block.ordered:
        style = [block.start, {"t": "Decimal"}, {"t": "Period"}]
        return [{"t": "OrderedList", "c": [style, items]}]
    return [{"t": "BulletList", "c": items}]


def _plain(block: JSON) -> JSON:
    return {"t": "Plain", "c": block["c"]} if block["t"] == "Para" else block


def _table(block: Table, lang: str, ctx: _Context) -> list[JSON]:
    """A pandoc table whose grid is rectangular, as pandoc's writers require.

    Scraped tables are ragged: spans run past the last row or column, rows are short or
    empty. Spans are clipped to the grid and missing cells are added empty.
    """
    caption_inlines = block_inlines(block.caption, lang, ctx)
    width = max(table_width(block.head), table_width(block.body))
    if width == 0:
        return [{"t": "Para", "c": caption_inlines}] if caption_inlines else []
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(width)]
    caption = [None, [{"t": "Plain", "c": caption_inlines}] if caption_inlines else []]
    head = [NO_ATTR, _grid(block.head, width, lang, ctx)]
    body = [NO_ATTR, 0, [], _grid(block.body, width, lang, ctx)]
    foot = [NO_ATTR, []]
    return [{"t": "Table", "c": [NO_ATTR, caption, colspecs, head, [body], foot]}]


def _grid(rows: tuple[TableRow, ...], width: int, lang: str, ctx: _Context) -> list[Any]:
    occupied: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        cells = []
        column = 0
        for cell in row.cells:
            while (r, column) in occupied:
                column += 1
            if column >= width:
                break
            colspan = 1
            while colspan < min(cell.colspan, width - column) and (r, column + colspan) not in occupied:
                colspan += 1
            rowspan = 1
            while rowspan < min(cell.rowspan, len(rows) - r) and not any(
                (r + rowspan, column + dc) in occupied for dc in range(colspan)
            ):
                rowspan += 1
            occupied.update((r + dr, column + dc) for dr in range(rowspan) for dc in range(colspan))
            cells.append(_cell(block_inlines(cell.inlines, lang, ctx), rowspan, colspan))
            column += colspan
        free = [c for c in range(column, width) if (r, c) not in occupied]
        occupied.update((r, c) for c in free)
        cells.extend(_cell([], 1, 1) for _ in free)
        out.append([NO_ATTR, cells])
    return out


def _cell(inlines: list[JSON], rowspan: int, colspan: int) -> list[Any]:
    content = [{"t": "Plain", "c": inlines}] if inlines else []
    return [NO_ATTR, {"t": "AlignDefault"}, rowspan, colspan, content]


def table_width(rows: tuple[TableRow, ...]) -> int:
    """Columns the grid needs once row and column spans are laid out."""
    occupied: set[tuple[int, int]] = set()
    width = 0
    for r, row in enumerate(rows):
        column = 0
        for cell in row.cells:
            while (r, column) in occupied:
                column += 1
            occupied.update((r + dr, column + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            column += cell.colspan
            width = max(width, column)
    return width


# ---------------------------------------------------------------- metadata


def _meta_inlines(text: str, lang: str | None = None, ctx: _Context | None = None) -> JSON:
    """Metadata text; with a context, foreign-script words are marked as in the body."""
    inlines = _squash_spaces(text_inlines(text))
    if ctx is not None and lang is not None:
        inlines = mark_foreign_words(inlines, lang, ctx.lang_attr)
    return {"t": "MetaInlines", "c": inlines}


def _meta_string(text: str) -> JSON:
    return {"t": "MetaString", "c": clean_text(text)}


def _meta_list(values: list[JSON]) -> JSON:
    return {"t": "MetaList", "c": values}


def _plain_text(text: str | None) -> str:
    return " ".join((text or "").split())


def document_title(doc: Document) -> str:
    """The metadata title, else the first heading's text, else a fixed fallback."""
    title = _plain_text(doc.metadata.title)
    if title:
        return title
    for block in doc.blocks:
        if isinstance(block, Heading):
            text = _plain_text(inline_text(block.inlines, images=False))
            if text:
                return text
    return DEFAULT_TITLE


def _metadata(meta: Metadata, title: str, lang: str, ctx: _Context) -> JSON:
    out: JSON = {"title": _meta_inlines(title, lang, ctx), "lang": _meta_string(ctx.tag(lang))}
    authors = [_meta_inlines(a, lang, ctx) for a in meta.authors if _plain_text(a)]
    if authors:
        out["author"] = _meta_list(authors)
    date = ctx.config.date or _plain_text(meta.date)
    if date:
        out["date"] = _meta_string(date)
    if _plain_text(meta.subtitle):
        out["subtitle"] = _meta_inlines(_plain_text(meta.subtitle), lang, ctx)
    keywords = [_meta_inlines(k, lang, ctx) for k in meta.keywords if _plain_text(k)]
    if keywords:
        out["keywords"] = _meta_list(keywords)
        out["subject"] = _meta_list(keywords)
    description = _plain_text(meta.description) or _abstract_text(meta, lang)
    if description:
        out["description"] = _meta_string(description)
    publisher = _plain_text(meta.publisher) or _plain_text(meta.journal)
    if publisher:
        out["publisher"] = _meta_string(publisher)
    return out


def _abstract_text(meta: Metadata, lang: str) -> str:
    for abstract in meta.abstracts:
        if normalise_language(abstract.lang) in (lang, None):
            return _plain_text(abstract.text)
    return _plain_text(meta.abstracts[0].text) if meta.abstracts else ""


def document_identifier(doc: Document, blocks: list[JSON]) -> str:
    """A stable ``urn:uuid`` from the DOI, else the URL, else a hash of the content."""
    meta = doc.metadata
    if meta.doi:
        key = "doi:" + meta.doi.strip().lower()
    elif meta.url:
        key = meta.url.strip()
    else:
        payload = json.dumps([document_title(doc), blocks], ensure_ascii=False, sort_keys=True)
        key = "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


# ---------------------------------------------------------------- document


def _without_title_heading(blocks: tuple[Block, ...], title: str) -> tuple[Block, ...]:
    """Drop a leading heading that repeats the title, for writers that print the title."""
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            text = _plain_text(inline_text(block.inlines, images=False))
            if text.casefold() == title.casefold():
                return blocks[:index] + blocks[index + 1 :]
            return blocks
        if not isinstance(block, HorizontalRule):
            return blocks
    return blocks


def _unreferenced_notes(ctx: _Context, doc: Document, lang: str) -> list[JSON]:
    """Notes no reference points at are kept, numbered by label, at the end of the text."""
    items = []
    for note in doc.notes:
        if note.label in ctx.used_notes:
            continue
        ctx.note_depth += 1
        items.append(convert_blocks(note.blocks, lang, ctx))
        ctx.note_depth -= 1
    items = [item for item in items if item]
    if not items:
        return []
    return [
        {
            "t": "Div",
            "c": [
                ["", ["notes"], []],
                [{"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}],
            ],
        }
    ]


def document_to_ast(doc: Document, config: AstConfig | None = None) -> JSON:
    """The pandoc JSON AST of ``doc``: metadata, blocks and notes, shaped by ``config``."""
    config = config or AstConfig()
    lang = document_language(doc)
    title = document_title(doc)
    ctx = _Context(config, doc.metadata.url, {note.label: note for note in doc.notes})
    body = _without_title_heading(doc.blocks, title) if config.drop_title_heading else doc.blocks
    blocks = convert_blocks(body, lang, ctx)
    blocks.extend(_unreferenced_notes(ctx, doc, lang))
    meta = _metadata(doc.metadata, title, lang, ctx)
    meta["identifier"] = _meta_string(document_identifier(doc, blocks))
    return {"pandoc-api-version": list(config.api_version), "meta": meta, "blocks": blocks}

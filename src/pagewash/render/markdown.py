"""pagewash's own GitHub-Flavoured Markdown writer: the hot path for ingestion.

Written straight from the Document (no pandoc round trip), deterministic, and escaping only
what CommonMark would otherwise read as markup, so the text stays readable. Tables that GFM
pipes cannot hold (spans, multi-line cells) are written as HTML tables instead of losing cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
    Paragraph,
    Quote,
    Section,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
)
from pagewash.render.front_matter import render_front_matter
from pagewash.render.markdown_html import html_table

_SPACE = re.compile(r"\s+")
_ALWAYS_ESCAPE = re.compile(r"([\\`*\[\]~|])")
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_WORD_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START_MARKUP = re.compile(r"^(\s*)(>|(?:#+|\+|-+|=+|\d{1,9}[.)])(?=\s|$))")
_BACKTICKS = re.compile(r"`+")


def render_markdown(doc: Document, *, front_matter: bool = True) -> str:
    """The whole document as GFM, ending with exactly one newline."""
    parts: list[str] = []
    if front_matter:
        parts.append(render_front_matter(doc.metadata))
    if doc.metadata.title:
        parts.append("# " + _escape(_SPACE.sub(" ", doc.metadata.title).strip()))
    parts.extend(_blocks(doc.blocks))
    for note in doc.notes:
        parts.append(_footnote(note.label, note.blocks))
    text = "\n\n".join(p for p in parts if p)
    return text + "\n" if text else ""


# ---------------------------------------------------------------- blocks


def _blocks(blocks: Iterable[Block]) -> list[str]:
    return [text for text in (_block(b) for b in blocks) if text]


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        text = _inlines(block.inlines, in_heading=True).strip()
        return f"{'#' * block.level} {text}" if text else ""
    if isinstance(block, Paragraph):
        return _paragraph(block.inlines)
    if isinstance(block, CodeBlock):
        return _code_block(block)
    if isinstance(block, HorizontalRule):
        return "---"
    if isinstance(block, ListBlock):
        return _list(block)
    if isinstance(block, Quote):
        inner = "\n\n".join(_blocks(block.blocks))
        return "\n".join(("> " + line).rstrip() for line in inner.split("\n")) if inner else ""
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Section):
        return "\n\n".join(_blocks(block.blocks))
    raise TypeError(f"cannot render {type(block).__name__}")


def _paragraph(inlines: tuple[Inline, ...]) -> str:
    """Lines split at hard breaks; breaks with nothing after them are dropped (they would
    leave a literal backslash at the end of the paragraph)."""
    text = _inlines(inlines)
    lines = [line.strip() for line in text.split(_BREAK)]
    lines = [_guard_line_start(line) for line in lines if line]
    return "\\\n".join(lines)


def _guard_line_start(line: str) -> str:
    """Escape a line start that CommonMark would read as a heading, list, quote or rule."""
    match = _LINE_START_MARKUP.match(line)
    if not match:
        return line
    marker = match.group(2)
    escaped = marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker
    return match.group(1) + escaped + line[match.end(2) :]


def _code_block(block: CodeBlock) -> str:
    longest = max((len(m) for m in _BACKTICKS.findall(block.text)), default=0)
    fence = "`" * max(3, longest + 1)
    info = (block.language or "").strip().split()[0] if block.language else ""
    body = block.text.rstrip("\n")
    return f"{fence}{info}\n{body}\n{fence}"


def _list(block: ListBlock) -> str:
    tight = all(
        len(item.blocks) <= 1 or (len(item.blocks) == 2 and isinstance(item.blocks[1], ListBlock))
        for item in block.items
    )
    rendered: list[str] = []
    for index, item in enumerate(block.items):
        marker = f"{block.start + index}." if block.ordered else "-"
        inner = _blocks(item.blocks)
        body = ("\n" if tight else "\n\n").join(inner) if inner else ""
        pad = " " * (len(marker) + 1)
        lines = body.split("\n") if body else [""]
        first = f"{marker} {lines[0]}".rstrip()
        rest = [(pad + line) if line else "" for line in lines[1:]]
        rendered.append("\n".join([first, *rest]))
    return ("\n" if tight else "\n\n").join(rendered)


def _table(table: Table) -> str:
    rows = table.head + table.body
    if not rows:
        return ""
    width = max(sum(c.colspan for c in row.cells) for row in rows)
    simple = len(table.head) <= 1 and all(
        c.colspan == 1 and c.rowspan == 1 and not _has_break(c) for row in rows for c in row.cells
    )
    if not simple:
        return html_table(table)
    # GFM needs a header row; a table without one gets an empty header (as pandoc writes it)
    # rather than promoting its first data row to a header it never was.
    header = _pipe_row(table.head[-1].cells, width) if table.head else "|" + "  |" * width
    lines = [header, "|" + " --- |" * width]
    lines.extend(_pipe_row(row.cells, width) for row in table.body)
    caption = _inlines(table.caption).strip()
    return "\n".join(lines) + (f"\n\n{caption}" if caption else "")


def _has_break(cell: TableCell) -> bool:
    return any(isinstance(run, LineBreak) for run in cell.inlines)


def _pipe_row(cells: tuple[TableCell, ...], width: int) -> str:
    texts = [_inlines(c.inlines).strip().replace("\n", " ") for c in cells]
    texts += [""] * (width - len(texts))
    return "| " + " | ".join(texts) + " |"


def _footnote(label: str, blocks: tuple[Block, ...]) -> str:
    body = "\n\n".join(_blocks(blocks))
    lines = body.split("\n") if body else [""]
    rest = [("    " + line) if line else "" for line in lines[1:]]
    return "\n".join([f"[^{_note_label(label)}]: {lines[0]}".rstrip(), *rest])


def _note_label(label: str) -> str:
    return re.sub(r"[\s\[\]^]+", "-", label.strip()) or "note"


# ---------------------------------------------------------------- inlines


def _inlines(inlines: tuple[Inline, ...], *, in_heading: bool = False) -> str:
    out: list[str] = []
    for run in _merged(inlines):
        out.append(_inline(run, in_heading))
    return _SPACE_RUNS.sub(" ", "".join(out))


def _merged(inlines: tuple[Inline, ...]) -> list[Inline]:
    """Adjacent emphasis runs of one kind as one: ``*road**road*`` would read as one
    emphasis holding a literal ``**``, splitting the word the page shows as "roadroad"."""
    out: list[Inline] = []
    for run in inlines:
        last = out[-1] if out else None
        if isinstance(run, (Emphasis, Strong)) and type(last) is type(run):
            out[-1] = type(run)((*last.children, *run.children))
        else:
            out.append(run)
    return out


_SPACE_RUNS = re.compile(r"[ \t]{2,}")
# Hard breaks are marked with NUL while a paragraph is assembled (NUL never reaches the output:
# ``_escape`` drops it, as CommonMark would not keep it either).
_BREAK = "\x00"


def _inline(run: Inline, in_heading: bool) -> str:
    if isinstance(run, Text):
        return _escape(_SPACE.sub(" ", run.text))
    if isinstance(run, Code):
        return _code_span(run.text)
    if isinstance(run, LineBreak):
        return " " if in_heading else _BREAK
    if isinstance(run, FootnoteRef):
        return f"[^{_note_label(run.label)}]"
    if isinstance(run, Image):
        alt = _escape(_SPACE.sub(" ", run.alt).strip())
        return f"![{alt}]({_image_source(run.src)})" if run.src else alt
    if isinstance(run, Link):
        return _link(run, in_heading)
    if isinstance(run, (Emphasis, Strong)):
        mark = "*" if isinstance(run, Emphasis) else "**"
        return _wrap(_inlines(run.children, in_heading=in_heading), mark, mark)
    if isinstance(run, Superscript):
        return _wrap(_inlines(run.children, in_heading=in_heading), "<sup>", "</sup>")
    if isinstance(run, Subscript):
        return _wrap(_inlines(run.children, in_heading=in_heading), "<sub>", "</sub>")
    raise TypeError(f"cannot render {type(run).__name__}")


def _link(run: Link, in_heading: bool) -> str:
    """``[text](target)`` with the text's edge spaces outside the brackets, as pandoc writes
    them: ``<a>reported </a>WeWork`` must not read "reportedWeWork". A link whose text is
    empty or only spaces shows nothing in the page, so it is written as that space alone
    (its target as text would be words the page never shows). A target that is only a
    fragment (``#cite_note-1``) names a place in the page the document does not carry, so
    its text stays and the link goes, as in the pandoc writers."""
    inner = _inlines(run.children, in_heading=in_heading)
    if not run.href or run.href.startswith("#") or not inner.strip():
        return inner
    title = f' "{run.title}"' if run.title and '"' not in run.title else ""
    return _wrap(inner, "[", f"]({_destination(run.href)}{title})")


def _wrap(inner: str, opener: str, closer: str) -> str:
    """Wrap ``inner`` with delimiters, moving edge spaces and hard breaks outside, so the
    markup stays valid and a space or break at a word edge stays between the words."""
    stripped = inner.strip(_EDGE)
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip(_EDGE))]
    trail = inner[len(inner.rstrip(_EDGE)) :]
    return f"{lead}{opener}{stripped}{closer}{trail}"


_EDGE = " \t\n" + _BREAK


def _code_span(text: str) -> str:
    text = text.replace("\n", " ")
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = (
        " "
        if text.startswith("`")
        or text.endswith("`")
        or (text.startswith(" ") and text.endswith(" ") and text.strip())
        else ""
    )
    return f"{fence}{pad}{text}{pad}{fence}"


_URL_DROPPED = re.compile(r"[\t\n\r]")  # the URL parser removes these from a link target
_URL_ENCODED = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}
_URL_ENCODE = re.compile("[" + re.escape("".join(_URL_ENCODED)) + "]")


def _destination(url: str) -> str:
    """A link target written as one plain run: spaces, parentheses and angle brackets
    percent-encoded (the same address to a browser), so no Markdown reader, however simple,
    ends the target early and shows the rest of the address as text."""
    url = _URL_DROPPED.sub("", url.strip())
    return _URL_ENCODE.sub(lambda m: _URL_ENCODED[m.group()], url)


_RASTER_DATA = re.compile(r"data:image/(png|jpe?g|gif|webp)[;,]", re.IGNORECASE)


def _image_source(src: str) -> str:
    """An image's target; a ``data:`` address other than a raster image (a lazy-loading SVG
    placeholder) is left empty, since Markdown readers refuse it and print it as text."""
    if src.lstrip().lower().startswith("data:") and not _RASTER_DATA.match(src.lstrip()):
        return ""
    return _destination(src)


def _escape(text: str) -> str:
    text = text.replace(_BREAK, "")
    text = _ALWAYS_ESCAPE.sub(r"\\\1", text)
    text = _WORD_EDGE_UNDERSCORE.sub(r"\\_", text)
    text = _HTML_START.sub(r"\\<", text)
    return _ENTITY.sub(r"\\&", text)

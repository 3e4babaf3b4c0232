"""Raw HTML inside Markdown: the tables GFM pipes cannot hold (spans, multi-line cells).

A Markdown reader passes an HTML block through untouched, so its cells cannot use Markdown
syntax: their inline runs are written as HTML elements (``<sup>2</sup>``, ``<a href>``,
``<code>``), or a superscript would read as part of the word before it ("Monatsbrutto2").
Text is escaped only where an HTML parser would otherwise read markup — a "<" that starts a
tag, an "&" that starts a character reference — so "< >" stays as the page shows it and an
entity is never decoded twice.
"""

from __future__ import annotations

import re

from pagewash.document import (
    Code,
    Emphasis,
    FootnoteRef,
    Image,
    Inline,
    LineBreak,
    Link,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
)

_SPACE = re.compile(r"\s+")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_REFERENCE_START = re.compile(r"&(?=#?[A-Za-z0-9]+;?)")
_ELEMENTS = {Emphasis: "em", Strong: "strong", Superscript: "sup", Subscript: "sub"}


def html_table(table: Table) -> str:
    """The table as an HTML block, one line per row."""
    out = ["<table>"]
    caption = _cell_html(table.caption)
    if caption:
        out.append(f"<caption>{caption}</caption>")
    for group, rows in (("thead", table.head), ("tbody", table.body)):
        if not rows:
            continue
        out.append(f"<{group}>")
        for row in rows:
            out.append("<tr>" + "".join(_cell(cell, group) for cell in row.cells) + "</tr>")
        out.append(f"</{group}>")
    out.append("</table>")
    return "\n".join(out)


def _cell(cell: TableCell, group: str) -> str:
    tag = "th" if cell.header or group == "thead" else "td"
    attrs = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
        f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    )
    return f"<{tag}{attrs}>{_cell_html(cell.inlines)}</{tag}>"


def _cell_html(inlines: tuple[Inline, ...]) -> str:
    """Inline runs as HTML on one line, edge spaces and spaces around breaks trimmed; runs of
    spaces collapsed in text, never in code."""
    html = "".join(_inline(run) for run in inlines).strip()
    return html.replace(" <br>", "<br>").replace("<br> ", "<br>")


def _inline(run: Inline) -> str:
    if isinstance(run, Text):
        return escape_text(_SPACE.sub(" ", run.text))
    if isinstance(run, Code):  # its spaces as they are: the text of code is exact
        return f"<code>{escape_text(run.text.replace(chr(10), ' '))}</code>"
    if isinstance(run, LineBreak):
        return "<br>"
    if isinstance(run, Image):
        return escape_text(run.alt)
    if isinstance(run, FootnoteRef):
        return ""  # the note's text follows the document; HTML has no mark that links to it
    inner = "".join(_inline(child) for child in run.children)
    if isinstance(run, Link):
        if not run.href or run.href.startswith("#"):
            return inner
        return f'<a href="{escape_attribute(run.href)}">{inner}</a>'
    name = _ELEMENTS[type(run)]
    return f"<{name}>{inner}</{name}>"


def escape_text(text: str) -> str:
    """Text an HTML parser reads back unchanged: only a tag start and a reference start are
    escaped."""
    return _TAG_START.sub("&lt;", _REFERENCE_START.sub("&amp;", text))


def escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")

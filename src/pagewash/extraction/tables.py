"""Tables: tell layout tables (old page grids) from data tables and convert the latter.

A layout table is walked like nested ``<div>``s; a data table becomes one ``Table`` block
whose header rows are the ``<thead>`` rows, or a first row made only of ``<th>`` cells.
"""

from __future__ import annotations

from collections.abc import Callable

from bs4 import Tag

from pagewash.document import Table, TableCell, TableRow
from pagewash.extraction.inlines import Piece, nest

CellReader = Callable[[Tag], tuple[list[Piece], str, int]]
_BLOCKY = ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "form")
MAX_CELL_CHARS = 400  # a cell holding more prose than this is a page column, not data


def is_layout(table: Tag) -> bool:
    """True when the table arranges the page rather than holding data."""
    if str(table.attrs.get("role") or "").lower() in ("presentation", "none"):
        return True
    rows = _rows(table)
    if len(rows) < 2:
        return True
    widest = max(len(_cells(row)) for row in rows)
    if widest < 2:
        return True
    for row in rows:
        for cell in _cells(row):
            # Long text is checked first: most cells are short, and a bs4 search is slow.
            if len(cell.get_text()) > MAX_CELL_CHARS and _contains(cell, _BLOCKY):
                return True
            if _contains(cell, ("table",)):
                return True
    return False


def _contains(tag: Tag, names: tuple[str, ...]) -> bool:
    """A descendant element has one of ``names`` (``tag.find(names)``, without building a
    search filter per call)."""
    return any(isinstance(node, Tag) and node.name in names for node in tag.descendants)


def convert(table: Tag, read_cell: CellReader) -> tuple[Table | None, str, int]:
    """A ``Table`` block, its plain text and the characters of it inside links."""
    head: list[TableRow] = []
    body: list[TableRow] = []
    texts: list[str] = []
    link_chars = 0
    for row in _rows(table):
        cells: list[TableCell] = []
        in_head = row.parent is not None and row.parent.name == "thead"
        for cell in _cells(row):
            pieces, text, links = read_cell(cell)
            texts.append(text)
            link_chars += links
            cells.append(
                TableCell(
                    nest(pieces),
                    header=cell.name == "th" or in_head,
                    colspan=_span(cell, "colspan"),
                    rowspan=_span(cell, "rowspan"),
                )
            )
        if not cells:
            continue
        header_row = in_head or (not head and not body and all(c.header for c in cells))
        (head if header_row else body).append(TableRow(tuple(cells)))
    if not head and not body:
        return None, "", 0
    caption_tag = table.find("caption")
    caption = nest(read_cell(caption_tag)[0]) if isinstance(caption_tag, Tag) else ()
    text = " ".join(t for t in texts if t)
    return Table(tuple(head), tuple(body), caption), text, link_chars


def _rows(table: Tag) -> list[Tag]:
    rows: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
    return rows


def _cells(row: Tag) -> list[Tag]:
    return [c for c in row.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _span(cell: Tag, name: str) -> int:
    raw = cell.attrs.get(name)
    if isinstance(raw, str) and raw.strip().isdigit():
        return max(1, min(int(raw.strip()), 100))
    return 1

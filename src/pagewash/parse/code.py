"""Code blocks read out of the markup syntax highlighters write, on the lxml tree.

A highlighter cuts code into spans (a space can be a token of its own: ``pip<span class="w">
</span>install``), lays lines out as table rows or ``<div>``s without a newline between them,
adds a column of line numbers, a copy button, anchors on every line. Later stages drop
empty elements, collapse whitespace and walk tables cell by cell, any of which would damage
the code; so before them every code block is replaced here by one ``<pre>`` holding its
exact text and naming its language (``class="language-x"``). The text is the text of the
block as a browser shows it: every character of every text node, a line break for each
``<br>`` and each line-level element, and nothing of the line numbers, copy controls or
hidden elements (``data/code.toml`` says how each is recognised).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from pagewash.parse.elements import is_block

DATA = Path(__file__).resolve().parent.parent / "data" / "code.toml"
PRE_LIKE = ("pre", "xmp", "listing", "plaintext")
INLINE_CODE = ("code", "kbd", "samp", "tt")
_NUMBERS = re.compile(r"[\s\d.:|]*")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_LANGUAGE = re.compile(r"[\w+#.-]+")
INNER_LOOKS = 8  # <pre>/<code> elements looked at inside a block
WRAPPER_LEVELS = 3  # Rouge puts the language two wrappers above the <pre>
WRAPPER_SLACK = 100  # characters a wrapper may hold besides its code block (a file name)


@dataclass(frozen=True, slots=True)
class CodeRules:
    """The vocabulary of ``data/code.toml``, in lower case."""

    line_numbers: frozenset[str]
    tables: frozenset[str]
    code_cells: frozenset[str]
    copy_controls: tuple[str, ...]
    copy_label_max: int
    language_prefixes: tuple[str, ...]
    not_languages: frozenset[str]


@lru_cache(maxsize=1)
def code_rules() -> CodeRules:
    """The built-in code vocabulary, read once."""
    with DATA.open("rb") as handle:
        data = tomllib.load(handle)

    def lower(key: str) -> tuple[str, ...]:
        return tuple(str(item).lower() for item in data[key])

    return CodeRules(
        line_numbers=frozenset(lower("line_numbers")),
        tables=frozenset(lower("tables")),
        code_cells=frozenset(lower("code_cells")),
        copy_controls=lower("copy_controls"),
        copy_label_max=int(data["copy_label_max"]),
        language_prefixes=lower("language_prefixes"),
        not_languages=frozenset(lower("not_languages")),
    )


def normalise_code(root: etree._Element, hidden_classes: frozenset[str] | set[str]) -> None:
    """Replace every code block under ``root`` by one ``<pre>`` of its exact text.

    Line-number tables go first (their cells hold the ``<pre>``s), then every outermost
    ``<pre>``; inline code keeps its ``<br>`` line breaks as newlines.
    """
    rules = code_rules()
    hidden = frozenset(c.lower() for c in hidden_classes)
    tables = [t for t in root.iter("table") if _is_code_table(t, rules) and not _in_pre(t)]
    for table in tables:
        if not any(_is_code_table(a, rules) for a in table.iterancestors("table")):
            _replace(table, rules, hidden)
    for pre in [p for p in root.iter(*PRE_LIKE) if not _in_pre(p)]:
        _replace(pre, rules, hidden)
    for code in root.iter(*INLINE_CODE):
        if code.find(".//br") is not None and not _in_pre(code):
            _breaks_to_newlines(code)


def _in_pre(el: etree._Element) -> bool:
    return any(True for _ in el.iterancestors(*PRE_LIKE))


def _replace(block: etree._Element, rules: CodeRules, hidden: frozenset[str]) -> None:
    """Put a ``<pre>`` of the block's text and language in its place (its attributes kept,
    so a hidden block stays hidden to the pruning that follows)."""
    language = code_language(block, rules)
    pre = etree.Element("pre")
    for name, value in block.attrib.items():
        pre.set(name, value)
    classes = (block.get("class") or "").split()
    if language:
        classes.insert(0, f"language-{language}")
    if classes:
        pre.set("class", " ".join(classes))
    pre.text = code_text(block, rules, hidden)
    pre.tail = block.tail
    parent = block.getparent()
    if parent is not None:
        parent.replace(block, pre)


def code_text(block: etree._Element, rules: CodeRules, hidden: frozenset[str]) -> str:
    """The text of a code block as a browser shows it, line numbers and controls left out.

    Every line-level element (a row, a ``<div>`` per line) ends its line unless its text
    already ended with a newline; an empty one is an empty line. Edge newlines carry nothing
    (the one right after a ``<pre>`` tag is not even content, by HTML's parsing rule).
    The walk keeps its own stack, so no nesting depth can exhaust Python's: on it are
    elements to open, text to add, and (as an int) where a line-level element began.
    """
    parts: list[str] = []
    size = 0
    stack: list[etree._Element | str | int] = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            size += len(item)
        elif isinstance(item, int):
            if size == item or not parts[-1].endswith("\n"):
                parts.append("\n")
                size += 1
        elif item is block or not _left_out(item, rules, hidden):
            if item.tag == "br":
                stack.append("\n")
                continue
            if item is block or is_block(item.tag):
                stack.append(size)
            for child in reversed(item):
                if child.tail:
                    stack.append(child.tail)
                stack.append(child)
            if item.text:
                stack.append(item.text)
    return "".join(parts).strip("\n")


def _left_out(el: etree._Element, rules: CodeRules, hidden: frozenset[str]) -> bool:
    """Line numbers, copy controls and hidden elements are not part of the code (nor a
    comment or processing instruction); the element's tail is, and is added apart."""
    if not isinstance(el.tag, str):
        return True
    tokens = _tokens(el)
    if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    if any(t in hidden for t in tokens):
        return True
    if any(t in rules.line_numbers for t in tokens):
        return _NUMBERS.fullmatch(el.xpath("string()")) is not None
    if any(word in t for t in tokens for word in rules.copy_controls):
        return len(el.xpath("string()").strip()) <= rules.copy_label_max
    return False


def _tokens(el: etree._Element) -> list[str]:
    tokens = (el.get("class") or "").lower().split()
    ident = el.get("id")
    return [*tokens, ident.lower()] if ident else tokens


def _is_code_table(table: etree._Element, rules: CodeRules) -> bool:
    """A table laying out one code block: named so by a highlighter, or rows of line numbers
    beside one cell that holds nothing but code."""
    if any(t in rules.tables for t in _tokens(table)):
        return True
    numbered = False
    for row in table.iter("tr"):
        cells = [c for c in row if c.tag in ("td", "th")]
        numbers = [c for c in cells if _is_number_cell(c, rules)]
        others = [c for c in cells if c not in numbers]
        if len(others) != 1 or not _holds_only_code(others[0], rules):
            return False
        numbered = numbered or bool(numbers)
    return numbered


def _is_number_cell(cell: etree._Element, rules: CodeRules) -> bool:
    text = cell.xpath("string()")
    if _NUMBERS.fullmatch(text) is None:
        return False
    named = any(t in rules.line_numbers for t in _tokens(cell))
    return named or any(ch.isdigit() for ch in text)


def _holds_only_code(cell: etree._Element, rules: CodeRules) -> bool:
    if any(t in rules.code_cells for t in _tokens(cell)):
        return True
    code = "".join(
        el.xpath("string()")
        for el in cell.iter(*PRE_LIKE, "code")
        if not any(True for _ in el.iterancestors(*PRE_LIKE, "code"))
    )
    return bool(code.strip()) and code.strip() == cell.xpath("string()").strip()


def code_language(block: etree._Element, rules: CodeRules) -> str | None:
    """The language a block declares, on itself, its ``<pre>``/``<code>`` elements (the code
    column of a line-number table is the second) or the wrappers above it: a class prefix,
    pandoc's ``sourceCode`` pair, SyntaxHighlighter's ``brush:``, or a ``data-lang``."""
    inner = [el for _, el in zip(range(INNER_LOOKS), block.iterdescendants("pre", "code"), strict=False)]
    for node in (block, *inner, *_wrappers(block)):
        found = _declared_language(node, rules)
        if found:
            return found
    return None


def _wrappers(block: etree._Element) -> list[etree._Element]:
    """Up to three ancestors that wrap only this block (a file name or a button label
    beside it at most): a class up there names the block's language, not the page's."""
    own = len(block.xpath("string()"))
    out = []
    for _, ancestor in zip(range(WRAPPER_LEVELS), block.iterancestors(), strict=False):
        if len(ancestor.xpath("string()")) - own > WRAPPER_SLACK:
            break
        out.append(ancestor)
    return out


def _declared_language(node: etree._Element, rules: CodeRules) -> str | None:
    classes = (node.get("class") or "").split()
    lowered = [c.lower() for c in classes]
    for cls, low in zip(classes, lowered, strict=True):
        for prefix in rules.language_prefixes:
            if low.startswith(prefix):
                found = _language(cls[len(prefix) :], rules)
                if found:
                    return found
    if "sourcecode" in lowered:
        for cls in classes:
            found = _language(cls, rules)
            if found:
                return found
    for index, low in enumerate(lowered):
        if low.startswith("brush:"):
            value = _brush_value(classes, index)
            found = _language(value, rules)
            if found:
                return found
    for attr in ("data-lang", "data-language"):
        found = _language(node.get(attr) or "", rules)
        if found:
            return found
    return None


def _brush_value(classes: list[str], index: int) -> str:
    """The value of ``brush: x`` written as one class or as two."""
    own = classes[index][len("brush:") :]
    if own.strip(";"):
        return own
    return classes[index + 1] if index + 1 < len(classes) else ""


def _language(value: str, rules: CodeRules) -> str | None:
    value = value.strip().strip(";")
    if not value or value.lower() in rules.not_languages or not _LANGUAGE.fullmatch(value):
        return None
    return value


def _breaks_to_newlines(code: etree._Element) -> None:
    """Inline code whose lines the page separates with ``<br>``: each becomes a newline, so
    the lines do not run together."""
    for br in list(code.iter("br")):
        br.tail = "\n" + (br.tail or "")
        br.drop_tree()

"""The truth of the documentation corpus, read from the source pages, never from the built HTML.

For each source page this gives what a reader of the built page should get:

- ``prose``: the page's body text as blocks, in reading order. Counted: headings (except the
  page title, which the extraction benchmark's "article body" leaves out too), paragraphs,
  list items (an ordered item starts with its number, which the browser shows and every
  Markdown writer writes), admonition titles (the generator's "Note", "Warning" when the
  source gives none) and bodies, content-tab labels, code captions, table cells (one block per
  row), definition-list terms and definitions, API signatures as the generator displays them
  (``class ferrule.Client(...)``) with their docstrings and field lists (``Parameters``,
  ``Returns``, ``Raises``). Not counted: code blocks (scored apart), the page title,
  navigation, tables of contents, footers, permalinks, "Edit on ..." links, post dates, authors
  and tags, and anything else a theme adds.
- ``code``: every code block as the exact string the page displays, its declared language (or
  ``None``), whether the source asks for line numbers, and where in the source it starts.

Code text follows the markup language's own documented reading of the source, because that is
what the generator shows:

- ``superfences`` (mkdocs with pymdownx.superfences, ``preserve_tabs: true``): a fence at the top
  level keeps its lines exactly; a fence nested in a list, admonition or tab goes through
  Python-Markdown's whitespace normalisation (below), then loses the fence's indentation.
- ``python-markdown`` (pelican: fenced_code and codehilite): Python-Markdown expands tabs to
  4-column stops and empties lines that hold only spaces before any extension sees the text.
  An indented code block may name its language on its first line (``#!python`` asks for line
  numbers, ``:::python`` does not), as codehilite reads it.
- ``rst`` (Sphinx): docutils expands tabs to 8-column stops and strips trailing whitespace of
  every line, then a directive's content loses its common indentation and its leading and
  trailing blank lines. ``literalinclude`` shows the included file as it is.

Only the subset of Markdown and reStructuredText that the corpus uses is read; anything else
raises ``TruthError`` with the file and line, so a source edit can never change the truth
silently. Standard library only: the tests run it without any generator installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CodeRule = Literal["superfences", "python-markdown"]


class TruthError(ValueError):
    """A source page uses markup the truth reader does not know."""


@dataclass(frozen=True)
class CodeBlock:
    text: str
    lang: str | None
    numbered: bool
    origin: str

    def as_json(self) -> dict[str, object]:
        return {"lang": self.lang, "numbered": self.numbered, "origin": self.origin, "text": self.text}


@dataclass(frozen=True)
class PageTruth:
    prose: tuple[str, ...]
    code: tuple[CodeBlock, ...]

    def as_json(self, source: str) -> dict[str, Any]:
        return {"source": source, "prose": list(self.prose), "code": [c.as_json() for c in self.code]}


@dataclass
class _Collected:
    prose: list[str] = field(default_factory=list)
    code: list[CodeBlock] = field(default_factory=list)

    def add_prose(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.prose.append(text)

    def number_item(self, first_block: int, ordinal: int) -> None:
        """An ordered list item shows its number, which the Markdown of every tool writes too."""
        if first_block < len(self.prose):
            self.prose[first_block] = f"{ordinal}. {self.prose[first_block]}"
        else:
            self.prose.append(f"{ordinal}.")

    def freeze(self) -> PageTruth:
        return PageTruth(tuple(self.prose), tuple(self.code))


# A line of a container, after the container's indentation was taken off, and its index in the
# source file (the raw line is needed where whitespace rules are column-based).
Line = tuple[str, int]


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _blank(text: str) -> bool:
    return not text.strip()


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and _blank(lines[start]):
        start += 1
    while end > start and _blank(lines[end - 1]):
        end -= 1
    return lines[start:end]


# --------------------------------------------------------------------------------------------
# Markdown (mkdocs with pymdown-extensions, pelican with Python-Markdown's extra)
# --------------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(.*)$")
_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+([\w-]+)(?:\s+"(.*)")?\s*$')
_TAB = re.compile(r'^===\+?\s+"(.*)"\s*$')
_MD_ITEM = re.compile(r"^([-*+]|\d+\.)\s+(.*)$")
_DEFINITION = re.compile(r"^:\s{3}(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_PELICAN_META = re.compile(r"^[A-Z][\w-]*:\s")

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)\s]*\)")
_MD_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_MD_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MD_EM = re.compile(r"(?<![\w*\\])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_inline(text: str) -> str:
    """The text a reader sees in a line of Markdown: code spans verbatim, markers gone."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    parts: list[str] = []
    pos = 0
    for match in _MD_CODE_SPAN.finditer(text):
        parts.append(_md_plain(text[pos : match.start()]))
        content = match.group(2)
        if len(content) > 2 and content.startswith(" ") and content.endswith(" "):
            content = content[1:-1]
        parts.append(content)
        pos = match.end()
    parts.append(_md_plain(text[pos:]))
    return "".join(parts)


def _md_plain(text: str) -> str:
    text = _MD_STRONG.sub(r"\1", text)
    text = _MD_EM.sub(r"\1", text)
    return _MD_ESCAPE.sub(r"\1", text)


def _python_markdown_line(raw: str) -> str:
    """Python-Markdown's NormalizeWhitespace: tabs to 4-column stops, blank lines emptied."""
    expanded = raw.expandtabs(4)
    return "" if _blank(expanded) else expanded


class _MarkdownReader:
    def __init__(self, path: Path, rule: CodeRule, display: str) -> None:
        self.path = path
        self.rule = rule
        self.display = display
        self.raw = path.read_text(encoding="utf-8").split("\n")
        self.out = _Collected()
        self.title_seen = False

    def fail(self, lineno: int, message: str) -> TruthError:
        return TruthError(f"{self.display}:{lineno + 1}: {message}")

    def read(self) -> PageTruth:
        lines = [(text, n) for n, text in enumerate(self.raw)]
        if self.rule == "python-markdown":
            lines = self._skip_metadata(lines)
        self.blocks(lines, depth=0)
        return self.out.freeze()

    def _skip_metadata(self, lines: list[Line]) -> list[Line]:
        """Pelican's header ("Title: ..."): the theme shows it, it is not body text."""
        i = 0
        while i < len(lines) and _PELICAN_META.match(lines[i][0]):
            i += 1
        if i == 0:
            raise self.fail(0, "a pelican post starts with its metadata (Title: ...)")
        self.title_seen = True
        return lines[i:]

    def blocks(self, lines: list[Line], depth: int) -> None:
        i = 0
        while i < len(lines):
            text = lines[i][0]
            if _blank(text):
                i += 1
            elif _FENCE.match(text):
                i = self._fence(lines, i, depth)
            elif match := _ATX.match(text):
                if match.group(1) == "#" and depth == 0 and not self.title_seen:
                    self.title_seen = True
                else:
                    self.out.add_prose(markdown_inline(match.group(2)))
                i += 1
            elif match := _ADMONITION.match(text):
                title = match.group(2)
                self.out.add_prose(markdown_inline(match.group(1).capitalize() if title is None else title))
                body, i = self._indented_body(lines, i + 1)
                self.blocks(body, depth + 1)
            elif match := _TAB.match(text):
                self.out.add_prose(markdown_inline(match.group(1)))
                body, i = self._indented_body(lines, i + 1)
                self.blocks(body, depth + 1)
            elif text.startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1][0]):
                i = self._table(lines, i)
            elif _MD_ITEM.match(text):
                i = self._list(lines, i, depth)
            elif text.startswith(">"):
                quoted = []
                while i < len(lines) and lines[i][0].startswith(">"):
                    quoted.append((lines[i][0][1:].removeprefix(" "), lines[i][1]))
                    i += 1
                self.blocks(quoted, depth + 1)
            elif _indent(text) >= 4:
                i = self._indented_code(lines, i, depth)
            else:
                i = self._paragraph(lines, i, depth)

    def _indented_body(self, lines: list[Line], i: int) -> tuple[list[Line], int]:
        """Lines indented by four spaces (blank lines between them included), dedented."""
        body: list[Line] = []
        while i < len(lines) and (_blank(lines[i][0]) or lines[i][0].startswith("    ")):
            body.append((lines[i][0][4:], lines[i][1]))
            i += 1
        while body and _blank(body[-1][0]):
            body.pop()
        return body, i

    def _paragraph(self, lines: list[Line], i: int, depth: int) -> int:
        start = i
        parts = []
        while i < len(lines):
            text = lines[i][0]
            starts_block = _MD_ITEM.match(text) or _ATX.match(text) or _FENCE.match(text)
            if _blank(text) or (i > start and starts_block):
                break
            if _DEFINITION.match(text):
                break
            parts.append(text.strip())
            i += 1
        if i < len(lines) and _DEFINITION.match(lines[i][0]):
            self.out.add_prose(markdown_inline(" ".join(parts)))
            return self._definitions(lines, i, depth)
        self.out.add_prose(markdown_inline(" ".join(parts)))
        return i

    def _definitions(self, lines: list[Line], i: int, depth: int) -> int:
        while i < len(lines) and (match := _DEFINITION.match(lines[i][0])):
            body: list[Line] = [(match.group(1), lines[i][1])]
            rest, i = self._indented_body(lines, i + 1)
            self.blocks(body + rest, depth + 1)
        return i

    def _list(self, lines: list[Line], i: int, depth: int) -> int:
        ordinal = 0
        while i < len(lines):
            match = _MD_ITEM.match(lines[i][0])
            if not match:
                break
            ordinal += 1
            if match.group(1)[0].isdigit() and int(match.group(1)[:-1]) != ordinal:
                raise self.fail(lines[i][1], f"an ordered item numbered {match.group(1)} at place {ordinal}")
            first_block = len(self.out.prose)
            body: list[Line] = [(match.group(2), lines[i][1])]
            i += 1
            while i < len(lines):
                text, lineno = lines[i]
                if text.startswith("    "):
                    body.append((text[4:], lineno))
                elif _blank(text):
                    nxt = next((t for t, _ in lines[i + 1 :] if not _blank(t)), "")
                    if not nxt.startswith("    "):
                        break
                    body.append(("", lineno))
                elif not _MD_ITEM.match(text) and not _blank(body[-1][0]):
                    body.append((text.strip(), lineno))  # a lazy continuation line
                else:
                    break
                i += 1
            self.blocks(body, depth + 1)
            if match.group(1)[0].isdigit():
                self.out.number_item(first_block, ordinal)
            while i < len(lines) and _blank(lines[i][0]):
                nxt = next((t for t, _ in lines[i:] if not _blank(t)), "")
                if not _MD_ITEM.match(nxt):
                    return i
                i += 1
        return i

    def _table(self, lines: list[Line], i: int) -> int:
        rows = [lines[i][0]]
        i += 2
        while i < len(lines) and lines[i][0].startswith("|"):
            rows.append(lines[i][0])
            i += 1
        for row in rows:
            cells = [markdown_inline(c.strip()) for c in row.strip().strip("|").split("|")]
            self.out.add_prose(" | ".join(cells))
        return i

    def _info(self, info: str, lineno: int) -> tuple[str | None, dict[str, str]]:
        info = info.strip()
        if info.startswith("{"):
            if not info.endswith("}"):
                raise self.fail(lineno, f"unclosed attribute list {info!r}")
            inner = info[1:-1].strip()
            lang_match = re.match(r"\.([\w+-]+)", inner)
            lang = lang_match.group(1) if lang_match else None
            rest = inner[lang_match.end() :] if lang_match else inner
        else:
            lang_match = re.match(r"([\w+-]+)", info)
            lang = lang_match.group(1) if lang_match else None
            rest = info[lang_match.end() :] if lang_match else info
        attrs = dict(_ATTR.findall(rest))
        if _ATTR.sub("", rest).strip():
            raise self.fail(lineno, f"unread fence options {rest!r}")
        unknown = set(attrs) - {"linenums", "linenos", "hl_lines", "title"}
        if unknown:
            raise self.fail(lineno, f"unknown fence options {sorted(unknown)}")
        return lang, attrs

    def _fence(self, lines: list[Line], i: int, depth: int) -> int:
        text, lineno = lines[i]
        match = _FENCE.match(text)
        if match is None:  # the caller matched already
            raise self.fail(lineno, "not a fence")
        fence = match.group(1)
        lang, attrs = self._info(match.group(2), lineno)
        closing = re.compile("^" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j][0]):
            j += 1
        if j == len(lines):
            raise self.fail(lineno, "fence never closed")
        if depth and self.rule == "python-markdown":
            raise self.fail(lineno, "Python-Markdown's fenced_code reads fences at the top level only")
        column = _indent(self.raw[lineno].expandtabs(4))
        body = []
        for _, n in lines[i + 1 : j]:
            raw = self.raw[n]
            if self.rule == "python-markdown" or depth:
                raw = _python_markdown_line(raw)
            if raw[:column].strip():
                raise self.fail(n, "a code line indented less than its fence")
            body.append(raw[column:])
        if "title" in attrs:
            self.out.add_prose(attrs["title"])
        numbered = attrs.get("linenums", "0") not in ("0", "false", "False")
        self._code(body, lang, numbered, lineno + 1)
        return j + 1

    def _indented_code(self, lines: list[Line], i: int, depth: int) -> int:
        start = lines[i][1]
        body: list[Line] = []
        while i < len(lines) and (_blank(lines[i][0]) or _indent(lines[i][0]) >= 4):
            body.append(lines[i])
            i += 1
        if self.rule != "python-markdown" or depth:
            raise self.fail(start, "indented code is read only at the top level of a pelican post")
        texts = [(_python_markdown_line(self.raw[n])[4:], n) for _, n in body]
        while texts and _blank(texts[-1][0]):
            texts.pop()
        lang, numbered = None, False
        if texts and (match := re.match(r"^(#!|:::)([\w+-]+)\s*$", texts[0][0])):
            lang, numbered = match.group(2), match.group(1) == "#!"
            texts = texts[1:]
        if not texts:
            raise self.fail(start, "an empty code block")
        self._code([t for t, _ in texts], lang, numbered, texts[0][1])
        return i

    def _code(self, body: list[str], lang: str | None, numbered: bool, lineno: int) -> None:
        """A code block whose first line is source line ``lineno`` (0-based)."""
        if not body or _blank(body[0]) or _blank(body[-1]):
            raise self.fail(lineno, "a code block starts or ends with a blank line (highlighters drop them)")
        origin = f"{self.display}:{lineno + 1}"
        self.out.code.append(CodeBlock("\n".join(body), lang, numbered, origin))


def markdown_page(path: Path, rule: CodeRule, display: str | None = None) -> PageTruth:
    """The truth of one Markdown source page; ``display`` is the path quoted in origins."""
    return _MarkdownReader(path, rule, display or path.name).read()


# --------------------------------------------------------------------------------------------
# reStructuredText (Sphinx)
# --------------------------------------------------------------------------------------------

_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+])\1+\s*$")
_DIRECTIVE = re.compile(r"^\.\.\s+([\w:-]+)::\s*(.*)$")
_RST_ITEM = re.compile(r"^([-*+]|\d+\.|#\.)(\s+)(.*)$")
_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
_FIELD = re.compile(r"^:(\w+)(?:\s+([^:`]+))?:(?!`)\s*(.*)$")

_RST_ROLE = re.compile(r":(?:py:)?([\w]+):`([^`]+)`")
_RST_LITERAL = re.compile(r"``(.+?)``")
_RST_LINK = re.compile(r"`([^`<]+?)\s*(?:<[^>]*>)?`__?")
_RST_STRONG = re.compile(r"\*\*(.+?)\*\*")
_RST_EM = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")

# Sphinx's labels of the admonitions it knows (sphinx.locale.admonitionlabels, English).
ADMONITION_LABELS = {
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "tip": "Tip",
    "warning": "Warning",
}
# Sphinx's Python domain field labels (sphinx.domains.python, English).
FIELD_LABELS = {
    "param": "Parameters",
    "parameter": "Parameters",
    "returns": "Returns",
    "return": "Returns",
    "rtype": "Return type",
    "raises": "Raises",
    "raise": "Raises",
}
_PY_OBJECTS = {"function", "class", "exception", "method", "attribute", "data"}


def rst_inline(text: str) -> str:
    """The text a reader sees in a line of reStructuredText, roles shown as Sphinx shows them."""
    literals: list[str] = []

    def keep(content: str) -> str:
        literals.append(content)
        return f"\x00{len(literals) - 1}\x00"

    def role(match: re.Match[str]) -> str:
        name, target = match.group(1), match.group(2)
        if explicit := re.match(r"^(.*?)\s*<[^>]+>$", target):
            return keep(explicit.group(1))
        if name == "doc":
            raise TruthError(f"a :doc: role without its own text shows the target's title: {target!r}")
        shown = target.split(".")[-1] if target.startswith("~") else target
        if name in ("func", "meth") and not shown.endswith(")"):
            shown += "()"
        return keep(shown)

    text = _RST_ROLE.sub(role, text)
    text = _RST_LITERAL.sub(lambda m: keep(m.group(1)), text)
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_STRONG.sub(r"\1", text)
    text = _RST_EM.sub(r"\1", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub("\x00(\\d+)\x00", lambda m: literals[int(m.group(1))], text)


def _docutils_code(raw_lines: list[str]) -> list[str]:
    """docutils' reading of literal text: tabs to 8 columns, trailing blanks cut, dedented."""
    expanded = [line.expandtabs(8).rstrip() for line in raw_lines]
    expanded = _strip_blank_edges(expanded)
    margin = min((_indent(line) for line in expanded if line), default=0)
    return [line[margin:] for line in expanded]


class _RstReader:
    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.raw = path.read_text(encoding="utf-8").split("\n")
        self.out = _Collected()
        self.title_seen = False
        self.module: str | None = None

    def fail(self, lineno: int, message: str) -> TruthError:
        return TruthError(f"{self.display}:{lineno + 1}: {message}")

    def read(self) -> PageTruth:
        self.blocks([(text, n) for n, text in enumerate(self.raw)], in_class=False)
        return self.out.freeze()

    def _block(self, lines: list[Line], i: int, margin: int) -> tuple[list[Line], int]:
        """The lines from i on that are blank or indented by at least ``margin``, dedented."""
        body: list[Line] = []
        while i < len(lines) and (_blank(lines[i][0]) or _indent(lines[i][0]) >= margin):
            body.append((lines[i][0][margin:], lines[i][1]))
            i += 1
        while body and _blank(body[-1][0]):
            body.pop()
        return body, i

    def _dedented(self, lines: list[Line]) -> list[Line]:
        margin = min((_indent(t) for t, _ in lines if not _blank(t)), default=0)
        return [(t[margin:], n) for t, n in lines]

    def blocks(self, lines: list[Line], in_class: bool) -> None:
        i = 0
        ordinal = 0  # the place of an enumerated item in its list, 0 outside one
        while i < len(lines):
            text, lineno = lines[i]
            nxt = lines[i + 1][0] if i + 1 < len(lines) else ""
            if _blank(text):
                i += 1
                continue
            enumerated = _RST_ITEM.match(text)
            ordinal = ordinal + 1 if enumerated and enumerated.group(1)[0] in "0123456789#" else 0
            if _ADORNMENT.match(text) and i + 2 < len(lines) and _ADORNMENT.match(lines[i + 2][0]):
                self._heading(lines[i + 1][0])
                i += 3
            elif not _blank(text) and _ADORNMENT.match(nxt) and len(nxt.strip()) >= len(text.strip()):
                self._heading(text)
                i += 2
            elif match := _DIRECTIVE.match(text):
                body, i = self._block(lines, i + 1, 1)
                name, arg = match.group(1), match.group(2).strip()
                self._directive(name, arg, self._dedented(body), lineno, in_class)
            elif text.startswith(".."):
                _, i = self._block(lines, i + 1, 1)  # a comment or a link target
            elif match := _RST_ITEM.match(text):
                margin = len(match.group(1)) + len(match.group(2))
                body = [(match.group(3), lineno)]
                rest, i = self._block(lines, i + 1, margin)
                first_block = len(self.out.prose)
                self.blocks(body + rest, in_class)
                if ordinal:
                    if match.group(1)[0].isdigit() and int(match.group(1)[:-1]) != ordinal:
                        raise self.fail(lineno, f"an item numbered {match.group(1)} at place {ordinal}")
                    self.out.number_item(first_block, ordinal)
            elif _FIELD.match(text):
                raise self.fail(lineno, "a field list outside an API entry")
            elif _indent(text) > 0:
                quoted, i = self._block(lines, i, _indent(text))
                self.blocks(quoted, in_class)
            elif nxt and not _blank(nxt) and _indent(nxt) > 0:
                self.out.add_prose(rst_inline(text.strip()))  # a definition-list term
                body, i = self._block(lines, i + 1, _indent(nxt))
                self.blocks(body, in_class)
            else:
                i = self._paragraph(lines, i)

    def _heading(self, text: str) -> None:
        if not self.title_seen:
            self.title_seen = True
        else:
            self.out.add_prose(rst_inline(text.strip()))

    def _paragraph(self, lines: list[Line], i: int) -> int:
        parts = []
        start = lines[i][1]
        while i < len(lines) and not _blank(lines[i][0]) and _indent(lines[i][0]) == 0:
            parts.append(lines[i][0].strip())
            i += 1
        if i < len(lines) and not _blank(lines[i][0]):
            raise self.fail(lines[i][1], "an indented line right after a paragraph")
        text = " ".join(parts)
        if not text.endswith("::"):
            self.out.add_prose(rst_inline(text))
            return i
        text = text[:-2]
        self.out.add_prose(rst_inline(text if text.endswith(" ") or not text else text + ":"))
        while i < len(lines) and _blank(lines[i][0]):
            i += 1
        if i == len(lines) or _indent(lines[i][0]) == 0:
            raise self.fail(start, "a paragraph ending in '::' without a literal block")
        body, i = self._block(lines, i, 1)
        self._code([self.raw[n] for _, n in body], None, False, body[0][1])
        return i

    def _options(self, body: list[Line]) -> tuple[dict[str, str], list[Line]]:
        options: dict[str, str] = {}
        i = 0
        while i < len(body) and (match := _OPTION.match(body[i][0])):
            options[match.group(1)] = match.group(2).strip()
            i += 1
        if i < len(body) and not _blank(body[i][0]):
            raise self.fail(body[i][1], "a directive's content must follow a blank line")
        return options, body[i:]

    def _check_options(self, options: dict[str, str], allowed: set[str], lineno: int) -> None:
        unknown = set(options) - allowed
        if unknown:
            raise self.fail(lineno, f"unread directive options {sorted(unknown)}")

    def _directive(self, name: str, arg: str, body: list[Line], lineno: int, in_class: bool) -> None:
        options, content = self._options(body)
        code_options = {"linenos", "lineno-start", "emphasize-lines", "caption", "language"}
        if name in ("code-block", "code", "sourcecode"):
            self._check_options(options, code_options - {"language"}, lineno)
            self._caption(options)
            raw = [self.raw[n] for _, n in content]
            numbered = "linenos" in options or "lineno-start" in options
            first = next((n for t, n in content if not _blank(t)), lineno)
            self._code(raw, arg or None, numbered, first)
        elif name == "literalinclude":
            self._check_options(options, code_options, lineno)
            self._caption(options)
            included = (self.path.parent / arg).resolve()
            text = included.read_text(encoding="utf-8").removesuffix("\n")
            origin = f"{Path(self.display).parent / arg}:1"
            numbered = "linenos" in options or "lineno-start" in options
            self.out.code.append(CodeBlock(text, options.get("language"), numbered, origin))
        elif name in ADMONITION_LABELS:
            self._check_options(options, {"class", "name"}, lineno)
            self.out.add_prose(ADMONITION_LABELS[name])
            if arg:
                self.out.add_prose(rst_inline(arg))
            self.blocks(content, in_class)
        elif name == "admonition":
            self._check_options(options, {"class", "name"}, lineno)
            self.out.add_prose(rst_inline(arg))
            self.blocks(content, in_class)
        elif name == "rubric":
            self.out.add_prose(rst_inline(arg))
        elif name == "toctree":
            if "hidden" not in options:
                raise self.fail(lineno, "a visible toctree is navigation; mark it :hidden:")
        elif name in ("py:module", "py:currentmodule"):
            self.module = arg or None
        elif name.startswith("py:") and name[3:] in _PY_OBJECTS:
            self._python_object(name[3:], arg, options, content, lineno, in_class)
        elif name == "list-table":
            self._check_options(options, {"header-rows", "widths", "class", "align"}, lineno)
            if arg:
                self.out.add_prose(rst_inline(arg))
            self._list_table(content, lineno)
        else:
            raise self.fail(lineno, f"unsupported directive {name!r}")

    def _caption(self, options: dict[str, str]) -> None:
        if "caption" in options:
            self.out.add_prose(rst_inline(options["caption"]))

    def _python_object(
        self,
        kind: str,
        signature: str,
        options: dict[str, str],
        content: list[Line],
        lineno: int,
        in_class: bool,
    ) -> None:
        """An API entry's signature as Sphinx displays it, then its docstring."""
        self._check_options(options, {"type", "value", "no-index"}, lineno)
        prefix = "" if in_class or not self.module else self.module + "."
        shown = prefix + signature.replace(" -> ", " → ")
        if kind in ("class", "exception"):
            shown = f"{kind} {shown}"
        if "type" in options:
            shown += f": {options['type']}"
        if "value" in options:
            shown += f" = {options['value']}"
        self.out.add_prose(shown)
        fields = [(t, n) for t, n in content]
        docstring: list[Line] = []
        groups: dict[str, list[str]] = {}
        i = 0
        while i < len(fields):
            text, n = fields[i]
            match = _FIELD.match(text) if _indent(text) == 0 else None
            if match is None:
                docstring.append(fields[i])
                i += 1
                continue
            kind_name, subject, first = match.group(1), match.group(2), match.group(3)
            if kind_name not in FIELD_LABELS:
                raise self.fail(n, f"unsupported field {kind_name!r}")
            more, i = self._block(fields, i + 1, 1)
            text_parts = [first] + [t.strip() for t, _ in more]
            body = rst_inline(" ".join(p for p in text_parts if p))
            item = f"{subject.strip()} – {body}" if subject else body
            groups.setdefault(FIELD_LABELS[kind_name], []).append(item)
        nested = any(t.startswith(".. py:") for t, _ in docstring)
        if nested and groups:
            raise self.fail(lineno, "a class with both a field list and nested entries")
        self.blocks(self._split_nested(docstring, in_class=kind in ("class", "exception")), in_class=False)
        for label, items in groups.items():
            self.out.add_prose(label + ":")
            for item in items:
                self.out.add_prose(item)

    def _split_nested(self, lines: list[Line], in_class: bool) -> list[Line]:
        """A class's docstring: nested ``py:`` entries are read with the class as context."""
        if not in_class:
            return lines
        first_nested = next((k for k, (t, _) in enumerate(lines) if t.startswith(".. py:")), None)
        if first_nested is None:
            return lines
        self.blocks(lines[:first_nested], in_class=False)
        self.blocks(lines[first_nested:], in_class=True)
        return []

    def _list_table(self, content: list[Line], lineno: int) -> None:
        i = 0
        while i < len(content):
            text, n = content[i]
            if _blank(text):
                i += 1
                continue
            if not text.startswith("* "):
                raise self.fail(n, "a list-table row starts with '* '")
            row_lines = [(text[2:], n)]
            rest, i = self._block(content, i + 1, 2)
            cells: list[str] = []
            for cell_text, cell_n in row_lines + rest:
                if cell_text.startswith("- "):
                    cells.append(cell_text[2:].strip())
                elif _blank(cell_text):
                    continue
                elif cells and cell_text.startswith("  "):
                    cells[-1] += " " + cell_text.strip()
                else:
                    raise self.fail(cell_n, "a list-table cell starts with '- '")
            self.out.add_prose(" | ".join(rst_inline(c) for c in cells))

    def _code(self, raw: list[str], lang: str | None, numbered: bool, lineno: int) -> None:
        lines = _docutils_code(raw)
        if not lines:
            raise self.fail(lineno, "an empty code block")
        origin = f"{self.display}:{lineno + 1}"
        self.out.code.append(CodeBlock("\n".join(lines), lang, numbered, origin))


def rst_page(path: Path, display: str | None = None) -> PageTruth:
    """The truth of one reStructuredText source page, as Sphinx shows it."""
    return _RstReader(path, display or path.name).read()


# --------------------------------------------------------------------------------------------
# the corpus: which source pages there are and how each set is read
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSet:
    syntax: Literal["markdown", "rst"]
    code_rule: CodeRule | Literal["rst"]
    path: str  # relative to the corpus folder, with {page}
    pages: tuple[str, ...]


DOCS_PAGES = ("index", "tutorial", "recipes", "configuration", "api")
BLOG_PAGES = ("sharded-clock", "stale-answers", "release-0-9")
SOURCE_SETS = {
    "mkdocs": SourceSet("markdown", "superfences", "sources/mkdocs/docs/{page}.md", DOCS_PAGES),
    "sphinx": SourceSet("rst", "rst", "sources/sphinx/{page}.rst", DOCS_PAGES),
    "pelican": SourceSet("markdown", "python-markdown", "sources/pelican/content/{page}.md", BLOG_PAGES),
}


def page_truth(corpus: Path, source_set: SourceSet, page: str) -> PageTruth:
    display = source_set.path.format(page=page)
    if source_set.code_rule == "rst":
        return rst_page(corpus / display, display)
    return markdown_page(corpus / display, source_set.code_rule, display)


def corpus_truth(corpus: Path) -> dict[str, dict[str, Any]]:
    """The "sources" part of truth.json: every source set's pages, read from the sources."""
    return {
        name: {
            "syntax": source_set.syntax,
            "code_rule": source_set.code_rule,
            "pages": {
                page: page_truth(corpus, source_set, page).as_json(source_set.path.format(page=page))
                for page in source_set.pages
            },
        }
        for name, source_set in SOURCE_SETS.items()
    }

"""Scholarly parts: abstracts, keywords, references and highlights, found and labelled.

Parts are recognised by the class/id words of their containers ("abstract", "keywords",
"references", ...) and by their visible labels ("Abstract", "Аннотация", "Keywords",
"Ключевые слова", "References", "Библиографический список", ...). A unit in a part is kept
even when its statistics look like boilerplate (a reference list has few stop words), unless
a phrase or selector rule names it as chrome.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from bs4 import Tag

from pagewash.document import Change, Inline, Link, Strong, Text, inline_text
from pagewash.extraction.units import Unit
from pagewash.parse.head import PageHead, quote
from pagewash.rules import Rules, fold

_HINTS = (
    ("abstract", re.compile(r"abstract|annotation|аннотац", re.I)),
    ("keywords", re.compile(r"keyword|kwd", re.I)),
    # "references", not "reference": documentation names its reference pages and sections
    # "api-reference", "configuration-reference" (heading slugs), which hold no citations
    (
        "references",
        re.compile(
            r"references|reference-?(list|text|items?|section)|bibliograph"
            r"|ref-?list|reflist|citation-?list|(^|[-_\s])refs([-_\s]|$)",
            re.I,
        ),
    ),
    ("bullets", re.compile(r"(^|[-_\s])(highlights|key-?points|key-?findings|takeaways)([-_\s]|$)", re.I)),
    ("byline", re.compile(r"(^|[-_\s])(authors?|byline|contributors?|author-?name)([-_\s]|$)", re.I)),
)
PAPER_HINT_MIN_CHARS = 60  # an abstract sentence or a reference entry, not a menu label
BYLINE_MAX_CHARS = 300  # a byline names people (and maybe their affiliation), it is not prose
ABSTRACT_LABELS = frozenset(
    {
        "abstract",
        "summary",
        "аннотация",
        "резюме",
        "реферат",
        "annotation",
        "аннотация статьи",
        "abstract and keywords",
    }
)
REFERENCE_LABELS = frozenset(
    {
        "references",
        "bibliography",
        "библиографический список",
        "список литературы",
        "литература",
        "список источников",
        "references and notes",
        "works cited",
        "sources",
        "источники",
        "cited literature",
        "literature cited",
        "literature",
    }
)
_KEYWORDS = re.compile(
    r"(?:^|(?<=[\s.]))(keywords|key words|key-words|ключевые слова)\s*[:.—–-]\s*", re.IGNORECASE
)
_KEYWORD_LIST_END = re.compile(r"\.\s+(?=[A-ZА-ЯЁ«\"(])|\.?\s*$")
_WORDS = re.compile(r"\w+")
_NUMBERING = re.compile(r"^\s*(\[\d{1,4}\]|\d{1,4}[.)]|\(\d{1,4}\))\s+")
_STATISTICAL = frozenset({"link-density", "stop-words", "too-short", "neighbours", None})
PART_ROLES = ("abstract", "keywords", "references", "bullets")


@lru_cache(maxsize=4096)
def _hints_for(tokens: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _HINTS if pattern.search(tokens))


def hints_of(tag: Tag) -> frozenset[str]:
    """Scholarly part names suggested by an element's class and id."""
    classes = tag.attrs.get("class")
    ident = tag.attrs.get("id")
    if not classes and not ident:
        return frozenset()
    tokens = " ".join(classes or ())
    if isinstance(ident, str):
        tokens = f"{tokens} {ident}"
    return _hints_for(tokens)


def drop_bylines(units: list[Unit], authors: tuple[str, ...]) -> None:
    """Author lines are metadata: drop short units marked as bylines or naming the authors."""
    names = [frozenset(_WORDS.findall(a.casefold())) for a in authors]
    names = [n for n in names if len(n) >= 2]
    for unit in units:
        if unit.kind not in ("p", "h") or unit.length > BYLINE_MAX_CHARS or unit.part:
            continue
        words = _WORDS.findall(unit.text[:120].casefold())
        named = any(n <= set(words[: len(n) + 2]) for n in names)
        if "byline" in unit.hints or (named and unit.length < 120):
            unit.drop("byline", "the author line, kept in the document metadata")


def label_of(text: str) -> str:
    return fold(text).rstrip(":").strip()


def mark_parts(units: list[Unit]) -> None:
    """Set ``unit.part`` for abstracts, keywords, references and highlights."""
    section: str | None = None
    section_level = 0
    section_box: int | None = None  # the element holding the label heading and its section
    listed = False
    for unit in units:
        if section and section_box is not None and section_box not in unit.ancestors:
            section = None  # left the element the label heading sits in
        if section == "references" and listed and not unit.frames and unit.kind != "h":
            section = None  # the reference list has ended; a counter or a note follows
        listed = bool(unit.frames) and section == "references"
        if unit.kind == "h":
            label = label_of(unit.text)
            box = unit.ancestors[-2] if len(unit.ancestors) > 1 else None
            if label in ABSTRACT_LABELS:
                section, section_level, section_box = "abstract", unit.level, box
            elif label in REFERENCE_LABELS:
                section, section_level, section_box = "references", unit.level, box
            elif section and unit.level <= section_level:
                section = None
        hinted = next((p for p in PART_ROLES if p in unit.hints), None)
        if _KEYWORDS.match(unit.text):
            unit.part = "keywords"
        elif hinted == "references" and unit.kind == "h" and section is None:
            unit.part = None
        else:
            unit.part = section or hinted


def is_paper(units: list[Unit], head: PageHead) -> bool:
    """A scholarly page: ``citation_*`` metadata, or an abstract or a reference list in sight."""
    if any(key.startswith("citation_") for key, _ in head.metas):
        return True
    for unit in units:
        hinted = "abstract" in unit.hints or "references" in unit.hints
        if hinted and unit.length >= PAPER_HINT_MIN_CHARS:
            return True
        if unit.kind == "h" and label_of(unit.text) in ABSTRACT_LABELS | REFERENCE_LABELS:
            return True
    return False


def force_captions(units: list[Unit]) -> None:
    """On a paper, "Figure 1"/"Таблица 2" captions are part of the text (unless a rule says
    otherwise); the main-container choice may still drop one outside the article."""
    for unit in units:
        if "caption" in unit.hints and unit.rule in _STATISTICAL and unit.text.strip():
            unit.forced = True


def force_parts(units: list[Unit]) -> None:
    """Keep scholarly parts that only the statistics (not a rule) judged boilerplate."""
    for unit in units:
        rescuable = unit.part and unit.rule in _STATISTICAL and unit.text.strip()
        if rescuable and (unit.kind == "h" or unit.link_density <= 0.5):
            unit.forced = True


def strip_clutter(units: list[Unit], rules: Rules, changes: list[Change]) -> None:
    """Remove lookup links ("Google Scholar", "Crossref") from every unit's runs."""
    for unit in units:
        if unit.link_chars == 0 or unit.kind not in ("p", "h"):
            continue
        kept: list[Inline] = []
        dropped = False
        for run in unit.inlines:
            if isinstance(run, Link):
                hit = rules.exact_index.get(fold(inline_text(run.children)))
                if hit is not None and hit.rule == "link-clutter":
                    changes.append(_change(hit.rule, inline_text(run.children), hit.reason, unit.origin))
                    dropped = True
                    continue
            kept.append(run)
        if dropped:
            _set_inlines(unit, tuple(_trim_tail(kept)))


def split_keywords(units: list[Unit], title: str | None, changes: list[Change]) -> list[Unit]:
    """Cut an inline "Keywords: a, b, c." out of a paragraph into its own unit.

    What follows the keyword list stays a paragraph, unless it is the page's own citation
    line ("Title // Journal."), which is dropped as a how-to-cite line.
    """
    out: list[Unit] = []
    for unit in units:
        match = _KEYWORDS.search(unit.text) if unit.kind == "p" else None
        if match is None or (match.start() == 0 and not _has_tail(unit.text, match.end())):
            out.append(unit)
            continue
        start = match.start()
        end_match = _KEYWORD_LIST_END.search(unit.text, match.end())
        list_end = end_match.end() if end_match else len(unit.text)
        before, rest = _split(unit, start)
        keywords, after = _split(rest, list_end - start)
        for piece in (before, keywords, after):
            if piece is not None and piece.text.strip():
                if piece is keywords:
                    piece.part = "keywords"
                elif piece is after and _is_citation_line(piece.text, title):
                    piece.drop("citation-line", "the page's own how-to-cite line")
                    changes.append(_change("citation-line", piece.text, piece.reason, piece.origin))
                    continue
                out.append(piece)
    return out


def keyword_list(text: str) -> list[str]:
    """The keywords of a "Keywords: a, b; c." line."""
    match = _KEYWORDS.match(text)
    body = text[match.end() :] if match else text
    body = body.strip().rstrip(".").strip()
    separator = ";" if ";" in body else ","
    return [k.strip(" .") for k in body.split(separator) if k.strip(" .")]


def keyword_inlines(text: str) -> tuple[Inline, ...]:
    """A keywords paragraph: the label in bold, then the list as the page wrote it."""
    match = _KEYWORDS.match(text)
    if match is None:
        return (Text(text),)
    label = text[: match.end()].strip()
    return (Strong((Text(label),)), Text(" " + text[match.end() :].strip()))


def strip_numbering(text: str) -> str:
    """ "[12] Smith J." -> "Smith J.": an ordered list numbers its items itself."""
    return _NUMBERING.sub("", text, count=1)


def _has_tail(text: str, start: int) -> bool:
    end = _KEYWORD_LIST_END.search(text, start)
    return end is not None and end.end() < len(text.rstrip())


def _is_citation_line(text: str, title: str | None) -> bool:
    if " // " not in text:
        return False
    if title and fold(title)[:40] in fold(text):
        return True
    return len(text) < 300


def _split(unit: Unit, offset: int) -> tuple[Unit, Unit]:
    """Two units from one paragraph, cut at a character offset of its plain text."""
    left, right = _split_runs(unit.inlines, offset)
    first = replace(unit, notes=[])
    second = replace(unit, notes=[])
    _set_inlines(first, left)
    _set_inlines(second, right)
    return first, second


def _split_runs(runs: tuple[Inline, ...], offset: int) -> tuple[tuple[Inline, ...], tuple[Inline, ...]]:
    left: list[Inline] = []
    right: list[Inline] = []
    position = 0
    for run in runs:
        size = len(inline_text((run,)))
        if position + size <= offset:
            left.append(run)
        elif position >= offset:
            right.append(run)
        elif isinstance(run, Text):
            cut = offset - position
            left.append(Text(run.text[:cut]))
            right.append(Text(run.text[cut:]))
        else:
            left.append(run)
        position += size
    return tuple(_trim_tail(left)), tuple(_trim_head(right))


def _set_inlines(unit: Unit, runs: tuple[Inline, ...]) -> None:
    unit.inlines = runs
    unit.text = inline_text(runs)
    unit._script = "?"
    unit.link_chars = sum(len(inline_text(r.children)) for r in runs if isinstance(r, Link))


def _trim_tail(runs: list[Inline]) -> list[Inline]:
    while runs and isinstance(runs[-1], Text) and not runs[-1].text.strip():
        runs.pop()
    if runs and isinstance(runs[-1], Text):
        runs[-1] = Text(runs[-1].text.rstrip())
    return runs


def _trim_head(runs: list[Inline]) -> list[Inline]:
    while runs and isinstance(runs[0], Text) and not runs[0].text.strip():
        runs.pop(0)
    if runs and isinstance(runs[0], Text):
        runs[0] = Text(runs[0].text.lstrip())
    return runs


def _change(rule: str, text: str, reason: str, origin: str) -> Change:
    return Change(stage="extract", rule=rule, before=quote(text), after="", reason=reason, block=None)

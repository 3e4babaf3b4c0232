"""Character-level repairs: encoding damage, invisible junk, decomposed letters, stray
non-breaking spaces and look-alike letters from the other script."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ftfy import TextFixerConfig

from pagewash.repair import data
from pagewash.repair.engine import Context, Edit

# ---------------------------------------------------------------- mojibake

# Cheap screens: text that cannot hold mojibake, entities or ligatures skips ftfy entirely.
_SUSPECT = re.compile(
    r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});|[\u00c0-\u00ff\u0080-\u009f\ufb00-\ufb06\ufffd]"
    r"|[РС][\u0402-\u040f\u0450-\u045f\u0490\u0491\u00a0-\u00bf\u2010-\u203a\u2116\u2122]"
    r"|[\u2500-\u257f]"
)


@cache
def _ftfy_config() -> TextFixerConfig:
    from ftfy import TextFixerConfig

    # No normalisation (NFKC would turn "№" into "No" and "км²" into "км2"), quotes and line
    # breaks left as they are: other rules own those decisions.
    return TextFixerConfig(
        unescape_html=False,
        normalization=None,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_character_width=False,
        explain=False,
    )


def _diff_edits(before: str, after: str, reason: str) -> list[Edit]:
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        Edit(i1, i2, after[j1:j2], reason) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
    ]


def mojibake(text: str, ctx: Context) -> list[Edit]:
    """Undo UTF-8 read as cp1251/cp1252/latin-1 and ligatures (ftfy); an entity the text
    shows ("&lt;") was decoded once by the HTML parser and stays.

    Runs on each segment (line) alone, so a clean line never pays for a broken neighbour.
    """
    if not _SUSPECT.search(text):
        return []
    import ftfy

    edits: list[Edit] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if _SUSPECT.search(line):
            fixed = ftfy.fix_text(line, _ftfy_config())
            if fixed != line:
                edits.extend(
                    Edit(e.start + offset, e.end + offset, e.after, e.reason)
                    for e in _segment_edits(line, fixed)
                )
        offset += len(line)
    return edits


def _segment_edits(before: str, after: str) -> list[Edit]:
    """One edit per changed word run, so explanations stay readable."""
    edits = _diff_edits(before, after, "encoding damage repaired (ftfy)")
    if len(edits) > 8:
        return [Edit(0, len(before), after, "encoding damage repaired (ftfy)")]
    return edits


# ---------------------------------------------------------------- unicode hygiene

_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff\u180e]|(?<=[^\\W\\d_])[\u200c\u200d](?=[^\\W\\d_])")
_NBSP_RUN = re.compile("[\u00a0\u202f]+")
_NBSP_WANTED_BEFORE = re.compile(r"(?:\d|№|§|\b[^\W\d_]{1,2}\.?|\b[A-ZА-ЯЁ]\.)$")
_NBSP_WANTED_AFTER = re.compile(r"^(?:[—–]|\d|%|[^\W\d_]{1,3}\b)")
_COMBINING = re.compile(r"[^\W\d_]?[\u0300-\u036f]+")


def _is_latin_or_cyrillic(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("LATIN", "CYRILLIC"))


def unicode_hygiene(text: str, ctx: Context) -> list[Edit]:
    """Drop soft hyphens, zero-width characters and stray BOMs; compose decomposed letters
    (NFC: "й", "ё"); keep non-breaking spaces only where typography wants them."""
    if text.isascii():
        return []  # invisible characters, combining marks and no-break spaces are not ASCII
    edits = [Edit(m.start(), m.end(), "", "invisible character removed") for m in _INVISIBLE.finditer(text)]
    if not unicodedata.is_normalized("NFC", text):
        for m in _COMBINING.finditer(text):
            composed = unicodedata.normalize("NFC", m.group())
            if composed != m.group() and all(_is_latin_or_cyrillic(c) for c in composed if c.isalpha()):
                edits.append(Edit(m.start(), m.end(), composed, "decomposed letter composed"))
    edits.extend(_nbsp_edits(text))
    return _drop_overlaps(edits)


def _nbsp_edits(text: str) -> list[Edit]:
    edits = []
    for m in _NBSP_RUN.finditer(text):
        start, end = m.span()
        if m.group() == "\u202f" and text[start - 1 : start].isdigit():
            continue  # a narrow no-break space grouping thousands
        wanted = (
            len(m.group()) == 1
            and start > 0
            and end < len(text)
            and (
                _NBSP_WANTED_BEFORE.search(text[max(0, start - 8) : start])
                or _NBSP_WANTED_AFTER.search(text[end : end + 8])
            )
        )
        if not wanted:
            edits.append(Edit(start, end, " ", "non-breaking space where no typography needs it"))
    return edits


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    cursor = -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start >= cursor:
            kept.append(edit)
            cursor = max(edit.end, edit.start + 1)
    return kept


# ---------------------------------------------------------------- homoglyphs


@cache
def _maps() -> tuple[dict[str, str], dict[str, str]]:
    to_cyrillic = dict(data.pairs("repair_homoglyphs.tsv"))
    to_latin = {cyr: lat for lat, cyr in to_cyrillic.items()}
    return to_cyrillic, to_latin


_LATIN = re.compile(r"[a-zA-Z]")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")
_LETTERS = re.compile(r"[^\W\d_]+")


def homoglyphs(text: str, ctx: Context) -> list[Edit]:
    """Map Latin look-alikes inside Cyrillic words to Cyrillic, and the reverse.

    The word's script is the script of most of its letters; the word is left alone unless
    every letter of the other script has a look-alike (so "ERсхемы" or "pHKCl" survive).
    """
    if text.isascii() or not (_LATIN.search(text) and _CYRILLIC.search(text)):
        return []
    to_cyrillic, to_latin = _maps()
    edits = []
    for m in _LETTERS.finditer(text):
        word = m.group()
        if _single_script(word) or not _whole_word(text, m.start(), m.end()):
            continue
        latin = sum(1 for c in word if "a" <= c.lower() <= "z")
        table, target = (to_latin, "Latin") if latin * 2 > len(word) else (to_cyrillic, "Cyrillic")
        if latin * 2 == len(word):
            continue
        fixed = "".join(table.get(c, c) for c in word)
        if fixed != word and _single_script(fixed) and bool(_LATIN.search(fixed)) == (target == "Latin"):
            edits.append(
                Edit(m.start(), m.end(), fixed, f"look-alike letters mapped to the word's {target} script")
            )
    return edits


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return not (before.isdigit() or after.isdigit() or before == "_" or after == "_")


def _single_script(word: str) -> bool:
    """Letters of one script only (or of neither: Greek, CJK...)."""
    return not (_LATIN.search(word) and _CYRILLIC.search(word))

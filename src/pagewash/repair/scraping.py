"""Repairs of what scraping loses around words: line-break hyphenation, doubled words,
spaces after sentence punctuation. Lost hyphens live in ``hyphens.py``, lost apostrophes
in ``apostrophes.py``."""

from __future__ import annotations

import re

from pagewash.repair import data
from pagewash.repair.lexicon import Lexicon
from pagewash.repair.table import Context, Edit
from pagewash.repair.tokens import is_acronym, word_lexicon

# ---------------------------------------------------------------- line-break hyphenation

_BROKEN = re.compile(r"([^\W\d_]+)[-\u2010\u00ad][ \t]*(\n|\r\n?|[ \t]+)[ \t]*([^\W\d_]+)")


def hyphenation(text: str, ctx: Context) -> list[Edit]:
    """Join words split by a line-break hyphen ("меж-\\nдународный" → "международный") and
    keep the hyphen of real compounds ("российско-\\nкитайского" → "российско-китайского").

    A hyphen before a plain space is joined only when the second part is no word at all and
    the joined word is, since "pre- and post-" is written that way on purpose.
    """
    if "-" not in text and "\u2010" not in text and "\u00ad" not in text:
        return []
    edits = []
    for m in _BROKEN.finditer(text):
        left, gap, right = m.group(1), m.group(2), m.group(3)
        lex = word_lexicon(left + right, ctx)
        if lex is None:
            continue
        newline = "\n" in gap or "\r" in gap
        decision = _hyphen_decision(left, right, lex, ctx, newline)
        if decision is not None:
            after, reason = decision
            edits.append(Edit(m.start(), m.end(), after, reason))
    return edits


def _hyphen_decision(left: str, right: str, lex: Lexicon, ctx: Context,
                     newline: bool) -> tuple[str, str] | None:
    joined = left + right
    compound = f"{left}-{right}"
    if ctx.evidence.count(compound) or (lex.known(left.lower()) and lex.known(right.lower())
                                        and not lex.known(joined.lower())):
        if newline:
            return compound, "line break inside a hyphenated compound removed"
        return None
    if lex.known(joined.lower()) and not lex.known(right.lower()):
        return joined, "word split by a line-break hyphen joined"
    if newline and lex.known(joined.lower()) and (
        ctx.evidence.count(joined) or lex.zipf(joined.lower()) >= lex.zipf(right.lower()) - 1
    ):
        return joined, "word split by a line-break hyphen joined"
    return None


# ---------------------------------------------------------------- doubled words

_DOUBLED = re.compile(r"(?<![\w\-])([^\W\d_]+)([ \t]+)(\1)(?![\w\-])", re.IGNORECASE)


def doubled_word(text: str, ctx: Context) -> list[Edit]:
    """Drop an accidentally repeated word ("the the"), keeping repetitions languages use on
    purpose ("had had", "да да", "Bora Bora")."""
    allowed = data.words("repair_doubled_ok.txt")
    edits = []
    for m in _DOUBLED.finditer(text):
        first, second = m.group(1), m.group(3)
        if first.lower() in allowed or second[:1].isupper() or is_acronym(first):
            continue
        if word_lexicon(first, ctx) is None:
            continue
        edits.append(Edit(m.start(2), m.end(3), "", f"doubled word '{second}' removed"))
    return edits


# ---------------------------------------------------------------- sentence spacing

_GLUED = re.compile(r"[.!?][»”\")]?[A-ZА-ЯЁ]")  # cheap screen before the full pattern
_NO_SPACE = re.compile(r"(?<![\w.])([^\W\d_]{2,}[»”\")]?)([.!?])([A-ZА-ЯЁ][^\W\d_]+)")


def sentence_space(text: str, ctx: Context) -> list[Edit]:
    """Insert the space lost after sentence punctuation ("end.Next" → "end. Next") when both
    words are known, so "ASP.NET" or "Node.Js" stay as they are."""
    if not _GLUED.search(text):
        return []
    edits = []
    for m in _NO_SPACE.finditer(text):
        left, right = m.group(1).rstrip("»”\")"), m.group(3)
        if not left.islower() or not right[1:].islower():
            continue
        left_lex, right_lex = word_lexicon(left, ctx), word_lexicon(right, ctx)
        if left_lex is None or right_lex is None:
            continue
        if left_lex.known(left.lower()) and right_lex.known(right.lower()):
            edits.append(Edit(m.end(2), m.end(2), " ", "space after sentence punctuation"))
    return edits

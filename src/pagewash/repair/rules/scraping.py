"""Repairs of what scraping loses around words: line-break hyphenation, doubled words,
spaces after sentence punctuation. Lost hyphens live in ``hyphens.py``, lost apostrophes
in ``apostrophes.py``."""

from __future__ import annotations

import re

from pagewash.repair import data, evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.gate import decide
from pagewash.repair.lexicon import Lexicon
from pagewash.repair.rules.tokens import is_acronym, sentence_start, word_lexicon
from pagewash.text import identify

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
    strict = ctx.config.strict
    for m in _BROKEN.finditer(text):
        left, gap, right = m.group(1), m.group(2), m.group(3)
        newline = "\n" in gap or "\r" in gap
        lex = word_lexicon(left + right, ctx)
        if strict and lex is not None and not _language_here(text, lex.lang, ctx):
            lex = None  # the dictionary of a language the text is not identified as
        if lex is None:
            decision = _attested_hyphen(left, right, ctx, newline) if strict else None
        else:
            decision = _hyphen_decision(left, right, lex, ctx, newline)
            if decision is not None and strict:
                decision = decision[0], evidence.reason(evidence.DICTIONARY, decision[1])
        if decision is not None:
            after, reason = decision
            edits.append(Edit(m.start(), m.end(), after, reason))
    return edits


def _language_here(text: str, lang: str, ctx: Context) -> bool:
    """The text is identified as ``lang`` (or declared so, without the identifier leaning
    elsewhere): the line-break rule may ask that language's dictionary."""
    return decide(identify(text), ctx.lang)[0] == lang


def _attested_hyphen(left: str, right: str, ctx: Context, newline: bool) -> tuple[str, str] | None:
    """In a language without a dictionary only the document decides: the joined word or
    the hyphenated compound occurs elsewhere in it."""
    joined, compound = left + right, f"{left}-{right}"
    if newline and ctx.evidence.count(compound):
        return compound, evidence.reason(evidence.DOCUMENT, "line break inside a hyphenated compound removed")
    if ctx.evidence.count(joined) and not ctx.evidence.count(right):
        return joined, evidence.reason(evidence.DOCUMENT, "word split by a line-break hyphen joined")
    return None


def _hyphen_decision(
    left: str, right: str, lex: Lexicon, ctx: Context, newline: bool
) -> tuple[str, str] | None:
    joined = left + right
    compound = f"{left}-{right}"
    if ctx.evidence.count(compound) or (
        lex.known(left.lower()) and lex.known(right.lower()) and not lex.known(joined.lower())
    ):
        if newline:
            return compound, "line break inside a hyphenated compound removed"
        return None
    if lex.known(joined.lower()) and not lex.known(right.lower()):
        return joined, "word split by a line-break hyphen joined"
    if (
        newline
        and lex.known(joined.lower())
        and (ctx.evidence.count(joined) or lex.zipf(joined.lower()) >= lex.zipf(right.lower()) - 1)
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
    strict = ctx.config.strict
    for m in _DOUBLED.finditer(text):
        first, second = m.group(1), m.group(3)
        if first.lower() in allowed or second[:1].isupper() or is_acronym(first):
            continue
        if word_lexicon(first, ctx) is None:
            continue
        reason = f"doubled word '{second}' removed"
        if strict:
            if _after_number(text, m.start()) or (
                first != second and not (first[1:] == second[1:] and sentence_start(text, m.start()))
            ):
                continue  # "25 С с утра": a unit, then a preposition; "Biasa biasa"
            reason = evidence.reason(evidence.REPETITION, reason)
        edits.append(Edit(m.start(2), m.end(3), "", reason))
    return edits


def _after_number(text: str, start: int) -> bool:
    """The word follows a number: it is a unit ("25 С с утра", "5 m m")."""
    return bool(re.search(r"\d[ \u00a0\u202f]?$", text[max(0, start - 3) : start]))


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
        left, right = m.group(1).rstrip('»”")'), m.group(3)
        if not left.islower() or not right[1:].islower():
            continue
        left_lex, right_lex = word_lexicon(left, ctx), word_lexicon(right, ctx)
        if left_lex is None or right_lex is None:
            continue
        if left_lex.known(left.lower()) and right_lex.known(right.lower()):
            edits.append(Edit(m.end(2), m.end(2), " ", "space after sentence punctuation"))
    return edits

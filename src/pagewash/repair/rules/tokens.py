"""Word-level helpers shared by the lexical rules: which lexicon a word belongs to, where a
sentence starts, how to carry a word's capitalisation over to its correction."""

from __future__ import annotations

import re

from pagewash.repair.engine import Context
from pagewash.repair.lexicon import Lexicon, lexicon, script_language


def word_lexicon(word: str, ctx: Context) -> Lexicon | None:
    """The lexicon for ``word``, or None when the word is in another language than the block.

    A block marked Russian leaves Latin words alone (names, quotations, terms) and the other
    way round; without a block language the word's script decides.
    """
    lang = script_language(word)
    if lang is None or (ctx.lang is not None and ctx.lang != lang):
        return None
    if not ctx.config.language_enabled(lang):
        return None
    return lexicon(lang)


def sentence_start(text: str, start: int) -> bool:
    """True when the word at ``start`` opens a sentence, a line or a list item. The full
    stop of an initial ("Ж. Делезом", "В.Ф. Безпалова") ends no sentence."""
    head = text[max(0, start - 4) : start]
    stripped = head.rstrip(" \t\u00a0\"'«“„‘(")
    if start - len(head) <= 0 and not stripped:
        return True
    if after_initials(text, start):
        return False
    return not stripped or stripped[-1] in ".!?…:\n•·▪" or head.endswith("\n")


_INITIALS = re.compile(r"(?:^|[\s(«\"„“])(?:[A-ZА-ЯЁ]\.[ \u00a0\u202f]?){1,2}[ \u00a0\u202f]$")


def after_initials(text: str, start: int) -> bool:
    """The word at ``start`` follows one or two initials: it is a surname."""
    return bool(_INITIALS.search(text[max(0, start - 8) : start]))


def match_case(source: str, target: str) -> str:
    """``target`` written with the capitalisation pattern of ``source``."""
    if source.isupper() and len(source) > 1:
        return target.upper()
    if source[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


def is_acronym(word: str) -> bool:
    """Two or more capitals: "DPRK", "КНДР", "NASDs"."""
    return sum(1 for c in word if c.isupper()) >= 2

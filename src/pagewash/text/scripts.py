"""Which script a text or a word is written in: the one script detector of every stage.

The extractor asks for a block's script ("cyrl", "latn", "other": which stop words, which
language a declaration may be), the writers for a word's ("Cyrillic" or "Latin": which
proofing language a run gets), the repair stage for the lexicon a word's letters belong to.
All three count the same letter classes here.
"""

from __future__ import annotations

import re
from functools import lru_cache

SAMPLE = 300  # characters of a block looked at: enough to settle its script, cheap on long ones
CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_LETTER = re.compile(r"[^\W\d_]")
ROMAN_NUMERAL = re.compile(r"M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
PUNCTUATION = "\"'«»„“”()[]{}.,;:!?–—-"
_RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def script_of(text: str) -> str | None:
    """ "cyrl", "latn", "other" or None (no letters) for the first ``SAMPLE`` characters."""
    sample = text[:SAMPLE]
    if sample.isascii():  # most blocks: every letter is Latin, no need to count
        return "latn" if _LETTER.search(sample) else None
    letters = len(_LETTER.findall(sample))
    if not letters:
        return None
    cyrillic = len(CYRILLIC.findall(sample))
    latin = len(LATIN.findall(sample))
    other = letters - cyrillic - latin
    return max((cyrillic, "cyrl"), (latin, "latn"), (other, "other"))[1]


@lru_cache(maxsize=65536)
def word_script(word: str) -> str | None:
    """ "Cyrillic" or "Latin" by the majority of a word's letters; None for digits,
    punctuation and Roman numerals ("XVIII век": a numeral belongs to no language)."""
    cyrillic = len(CYRILLIC.findall(word))
    latin = len(LATIN.findall(word))
    if cyrillic == latin == 0 or ROMAN_NUMERAL.fullmatch(word.strip(PUNCTUATION)):
        return None
    return "Cyrillic" if cyrillic > latin else "Latin"


@lru_cache(maxsize=100_000)
def lexicon_language(word: str) -> str | None:
    """ "ru" when every letter is Russian, "en" when every letter is basic Latin, else None
    (mixed scripts, accents, other alphabets): the lexicon that can judge the word."""
    cyr = lat = False
    for char in word:
        lower = char.lower()
        if lower in _RUSSIAN:
            cyr = True
        elif "a" <= lower <= "z":
            lat = True
        elif char.isalpha():
            return None
    if cyr and not lat:
        return "ru"
    if lat and not cyr:
        return "en"
    return None

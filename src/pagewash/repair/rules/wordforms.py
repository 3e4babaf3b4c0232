"""Unknown words that are words all the same: inflections and compounds of known words,
prefixed coinages, and forms of the text's own vocabulary.

A word no lexicon lists is a typo only when no regular way of making words explains it;
"preprocessing", "counterexamples" and "суперприложение" are new, not wrong. These checks
say so before the typo rule looks for a correction.
"""

from __future__ import annotations

from functools import cache

from pagewash.repair import data
from pagewash.repair.engine import Context
from pagewash.repair.lexicon import Lexicon

_ENGLISH_SUFFIXES = (
    "s",
    "es",
    "ed",
    "d",
    "ing",
    "er",
    "ers",
    "y",
    "ly",
    "ness",
    "able",
    "ably",
    "ify",
    "ize",
    "ise",
)


def inflection_of_known(lower: str, lex: Lexicon) -> bool:
    """A known English word with a regular ending, its final "e" dropped or its last
    consonant doubled ("diffusing", "bidded")."""
    for suffix in _ENGLISH_SUFFIXES:
        if not lower.endswith(suffix) or len(lower) - len(suffix) < 3:
            continue
        base = lower[: -len(suffix)]
        bases = (base, base + "e", base[:-1] if base[-1:] == base[-2:-1] else base)
        if any(lex.known(b) for b in bases):
            return True
    return False


_ENGLISH_PREFIXES = (
    "sub",
    "re",
    "un",
    "pre",
    "non",
    "multi",
    "inter",
    "over",
    "under",
    "super",
    "hyper",
    "co",
    "de",
    "dis",
    "meta",
    "micro",
    "semi",
    "anti",
    "auto",
    "bi",
    "tri",
    "cross",
    "self",
    "post",
    "mis",
    "out",
    "counter",
)
# Short Russian words that scrapers and hurried writers glue to their neighbour
# ("всвязи", "ктобы", "еслиб"): such a word is two words, not a typo.
_RUSSIAN_CLITICS_BEFORE = ("в", "с", "к", "о", "не", "ни", "на", "по", "за", "до", "из")
_RUSSIAN_CLITICS_AFTER = ("бы", "б", "ли", "ль", "же", "ж", "и", "а", "то")


def compound_of_known(lower: str, lex: Lexicon) -> bool:
    """Two known words (or an English prefix and a known word) joined together."""
    if lex.lang == "en":
        if any(
            lower.startswith(p) and lex.known(lower[len(p) :]) and len(lower) - len(p) >= 4
            for p in _ENGLISH_PREFIXES
        ):
            return True
    else:
        if any(
            lower.startswith(c) and lex.in_dictionary(lower[len(c) :])
            for c in _RUSSIAN_CLITICS_BEFORE
            if len(lower) - len(c) >= 3
        ):
            return True
        if any(
            lower.endswith(c) and lex.in_dictionary(lower[: -len(c)])
            for c in _RUSSIAN_CLITICS_AFTER
            if len(lower) - len(c) >= 3
        ):
            return True
        if _prefixed_coinage(lower, lex):
            return True
    glue = _ENGLISH_GLUE if lex.lang == "en" else ()
    return any(
        (min(cut, len(lower) - cut) >= 3 and lex.zipf(lower[:cut]) >= 3.5 and lex.zipf(lower[cut:]) >= 3.5)
        or (lower[:cut] in glue and len(lower) - cut >= 4 and lex.known(lower[cut:]))
        or (lower[cut:] in glue and cut >= 3 and lex.known(lower[:cut]))
        for cut in range(1, len(lower))
    )


# A remainder after a prefix of one or two letters ("а", "ре") must be this long: short
# remainders make too many typos look like coinages ("аработка" is "а" + "работка").
_SHORT_PREFIX_REST = 8
_COINAGE_POS = frozenset({"NOUN", "ADJF", "ADJS", "PRTF"})


def _prefixed_coinage(lower: str, lex: Lexicon) -> bool:
    """A free prefix and a dictionary noun or adjective ("рецентрализацию", "макрополя"):
    a coinage or a term the dictionary lacks, not a typo."""
    for prefix in _russian_word_prefixes():
        if not lower.startswith(prefix):
            continue
        rest = lower[len(prefix) :]
        if len(rest) < (_SHORT_PREFIX_REST if len(prefix) <= 2 else 4):
            continue
        if _COINAGE_POS & lex.parts_of_speech(rest):
            return True
    return False


@cache
def _russian_word_prefixes() -> tuple[str, ...]:
    return tuple(
        sorted(data.words("repair_ru_word_prefixes.txt") | data.words("repair_ru_solid_prefixes.txt"))
    )


# Short English words a lost space glues to their neighbour ("alarge", "ledto", "froma").
_ENGLISH_GLUE = frozenset(
    (
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "is",
        "we",
        "be",
        "by",
        "on",
        "or",
        "and",
        "for",
        "from",
        "with",
        "as",
        "at",
        "it",
    )
)


def other_unknown_form(lower: str, lex: Lexicon, ctx: Context) -> bool:
    """The document uses another unknown form of the same Russian word ("шорском" beside
    "шорские"): an inflected term or name the lexicon lacks, not a typo. (English inflects
    too little for this to tell; there two typos of one word are likelier.)"""
    if lex.lang != "ru" or len(lower) < 6:
        return False
    stem = lower[:-2]
    return any(form != lower and not lex.known(form) for form in ctx.evidence.with_stem(stem))

"""What a word edit must rest on under a preset with ``evidence = "required"``, and the
words no word rule may touch there.

Published text holds about one typo per 10,000 words, so a rule that touches one correct
word in 10,000 is wrong more often than right. A word edit is therefore made only on one
of three kinds of evidence, named in its ``Change.reason``:

* ``document``: the corrected form occurs elsewhere in the same document ("Республикой"
  beside "Респубикой", "Russia's" beside "Russias");
* ``list``: the error is on a curated list (the bundled and the user's corrections,
  codespell's list of common misspellings, the irregular plurals that never take "-s");
* ``dictionary``: the word is unknown to every dictionary (wordfreq, pymorphy3, Hunspell)
  of a confidently identified supported language, and exactly one strong candidate exists.

Whatever the evidence, a word a dictionary knows is never corrected, and the spans below
are never touched by word rules: names in quotation marks or guillemets
(«ТрансКомСервис»), words in capitals, words beside initials, Latin CamelCase and words
with digits (identifiers, product names), and a unit after a number ("25 С").
"""

from __future__ import annotations

import re

from pagewash.repair.dictionaries import hunspell_knows
from pagewash.repair.lexicon import Lexicon

DOCUMENT = "document"
LIST = "list"
DICTIONARY = "dictionary"
# Not a correction of a word but a word written twice ("the the"): the repetition itself.
REPETITION = "repetition"
# A plural that grammar allows only as a possessive: after a singular determiner and before
# a noun ("a users query", "each individual classifiers contribution"), or before a
# superlative ("the worlds largest").
GRAMMAR = "grammar"
KINDS = (DOCUMENT, LIST, DICTIONARY, REPETITION, GRAMMAR)


def reason(kind: str, detail: str) -> str:
    """A change's reason naming its evidence: "<detail> (evidence: <kind>)"."""
    if kind not in KINDS:
        raise ValueError(f"unknown evidence kind {kind!r}")
    return f"{detail} (evidence: {kind})"


def known_anywhere(word: str, lex: Lexicon) -> bool:
    """The word is known to wordfreq, pymorphy3 or a Hunspell dictionary of its language
    (as written or in lower case)."""
    lower = word.lower()
    return lex.known(lower) or hunspell_knows(word, lex.lang)


# Short quoted names: an opening quote, a capital, at most four words, the closing quote.
_QUOTED = (r"«[A-ZА-ЯЁ][^«»\n]{0,60}»|“[A-ZА-ЯЁ][^“”\n]{0,60}”|„[A-ZА-ЯЁ][^„“”\n]{0,60}[“”]"
           r"|\"[A-ZА-ЯЁ][^\"\n]{0,60}\"")
_NEVER = re.compile(
    rf"(?:{_QUOTED})"
    r"|(?<![\w-])[A-ZА-ЯЁ]{2,}(?:[-'’][A-ZА-ЯЁ]+)*s?(?![\w-])"       # capitals: ООО, NASA, CEOs
    r"|(?<![\w-])\w*\d\w*(?![\w-])"                                     # words with digits
    r"|(?<![\w-])[a-z]+[A-Z]\w*|(?<![\w-])[A-Z][a-z]+[A-Z]\w*"        # Latin CamelCase
    r"|(?<=\d)[ \u00a0\u202f]?[^\W\d_]{1,3}\.?(?![\w-])"               # unit after a number
    r"|(?:(?<=[\s(])|^)(?:[A-ZА-ЯЁ]\.[ \u00a0\u202f]?){1,2}[A-ZА-ЯЁ][\w-]+"  # initials first
    r"|(?<![\w-])[A-ZА-ЯЁ][\w-]+[ \u00a0\u202f](?:[A-ZА-ЯЁ]\.[ \u00a0\u202f]?){1,2}(?!\w)"
    r"|(?<![\w-])[A-Z][a-z-]+[ \u00a0](?=[A-Z]{1,3}(?![\w-]))",  # "Galvani MJ" (citations)
)


def never_touch(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` no word rule may edit under the never-touch guards."""
    if not _SCREEN.search(text):
        return []
    return [m.span() for m in _NEVER.finditer(text)]


# Cheap screen: a quote, two capitals in a row, a digit, a capital after a lower-case
# letter, or an initial.
_SCREEN = re.compile(r"[«“„\"\d]|[A-ZА-ЯЁ]{2}|[a-z][A-Z]|[A-ZА-ЯЁ]\.")

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
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any

from pagewash.repair.lexicon import Lexicon
from pagewash.repair.lexicon.dictionaries import hunspell_knows
from pagewash.repair.words import COMPOUND, WORD

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
_QUOTED = (
    r"«[A-ZА-ЯЁ][^«»\n]{0,60}»|“[A-ZА-ЯЁ][^“”\n]{0,60}”|„[A-ZА-ЯЁ][^„“”\n]{0,60}[“”]"
    r"|\"[A-ZА-ЯЁ][^\"\n]{0,60}\""
)
_NEVER = re.compile(
    rf"(?:{_QUOTED})"
    r"|(?<![\w-])[A-ZА-ЯЁ]{2,}(?:[-'’][A-ZА-ЯЁ]+)*s?(?![\w-])"  # capitals: ООО, NASA, CEOs
    r"|(?<![\w-])\w*\d\w*(?![\w-])"  # words with digits
    r"|(?<![\w-])[a-z]+[A-Z]\w*|(?<![\w-])[A-Z][a-z]+[A-Z]\w*"  # Latin CamelCase
    r"|(?<=\d)[ \u00a0\u202f]?[^\W\d_]{1,3}\.?(?![\w-])"  # unit after a number
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


# ---------------------------------------------------------------- the document's words


class Evidence:
    """Word counts over a whole document: the strongest evidence for a correction."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.exact: Counter[str] = Counter()
        self.folded: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        # Look-up tables for ``neighbours``, built on demand from the words grouped by
        # length and first letter (see there).
        self._index: dict[tuple[int, str], _Keyed] = {}
        self._tails: dict[int, _Keyed] = {}
        self._groups: dict[int, dict[str, list[str]]] | None = None
        self._solid: dict[str, str] | None = None
        self._sorted: list[str] | None = None
        self._forms: dict[str, list[str]] | None = None
        # One pass over all texts: no word or compound can span a line break.
        self.add("\n".join(texts))

    def add(self, text: str) -> None:
        words = WORD.findall(text)
        self.exact.update(words)
        if words:
            # One lower() over the joined words: the same forms as word by word (a line
            # break is no cased letter, so even final sigma comes out alike), without a
            # Python-level call per word.
            self.folded.update("\n".join(words).lower().split("\n"))
        if "-" in text:
            self.compounds.update(c.lower() for c in COMPOUND.findall(text))
        self._index = {}
        self._tails = {}
        self._groups = None
        self._solid = None
        self._sorted = None
        self._forms = None

    def exact_count(self, word: str) -> int:
        """How often the document writes ``word`` exactly so (case included)."""
        return self.exact.get(word, 0)

    def forms(self, lower: str) -> tuple[str, ...]:
        """The spellings (by case) in which the document writes the lower-case ``lower``."""
        if self._forms is None:
            self._forms = {}
            for form in self.exact:
                self._forms.setdefault(form.lower(), []).append(form)
        return tuple(sorted(self._forms.get(lower, ())))

    def with_stem(self, stem: str) -> list[str]:
        """Lower-case document words that are ``stem`` plus at most three letters (sorted)."""
        if self._sorted is None:
            self._sorted = sorted(self.folded)
        longest = len(stem) + 3
        found = []
        # The words that start with ``stem`` are one run of the sorted list.
        for form in islice(self._sorted, bisect_left(self._sorted, stem), None):
            if not form.startswith(stem):
                break
            if len(form) <= longest:
                found.append(form)
        return found

    def hyphenated(self, solid: str) -> str | None:
        """The hyphenated compound of this document that ``solid`` spells without hyphens."""
        if self._solid is None:
            self._solid = {c.replace("-", ""): c for c in self.compounds}
        return self._solid.get(solid.lower())

    def count(self, word: str) -> int:
        """How often the document uses ``word`` (a hyphenated compound counts as a whole)."""
        if "-" in word:
            return self.compounds.get(word.lower(), 0)
        return self.folded.get(word.lower(), 0)

    def neighbours(self, word: str) -> set[str]:
        """Lower-case document words that share ``word`` or one of its one-letter deletions.

        Such a word is one letter shorter (a deletion of the word), one letter longer (the
        word is one of its deletions) or as long (the two share a deletion). Indexing every
        deletion of every document word costs more than the rest of the typo search, so a
        deletion that keeps the first letter is looked up among the words with the same
        first letter, and one that drops it by the word's tail (``tail(x)`` is ``x[1:]``):

        * longer ``f``: ``f`` minus a later letter is the word and ``f`` starts like it,
          or ``tail(f)`` is the word;
        * as long: both drop a later letter (same first letter), ``tail(f)`` is a deletion
          of the word (``f`` drops its first letter), or ``f`` minus a later letter is
          ``tail(word)`` (the word drops its first; ``f`` starts with its second letter).
        """
        lower = word.lower()
        length = len(lower)
        shorter = {lower[:i] + lower[i + 1 :] for i in range(length)}
        found = {key for key in shorter if key in self.folded}
        self._tail_index(length + 1).collect(lower, found)
        self._deletion_index(length + 1, lower[:1]).collect(lower, found)
        same_first = self._deletion_index(length, lower[:1])
        same_tails = self._tail_index(length)
        for key in shorter:
            same_first.collect(key, found)
            same_tails.collect(key, found)
        self._deletion_index(length, lower[1:2]).collect(lower[1:], found)
        found.discard(lower)
        return found

    def _by_first_letter(self, length: int) -> dict[str, list[str]]:
        """The document's lower-case words of one length, by first letter."""
        if self._groups is None:
            self._groups = {}
            for form in self.folded:
                self._groups.setdefault(len(form), {}).setdefault(form[:1], []).append(form)
        return self._groups.get(length, {})

    def _deletion_index(self, length: int, first: str) -> _Keyed:
        """One-letter deletions of the words of one length and first letter -> the words."""
        index = self._index.get((length, first))
        if index is None:
            index = self._index[(length, first)] = _Keyed()
            for form in self._by_first_letter(length).get(first, ()):
                index.add_all({form[:i] + form[i + 1 :] for i in range(length)}, form)
        return index

    def _tail_index(self, length: int) -> _Keyed:
        """The words of one length by their tail (all but the first letter)."""
        index = self._tails.get(length)
        if index is None:
            index = self._tails[length] = _Keyed()
            for forms in self._by_first_letter(length).values():
                for form in forms:
                    index.add_all((form[1:],), form)
        return index


class _Keyed:
    """Words by key. Most keys have one word, kept as a plain string: a list per key would
    be tens of thousands of small containers per page for the garbage collector to walk."""

    __slots__ = ("first", "more")

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.more: dict[str, list[str]] = {}

    def add_all(self, keys: Iterable[str], form: str) -> None:
        first = self.first
        for key in keys:
            if key in first:
                self.more.setdefault(key, []).append(form)
            else:
                first[key] = form

    def collect(self, key: str, found: set[str]) -> None:
        """Add the words under ``key`` to ``found``."""
        form = self.first.get(key)
        if form is not None:
            found.add(form)
            found.update(self.more.get(key, ()))


class RecordingEvidence:
    """Stands in for an ``Evidence`` and records every question a rule asked of it with the
    answer. Rules are pure functions of the text, the configuration and these answers, so
    a text whose questions get the same answers from a recounted evidence comes out the
    same, and need not be repaired again."""

    def __init__(self, evidence: Evidence) -> None:
        self._evidence = evidence
        self.answers: dict[tuple[str, str], object] = {}

    def _ask(self, question: str, word: str) -> Any:
        key = (question, word)
        if key not in self.answers:
            self.answers[key] = getattr(self._evidence, question)(word)
        return self.answers[key]

    def count(self, word: str) -> int:
        return self._ask("count", word)

    def exact_count(self, word: str) -> int:
        return self._ask("exact_count", word)

    def forms(self, lower: str) -> tuple[str, ...]:
        return self._ask("forms", lower)

    def hyphenated(self, solid: str) -> str | None:
        return self._ask("hyphenated", solid)

    def neighbours(self, word: str) -> set[str]:
        return self._ask("neighbours", word)

    def with_stem(self, stem: str) -> list[str]:
        return self._ask("with_stem", stem)


def same_answers(answers: Mapping[tuple[str, str], object], evidence: Evidence) -> bool:
    """``evidence`` answers every recorded question as recorded."""
    return all(getattr(evidence, question)(word) == answer for (question, word), answer in answers.items())

"""Common English misspellings ("recieve", "dissapointed", "fourty") from codespell's list.

codespell's dictionary is a curated descendant of Wikipedia's list of common misspellings
(CC BY-SA 3.0 data). It is read from the installed ``codespell`` distribution (the
``pagewash[misspellings]`` extra) without importing codespell's code; without it this rule
finds nothing. Only entries with a single suggestion are used, and only when the
misspelling is not a common English word and the suggestion is one the lexicon has seen:
typos whose fix the list itself calls ambiguous ("tought" → thought, taught, tough) are
left to the typo rule or alone.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path

from pagewash.repair import evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.lexicon import Lexicon, lexicon, remember
from pagewash.repair.lexicon.dictionaries import hunspell_knows
from pagewash.repair.lexicon.frequencies import checksums
from pagewash.repair.rules.tokens import match_case, sentence_start
from pagewash.repair.words import word_matches

DISTRIBUTION = "codespell"
DICTIONARY = "codespell_lib/data/dictionary.txt"
# Common misspellings are common: "definately" and "recieve" sit near Zipf 2.8 in wordfreq.
# Above this a listed form is a real word or an accepted variant ...
REAL_WORD_ZIPF = 3.0
# ... and the correction must be this much more common (30 times): "homogenous" (2.8) next
# to "homogeneous" (3.2) is a word of its own, "recieve" (2.8) next to "receive" (4.9) not.
FIX_MARGIN = 1.5
# A capitalised listed word this common is a name as often as a misspelling ("Handel" 3.0).
NAME_ZIPF = 2.5
_ENTRY = re.compile(r"([a-z]+)->([a-z][a-z']*)$")
_LATIN = re.compile(r"[A-Za-z]{3}")


def misspellings(text: str, ctx: Context) -> list[Edit]:
    """Replace words the misspelling list maps to exactly one correction."""
    if ctx.lang not in (None, "en") or not ctx.config.language_enabled("en"):
        return []
    table = misspelling_table()
    if not table or not _LATIN.search(text):
        return []
    en = lexicon("en")
    if en is None:
        return []
    words = word_matches(text)
    hits = [(i, m, right) for i, m in enumerate(words) if (right := table.get(m.group().lower())) is not None]
    if not hits or _other_latin_language(words):
        return []  # "exemple", "projet", "unter" are French and German words, not typos
    edits = []
    for index, m, right in hits:
        word = m.group()
        if _acceptable(word, right, words, index, text, ctx, en) and not (
            ctx.config.strict and hunspell_knows(word, "en")
        ):
            edits.append(
                Edit(
                    m.start(),
                    m.end(),
                    match_case(word, right),
                    evidence.reason(evidence.LIST, f"common misspelling of '{right}' (codespell's list)"),
                )
            )
    return edits


def _acceptable(
    word: str, right: str, words: Sequence[re.Match[str]], index: int, text: str, ctx: Context, en: Lexicon
) -> bool:
    lower = word.lower()
    if not (word.islower() or word[1:].islower()):
        shouting = sum(1 for w in words if w.group().isupper()) * 2 >= len(words)
        if not (shouting and word.isupper()):
            return False  # CamelCase is a name, capitals an acronym unless the text shouts
    own = en.zipf(lower)
    if own >= REAL_WORD_ZIPF or en.zipf(right) - own < FIX_MARGIN:
        return False  # a real word or an accepted variant ("homogenous", "despatched")
    if word[:1].isupper() and not word.isupper():
        # A capitalised listed word may be a name ("Handel", "Skelton") wherever it stands.
        if own >= NAME_ZIPF or not sentence_start(text, words[index].start()):
            return False
        following = words[index + 1] if index + 1 < len(words) else None
        if (
            ctx.config.strict
            and following is not None
            and following.group()[:1].isupper()
            and text[words[index].end() : following.start()] == " "
        ):
            return False  # "Cornel West": the first word of a name
    elif ctx.evidence.exact_count(word.capitalize()) > 0:
        return False  # "humber" beside "Humber": the text's own name
    return _english_neighbour(words, index, en)


def _english_neighbour(words: Sequence[re.Match[str]], index: int, en: Lexicon) -> bool:
    """A word within two places is English: the listed word is no foreign quotation."""
    near = [
        words[i].group().lower() for i in range(index - 2, index + 3) if i != index and 0 <= i < len(words)
    ]
    return not near or any(len(w) > 1 and en.known(w) for w in near)


def _other_latin_language(words: Sequence[re.Match[str]]) -> bool:
    """The run's function words are those of another Latin-script language (the stop-word
    lists the extraction stage uses to judge prose)."""
    lowered = [m.group().lower() for m in words]
    counts = {lang: sum(map(stop.__contains__, lowered)) for lang, stop in _latin_stopwords().items()}
    best = max(counts, key=counts.__getitem__, default="en")
    return best != "en" and counts[best] >= 2 and counts[best] > counts.get("en", 0)


@cache
def _latin_stopwords() -> dict[str, frozenset[str]]:
    from pagewash.rules import load_rules

    return {
        lang: words
        for lang, words in load_rules().stopwords.items()
        if any("a" <= c <= "z" for w in words for c in w[:1])
    }


class MisspellingTable:
    """Misspelling -> correction, compact: 57,000 entries as a Python dict cost 16 MB, here
    0.5 MB of sorted 64-bit keys (CRC-32 and 16 bits of Adler-32 of the misspelling, and
    the number of its correction) plus the distinct corrections. A false hit needs 48
    matching checksum bits."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        rights: dict[str, int] = {}
        keys = array("Q")
        for wrong, right in entries:
            number = rights.setdefault(right, len(rights))
            if number > 0xFFFF:
                break  # far more than the list holds; the rest is left out
            keys.append(checksums(wrong)[1] | number)
        self._keys = array("Q", sorted(keys))
        self._rights = tuple(rights)
        self._seen: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def get(self, wrong: str) -> str | None:
        """The correction of ``wrong``; pages repeat their words, so answers are kept."""
        if wrong not in self._seen:
            remember(self._seen, wrong, self._find(wrong))
        return self._seen[wrong]

    def _find(self, wrong: str) -> str | None:
        key = checksums(wrong)[1]
        at = bisect_left(self._keys, key)
        if at < len(self._keys) and self._keys[at] >> 16 == key >> 16:
            return self._rights[self._keys[at] & 0xFFFF]
        return None


@cache
def misspelling_table() -> MisspellingTable:
    """codespell's single-correction entries, or an empty table without codespell."""
    try:
        path = Path(str(metadata.distribution(DISTRIBUTION).locate_file(DICTIONARY)))
        with path.open(encoding="utf-8") as lines:  # read line by line: no 1 MB string
            return MisspellingTable(_entries(lines))
    except (metadata.PackageNotFoundError, OSError, UnicodeDecodeError):
        return MisspellingTable(())


def _entries(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    for line in lines:
        m = _ENTRY.match(line.strip())
        if m and len(m.group(1)) >= 3:
            yield m.group(1), m.group(2)

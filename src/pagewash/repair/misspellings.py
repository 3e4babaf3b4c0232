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
from functools import cache
from importlib import metadata

from pagewash.repair.lexicon import lexicon
from pagewash.repair.table import Context, Edit, word_matches
from pagewash.repair.tokens import match_case, sentence_start

DISTRIBUTION = "codespell"
DICTIONARY = "codespell_lib/data/dictionary.txt"
# Common misspellings are common: "definately" and "recieve" sit near Zipf 2.8 in wordfreq.
# Above this a listed form is a real word or an accepted variant.
REAL_WORD_ZIPF = 3.0
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
    shouting: bool | None = None
    edits = []
    for m in words:
        word = m.group()
        lower = word.lower()
        right = table.get(lower)
        if right is None:
            continue
        if not (word.islower() or word[1:].islower()):
            if shouting is None:
                shouting = sum(1 for w in words if w.group().isupper()) * 2 >= len(words)
            if not (shouting and word.isupper()):
                continue  # CamelCase is a name, capitals an acronym unless the text shouts
        if en.zipf(lower) >= REAL_WORD_ZIPF or not en.seen(right):
            continue
        if word[:1].isupper() and not word.isupper() and not sentence_start(text, m.start()):
            continue  # "Brin" inside a sentence is a name
        edits.append(Edit(m.start(), m.end(), match_case(word, right),
                          f"common misspelling of '{right}' (codespell's list)"))
    return edits


@cache
def misspelling_table() -> dict[str, str]:
    """Misspelling -> its single correction, or empty when codespell is not installed."""
    try:
        path = metadata.distribution(DISTRIBUTION).locate_file(DICTIONARY)
        text = path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    except (metadata.PackageNotFoundError, OSError, UnicodeDecodeError):
        return {}
    table = {}
    for line in text.splitlines():
        m = _ENTRY.match(line.strip())
        if m and len(m.group(1)) >= 3:
            table[m.group(1)] = m.group(2)
    return table

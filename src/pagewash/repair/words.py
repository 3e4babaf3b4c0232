"""The words of a text as the repair rules see them: letters, with inner apostrophes."""

from __future__ import annotations

import re

# Letters with inner apostrophes ("don't"); hyphen parts are separate words.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
COMPOUND = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])")


_LAST_WORDS: tuple[str, tuple[re.Match[str], ...]] = ("", ())


def word_matches(text: str) -> tuple[re.Match[str], ...]:
    """The ``WORD`` matches of ``text``. The lexical rules run one after another on the same
    run, mostly without changing it, so the last run's words are kept and shared instead of
    being found again by every rule (matches are immutable, so sharing them is safe)."""
    global _LAST_WORDS
    last_text, last_words = _LAST_WORDS
    if text is last_text or text == last_text:
        return last_words
    words = tuple(WORD.finditer(text))
    _LAST_WORDS = (text, words)
    return words

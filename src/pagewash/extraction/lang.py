"""Language of a block: the language identifier first (``pagewash.text.identify``, the same
one the repair stage's language gate uses), then the page's ``lang`` declarations, then the
page's own dominant language in that script, then the script.

A declared language is trusted only when it is written in the script found, and only for
text the identifier cannot settle (headings, menu-like items, names): pages often declare
the language of their template, not of their text.
"""

from __future__ import annotations

import re

CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg"})
SAMPLE = 300  # characters looked at: enough to settle the script, cheap on long blocks
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def normalise(tag: str | None) -> str | None:
    """``en-US`` -> ``en``; empty or malformed tags -> None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def script_of(text: str) -> str | None:
    """"cyrl", "latn", "other" or None (no letters) for the first ``SAMPLE`` characters."""
    sample = text[:SAMPLE]
    if sample.isascii():  # most blocks: every letter is Latin, no need to count
        return "latn" if _LETTER.search(sample) else None
    letters = len(_LETTER.findall(sample))
    if not letters:
        return None
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    other = letters - cyrillic - latin
    best = max((cyrillic, "cyrl"), (latin, "latn"), (other, "other"))
    return best[1]


def identified_language(text: str) -> str | None:
    """The identifier's language for ``text`` when it is confident, else None."""
    from pagewash.text import identify

    found = identify(text)
    return found.lang if found.confident else None


def language_of(script: str | None, declared: str | None, page: str | None,
                dominant: str | None = None) -> str | None:
    """The language of text in ``script`` that the identifier could not settle, given the
    nearest ``lang`` attribute, the page language and the page's dominant identified
    language in that script."""
    for tag in (normalise(declared), normalise(page), dominant):
        if tag and _fits(tag, script):
            return tag
    if script == "cyrl":
        return "ru"
    if script == "latn":
        return "en"
    return normalise(declared) or normalise(page)


def _fits(tag: str, script: str | None) -> bool:
    if script is None or script == "other":
        return True
    return (tag in CYRILLIC_LANGS) == (script == "cyrl")

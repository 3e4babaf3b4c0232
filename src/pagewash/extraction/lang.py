"""Language of a block: the language identifier first (``pagewash.text.identify``, the same
one the repair stage's language gate uses), then the page's ``lang`` declarations, then the
page's own dominant language in that script, then the script.

A declared language is trusted only when it is written in the script found, and only for
text the identifier cannot settle (headings, menu-like items, names): pages often declare
the language of their template, not of their text.
"""

from __future__ import annotations

from pagewash.text.languages import primary
from pagewash.text.scripts import script_of

__all__ = ["identified_language", "language_of", "normalise", "script_of"]

CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg"})
normalise = primary  # the name the extraction modules use for it


def identified_language(text: str) -> str | None:
    """The identifier's language for ``text`` when it is confident, else None."""
    from pagewash.text import identify

    found = identify(text)
    return found.lang if found.confident else None


def language_of(
    script: str | None, declared: str | None, page: str | None, dominant: str | None = None
) -> str | None:
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

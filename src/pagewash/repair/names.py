"""The repair rules' names, in the order they run.

Configuration, presets and the command line check names against this list; the rules
themselves are bound to the names in ``registry``, which checks it holds exactly these.
Keeping the names apart lets the configuration be checked without importing every rule.
"""

from __future__ import annotations

RULES: tuple[str, ...] = (
    "mojibake",
    "unicode_hygiene",
    "homoglyphs",
    "hyphenation",
    "corrections",
    "lost_hyphen",
    "lost_space",
    "lost_apostrophe",
    "misspellings",
    "doubled_word",
    "sentence_space",
    "typos",
)

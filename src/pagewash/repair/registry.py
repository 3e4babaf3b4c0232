"""The repair table: every rule bound to its name, in the order it runs. The rule's name is
the name users give to ``--repair`` / ``--skip-repair`` and the label of each recorded
change; ``names.RULES`` lists the same names for code that must not import the rules."""

from __future__ import annotations

from pagewash.repair.engine import Rule
from pagewash.repair.names import RULES
from pagewash.repair.rules.apostrophes import lost_apostrophe
from pagewash.repair.rules.corrections import corrections
from pagewash.repair.rules.hyphens import lost_hyphen
from pagewash.repair.rules.misspellings import misspellings
from pagewash.repair.rules.scraping import doubled_word, hyphenation, sentence_space
from pagewash.repair.rules.spaces import lost_space
from pagewash.repair.rules.typos import typos
from pagewash.repair.rules.unicode import homoglyphs, mojibake, unicode_hygiene

# "text" rules repair characters and run first, so the word counts the "word" rules rely on
# are taken from repaired text.
TABLE: tuple[Rule, ...] = (
    Rule("mojibake", mojibake, "text", "encoding damage, leftover HTML entities, ligatures"),
    Rule(
        "unicode_hygiene",
        unicode_hygiene,
        "text",
        "soft hyphens, zero-width characters, BOMs, NFC, stray non-breaking spaces",
    ),
    Rule("homoglyphs", homoglyphs, "text", "Latin look-alikes in Cyrillic words and back"),
    Rule("hyphenation", hyphenation, "text", "words split by a line-break hyphen"),
    Rule("corrections", corrections, "word", "the bundled and the user's corrections"),
    Rule("lost_hyphen", lost_hyphen, "word", "hyphens lost in Russian compounds", True),
    Rule("lost_space", lost_space, "word", "spaces lost between Russian words", True),
    Rule(
        "lost_apostrophe", lost_apostrophe, "word", "apostrophes lost in English possessives and contractions"
    ),
    Rule(
        "misspellings",
        misspellings,
        "word",
        "common English misspellings (codespell's list, when installed)",
        True,
    ),
    Rule("doubled_word", doubled_word, "word", "a word accidentally written twice"),
    Rule("sentence_space", sentence_space, "word", "space lost after sentence punctuation"),
    Rule("typos", typos, "word", "one- or two-edit typos with clear evidence", True),
)
if tuple(rule.name for rule in TABLE) != RULES:  # one list of names, checked where it is bound
    raise ImportError("repair.registry and repair.names list different rules")

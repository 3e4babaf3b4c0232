"""Spaces lost between Russian words: "незнаю" → "не знаю", "всвязи" → "в связи",
"еслиб" → "если б". Only an unknown solid word is split, and only where grammar allows the
two words (negation before a verb, a preposition before a word in a case it governs, a
particle after a common word); the rules are data in ``repair_ru_glued.toml``. A word that
opens no compound glued to a capitalised one ("СейчасАйгуль") is split too."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from pagewash.repair import evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.lexicon import Lexicon, lexicon
from pagewash.repair.lexicon.dictionaries import hunspell_knows
from pagewash.repair.rules.hyphens import function_word
from pagewash.repair.rules.tokens import sentence_start

# A glued form wordfreq has seen this often is a word of its own (or a spelling its writers
# mean); common glued misspellings ("вобщем", "незнаю") sit near Zipf 3.
GLUED_MAX_ZIPF = 3.5
# The word after the short word must be this common, the word before a particle more so
# (a particle is one or two letters, so more words end in one by chance) ...
PART_MIN_ZIPF = 3.0
HEAD_MIN_ZIPF = 3.5
# ... and this long, one letter more after a one-letter preposition ("влог" is no "в лог").
MIN_REST = 3
_CANDIDATE = re.compile(r"(?<![\w\-])[А-ЯЁа-яё][а-яё]{3,}(?![\w\-])")
# Two words glued where the second opens with a capital ("СейчасАйгуль").
_CAMEL = re.compile(r"(?<![\w\-])([А-ЯЁа-яё][а-яё]{2,})([А-ЯЁ][а-яё]{2,})(?![\w\-])")
_NOMINAL = frozenset({"NOUN", "ADJF", "PRTF", "NPRO", "NUMR"})


@dataclass(frozen=True)
class GluedRules:
    before: dict[str, frozenset[str]]
    particles: tuple[str, ...]
    heads: frozenset[str]
    forms: dict[str, re.Pattern[str]]


def lost_space(text: str, ctx: Context) -> list[Edit]:
    """Put back the space between a short Russian word and the word it was glued to."""
    ru = lexicon("ru") if ctx.lang in (None, "ru") and ctx.config.language_enabled("ru") else None
    if ru is None:
        return []
    rules = glued_rules()
    starts, ends = tuple(rules.before), rules.particles
    edits = []
    for m in _CANDIDATE.finditer(text):
        word = m.group()
        lower = word.lower()
        if not (lower.startswith(starts) or lower.endswith(ends)):
            continue  # most words: no short word to split off
        if word[:1].isupper() and not sentence_start(text, m.start()):
            continue  # a capitalised word inside a sentence is a name
        cut = _split(lower)
        if cut is not None:
            at, reason = cut
            if ctx.config.strict:
                if hunspell_knows(word, "ru"):
                    continue  # a word a full dictionary knows is one word
                reason = evidence.reason(evidence.DICTIONARY, reason)
            edits.append(Edit(m.start(), m.end(), f"{word[:at]} {word[at:]}", reason))
    for m in _CAMEL.finditer(text):
        if function_word(m.group(1).lower(), ru):
            reason = f"space lost after '{m.group(1)}' (a word that opens no compound)"
            if ctx.config.strict:
                if ctx.evidence.count(m.group(2)) == 0:
                    continue  # the capitalised word must be a word of the document
                reason = evidence.reason(evidence.DOCUMENT, reason)
            edits.append(Edit(m.start(), m.end(), f"{m.group(1)} {m.group(2)}", reason))
    return edits


@lru_cache(maxsize=50_000)
def _split(lower: str) -> tuple[int, str] | None:
    """Where to put the space in an unknown glued word, and why; the answer depends on the
    word alone, so it is remembered."""
    ru = lexicon("ru")
    if ru is None or ru.zipf(lower) >= GLUED_MAX_ZIPF or ru.in_dictionary(lower):
        return None
    rules = glued_rules()
    found = []
    for short, allowed in rules.before.items():
        rest = lower[len(short) :]
        form = rules.forms.get(short)
        if (
            lower.startswith(short)
            and len(rest) >= MIN_REST + (len(short) == 1)
            and (form is None or form.match(rest))
            and _fits(rest, allowed, ru)
        ):
            found.append((ru.zipf(rest), len(short), f"space lost after '{short}'"))
    for particle in rules.particles:
        head = lower[: -len(particle)]
        if (
            lower.endswith(particle)
            and len(head) >= 2
            and ru.zipf(head) >= HEAD_MIN_ZIPF
            and rules.heads & ru.parts_of_speech(head)
        ):
            found.append((ru.zipf(head), len(head), f"space lost before the particle '{particle}'"))
    if not found:
        return None
    _, at, reason = max(found)
    return at, reason


def _fits(rest: str, allowed: frozenset[str], ru: Lexicon) -> bool:
    """``rest`` is a common dictionary word with a reading the short word allows: a part of
    speech ("VERB") or, for a preposition, a nominal word in one of the listed cases."""
    if ru.zipf(rest) < PART_MIN_ZIPF or not ru.in_dictionary(rest):
        return False
    for parse in ru.parses(rest):
        tag = parse.tag
        if str(tag.POS) in allowed:
            return True
        if str(tag.POS) in _NOMINAL and str(tag.case) in allowed:
            return True
    return False


@cache
def glued_rules() -> GluedRules:
    text = resources.files("pagewash.data").joinpath("repair_ru_glued.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    before = {short: frozenset(kinds) for short, kinds in raw["before"].items()}
    forms = {short: re.compile(pattern) for short, pattern in raw.get("forms", {}).items()}
    after = raw["after"]
    return GluedRules(before, tuple(after["particles"]), frozenset(after["heads"]), forms)

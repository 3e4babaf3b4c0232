"""The ordered table of named repair rules and the engine that applies their edits.

Like markdown-it-py's ruler: rules are an ordered ``(name, fn)`` table enabled or disabled by
name, and naming a rule that does not exist is an error. Each rule is a pure function that
looks at one text and proposes non-overlapping ``Edit``s; the engine applies them, refuses the
ones that touch protected spans (URLs, e-mail addresses, code-like tokens, user-protected
words) and records every applied edit as a ``Change`` whose offset is valid at the moment it
is replayed, so ``apply_changes`` reproduces the repaired text exactly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any

from pagewash.document import Change
from pagewash.errors import UsageError

if TYPE_CHECKING:
    from pagewash.repair.presets import Preset


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``after``; ``reason`` is shown in explanations."""

    start: int
    end: int
    after: str
    reason: str


@dataclass(frozen=True)
class RepairConfig:
    """Which preset, rules, languages and user words.

    ``preset`` names a preset of ``data/repair_presets.toml`` (None: the default, "safe");
    ``rules=None`` enables the preset's rules, a tuple exactly those; ``skip`` leaves some
    out; ``languages=None`` every supported language. ``protected`` words are never
    changed; ``corrections`` map a wrong word to its fix.
    """

    rules: tuple[str, ...] | None = None
    skip: tuple[str, ...] = ()
    protected: frozenset[str] = frozenset()
    corrections: Mapping[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] | None = None
    preset: str | None = None

    def __post_init__(self) -> None:
        from pagewash.repair.rules import RULES

        for name in (*(self.rules or ()), *self.skip):
            if name not in RULES:
                raise UsageError(
                    f"unknown repair rule {name!r}; known rules: {', '.join(RULES)}"
                )
        self.profile()  # an unknown preset is an error now, not at the first edit

    @cached_property
    def _profile(self) -> Preset:
        from pagewash.repair.presets import preset

        return preset(self.preset)

    def profile(self) -> Preset:
        """The chosen preset (looked up once: rules ask for it on every text)."""
        return self._profile

    @cached_property
    def strict(self) -> bool:
        """Word edits need evidence and every dictionary may veto them (the safe preset)."""
        return self.profile().evidence_required

    def enabled(self) -> tuple[str, ...]:
        """Enabled rule names in table order."""
        from pagewash.repair.rules import RULES

        base = self.profile().rules if self.rules is None else self.rules
        wanted = set(base) - set(self.skip)
        return tuple(name for name in RULES if name in wanted)

    def language_enabled(self, lang: str | None) -> bool:
        return lang is not None and (self.languages is None or lang in self.languages)

    def protected_folded(self) -> frozenset[str]:
        return frozenset(word.casefold() for word in self.protected)


class Evidence:
    """Word counts over a whole document: the strongest evidence for a correction."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self.exact: Counter[str] = Counter()
        self.folded: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        # Look-up tables for ``neighbours``, built on demand from the words grouped by
        # length and first letter (see there).
        self._index: dict[tuple[int, str], _Keyed] = {}
        self._tails: dict[int, _Keyed] = {}
        self._groups: dict[int, dict[str, list[str]]] | None = None
        self._solid: dict[str, str] | None = None
        self._sorted: list[str] | None = None
        self._forms: dict[str, list[str]] | None = None
        # One pass over all texts: no word or compound can span a line break.
        self.add("\n".join(texts))

    def add(self, text: str) -> None:
        words = WORD.findall(text)
        self.exact.update(words)
        if words:
            # One lower() over the joined words: the same forms as word by word (a line
            # break is no cased letter, so even final sigma comes out alike), without a
            # Python-level call per word.
            self.folded.update("\n".join(words).lower().split("\n"))
        if "-" in text:
            self.compounds.update(c.lower() for c in COMPOUND.findall(text))
        self._index = {}
        self._tails = {}
        self._groups = None
        self._solid = None
        self._sorted = None
        self._forms = None

    def exact_count(self, word: str) -> int:
        """How often the document writes ``word`` exactly so (case included)."""
        return self.exact.get(word, 0)

    def forms(self, lower: str) -> tuple[str, ...]:
        """The spellings (by case) in which the document writes the lower-case ``lower``."""
        if self._forms is None:
            self._forms = {}
            for form in self.exact:
                self._forms.setdefault(form.lower(), []).append(form)
        return tuple(sorted(self._forms.get(lower, ())))

    def with_stem(self, stem: str) -> list[str]:
        """Lower-case document words that are ``stem`` plus at most three letters (sorted)."""
        if self._sorted is None:
            self._sorted = sorted(self.folded)
        longest = len(stem) + 3
        found = []
        # The words that start with ``stem`` are one run of the sorted list.
        for form in islice(self._sorted, bisect_left(self._sorted, stem), None):
            if not form.startswith(stem):
                break
            if len(form) <= longest:
                found.append(form)
        return found

    def hyphenated(self, solid: str) -> str | None:
        """The hyphenated compound of this document that ``solid`` spells without hyphens."""
        if self._solid is None:
            self._solid = {c.replace("-", ""): c for c in self.compounds}
        return self._solid.get(solid.lower())

    def count(self, word: str) -> int:
        """How often the document uses ``word`` (a hyphenated compound counts as a whole)."""
        if "-" in word:
            return self.compounds.get(word.lower(), 0)
        return self.folded.get(word.lower(), 0)

    def neighbours(self, word: str) -> set[str]:
        """Lower-case document words that share ``word`` or one of its one-letter deletions.

        Such a word is one letter shorter (a deletion of the word), one letter longer (the
        word is one of its deletions) or as long (the two share a deletion). Indexing every
        deletion of every document word costs more than the rest of the typo search, so a
        deletion that keeps the first letter is looked up among the words with the same
        first letter, and one that drops it by the word's tail (``tail(x)`` is ``x[1:]``):

        * longer ``f``: ``f`` minus a later letter is the word and ``f`` starts like it,
          or ``tail(f)`` is the word;
        * as long: both drop a later letter (same first letter), ``tail(f)`` is a deletion
          of the word (``f`` drops its first letter), or ``f`` minus a later letter is
          ``tail(word)`` (the word drops its first; ``f`` starts with its second letter).
        """
        lower = word.lower()
        length = len(lower)
        shorter = {lower[:i] + lower[i + 1:] for i in range(length)}
        found = {key for key in shorter if key in self.folded}
        self._tail_index(length + 1).collect(lower, found)
        self._deletion_index(length + 1, lower[:1]).collect(lower, found)
        same_first = self._deletion_index(length, lower[:1])
        same_tails = self._tail_index(length)
        for key in shorter:
            same_first.collect(key, found)
            same_tails.collect(key, found)
        self._deletion_index(length, lower[1:2]).collect(lower[1:], found)
        found.discard(lower)
        return found

    def _by_first_letter(self, length: int) -> dict[str, list[str]]:
        """The document's lower-case words of one length, by first letter."""
        if self._groups is None:
            self._groups = {}
            for form in self.folded:
                self._groups.setdefault(len(form), {}).setdefault(form[:1], []).append(form)
        return self._groups.get(length, {})

    def _deletion_index(self, length: int, first: str) -> _Keyed:
        """One-letter deletions of the words of one length and first letter -> the words."""
        index = self._index.get((length, first))
        if index is None:
            index = self._index[(length, first)] = _Keyed()
            for form in self._by_first_letter(length).get(first, ()):
                index.add_all({form[:i] + form[i + 1:] for i in range(length)}, form)
        return index

    def _tail_index(self, length: int) -> _Keyed:
        """The words of one length by their tail (all but the first letter)."""
        index = self._tails.get(length)
        if index is None:
            index = self._tails[length] = _Keyed()
            for forms in self._by_first_letter(length).values():
                for form in forms:
                    index.add_all((form[1:],), form)
        return index


class _Keyed:
    """Words by key. Most keys have one word, kept as a plain string: a list per key would
    be tens of thousands of small containers per page for the garbage collector to walk."""

    __slots__ = ("first", "more")

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.more: dict[str, list[str]] = {}

    def add_all(self, keys: Iterable[str], form: str) -> None:
        first = self.first
        for key in keys:
            if key in first:
                self.more.setdefault(key, []).append(form)
            else:
                first[key] = form

    def collect(self, key: str, found: set[str]) -> None:
        """Add the words under ``key`` to ``found``."""
        form = self.first.get(key)
        if form is not None:
            found.add(form)
            found.update(self.more.get(key, ()))


# Letters with inner apostrophes ("don't"); hyphen parts are separate words.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
COMPOUND = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])")


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


_LAST_WORDS: tuple[str, tuple[re.Match[str], ...]] = ("", ())

# Spans no rule may touch: URLs, e-mail addresses, paths, identifiers and other code-like
# chunks of non-space text.
_GUARDED = re.compile(
    r"""(?:https?://|ftp://|www\.)\S+"""
    r"""|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"""
    r"""|\S*(?:[_\\{}<>=#$|~^`]|/\w|\w\.[a-z]{2,}\b|\(\))\S*"""
)


class RecordingEvidence:
    """Stands in for an ``Evidence`` and records every question a rule asked of it with the
    answer. Rules are pure functions of the text, the configuration and these answers, so
    a text whose questions get the same answers from a recounted evidence comes out the
    same, and need not be repaired again."""

    def __init__(self, evidence: Evidence) -> None:
        self._evidence = evidence
        self.answers: dict[tuple[str, str], object] = {}

    def _ask(self, question: str, word: str) -> Any:
        key = (question, word)
        if key not in self.answers:
            self.answers[key] = getattr(self._evidence, question)(word)
        return self.answers[key]

    def count(self, word: str) -> int:
        return self._ask("count", word)  # type: ignore[no-any-return]

    def exact_count(self, word: str) -> int:
        return self._ask("exact_count", word)  # type: ignore[no-any-return]

    def forms(self, lower: str) -> tuple[str, ...]:
        return self._ask("forms", lower)  # type: ignore[no-any-return]

    def hyphenated(self, solid: str) -> str | None:
        return self._ask("hyphenated", solid)  # type: ignore[no-any-return]

    def neighbours(self, word: str) -> set[str]:
        return self._ask("neighbours", word)  # type: ignore[no-any-return]

    def with_stem(self, stem: str) -> list[str]:
        return self._ask("with_stem", stem)  # type: ignore[no-any-return]


def same_answers(answers: Mapping[tuple[str, str], object], evidence: Evidence) -> bool:
    """``evidence`` answers every recorded question as recorded."""
    return all(getattr(evidence, question)(word) == answer
               for (question, word), answer in answers.items())


@dataclass
class Context:
    """What a rule may consult: language, document evidence and the configuration.

    ``gated``: the language gate chose ``lang`` for this text, so a word edit whose own
    sentence is confidently another language is refused; ``sure``: the identifier found
    that language with confidence (not only declared), which edits on dictionary evidence
    alone need."""

    lang: str | None
    evidence: Evidence
    config: RepairConfig
    protected: frozenset[str]
    gated: bool = False
    sure: bool = False


RuleFn = Callable[[str, Context], list[Edit]]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    fn: RuleFn
    # "text" rules fix characters and run before evidence is counted; "word" rules use it.
    phase: str
    doc: str
    # A rule that can edit only a word its language's lexicon does not settle (see
    # ``screen.unsettled``): under the safe preset a text whose every word is settled skips
    # it without looking at a word.
    needs_unsettled: bool = False


def guarded_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _GUARDED.finditer(text)]


def _word_at(text: str, start: int, end: int) -> str:
    """The whole run of word characters around ``text[start:end]``."""
    left = start
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "'’\u00ad"):
        left -= 1
    right = end
    while right < len(text) and (text[right].isalnum() or text[right] in "'’\u00ad"):
        right += 1
    return text[left:right]


def _allowed(text: str, edit: Edit, guards: list[tuple[int, int]], ctx: Context,
             phase: str) -> bool:
    for g_start, g_end in guards:
        if edit.start < g_end and g_start < max(edit.end, edit.start + 1):
            return False
    if phase == "word" and ctx.gated and ctx.lang is not None:
        from pagewash.repair.gate import sentence_vetoes

        if sentence_vetoes(text, edit.start, ctx.lang):
            return False
    if ctx.protected:
        word = _word_at(text, edit.start, edit.end).replace("\u00ad", "")
        parts = {word.casefold(), *(w.casefold() for w in WORD.findall(word))}
        if parts & ctx.protected:
            return False
    return True


def apply_rule(text: str, rule: Rule, ctx: Context, changes: list[Change],
               block: str | None) -> str:
    """Run one rule over ``text``; record each applied edit; return the new text."""
    edits = rule.fn(text, ctx)
    if not edits:
        return text
    guards = guarded_spans(text)
    if rule.phase == "word" and ctx.config.profile().never_touch:
        from pagewash.repair.evidence import never_touch

        guards += never_touch(text)
    out: list[str] = []
    cursor = shift = 0
    for edit in sorted(edits, key=lambda e: e.start):
        before = text[edit.start:edit.end]
        if edit.start < cursor or before == edit.after or not _allowed(text, edit, guards, ctx,
                                                                              rule.phase):
            continue
        out.append(text[cursor:edit.start])
        out.append(edit.after)
        changes.append(Change(stage="repair", rule=rule.name, before=before, after=edit.after,
                              reason=edit.reason, block=block, offset=edit.start + shift))
        shift += len(edit.after) - len(before)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out)


def apply_changes(text: str, changes: Iterable[Change]) -> str:
    """Replay recorded changes, in order, on the unrepaired text of one run."""
    for change in changes:
        if change.offset is None:
            continue
        end = change.offset + len(change.before)
        if text[change.offset:end] != change.before:
            raise ValueError(
                f"change {change.rule} at {change.offset} expects {change.before!r}, "
                f"found {text[change.offset:end]!r}"
            )
        text = text[:change.offset] + change.after + text[end:]
    return text

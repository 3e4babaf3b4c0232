"""The engine that applies the repair rules' edits and records them.

Like markdown-it-py's ruler: rules are an ordered ``(name, fn)`` table enabled or disabled by
name (``registry``), and naming a rule that does not exist is an error (``config``). Each
rule is a pure function that looks at one text and proposes non-overlapping ``Edit``s; the
engine applies them, refuses the ones that touch protected spans (URLs, e-mail addresses,
code-like tokens, user-protected words) and records every applied edit as a ``Change`` whose
offset is valid at the moment it is replayed, so ``apply_changes`` reproduces the repaired
text exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pagewash.document import Change
from pagewash.repair.config import RepairConfig
from pagewash.repair.evidence import Evidence, never_touch
from pagewash.repair.gate import sentence_vetoes
from pagewash.repair.words import WORD


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``after``; ``reason`` is shown in explanations."""

    start: int
    end: int
    after: str
    reason: str


# Spans no rule may touch: URLs, e-mail addresses, paths, identifiers and other code-like
# chunks of non-space text.
_GUARDED = re.compile(
    r"""(?:https?://|ftp://|www\.)\S+"""
    r"""|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"""
    r"""|\S*(?:[_\\{}<>=#$|~^`]|/\w|\w\.[a-z]{2,}\b|\(\))\S*"""
)


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


def _allowed(text: str, edit: Edit, guards: list[tuple[int, int]], ctx: Context, phase: str) -> bool:
    for g_start, g_end in guards:
        if edit.start < g_end and g_start < max(edit.end, edit.start + 1):
            return False
    if phase == "word" and ctx.gated and ctx.lang is not None and sentence_vetoes(text, edit.start, ctx.lang):
        return False
    if ctx.protected:
        word = _word_at(text, edit.start, edit.end).replace("\u00ad", "")
        parts = {word.casefold(), *(w.casefold() for w in WORD.findall(word))}
        if parts & ctx.protected:
            return False
    return True


def apply_rule(text: str, rule: Rule, ctx: Context, changes: list[Change], block: str | None) -> str:
    """Run one rule over ``text``; record each applied edit; return the new text."""
    edits = rule.fn(text, ctx)
    if not edits:
        return text
    guards = guarded_spans(text)
    if rule.phase == "word" and ctx.config.profile().never_touch:
        guards += never_touch(text)
    out: list[str] = []
    cursor = shift = 0
    for edit in sorted(edits, key=lambda e: e.start):
        before = text[edit.start : edit.end]
        if edit.start < cursor or before == edit.after or not _allowed(text, edit, guards, ctx, rule.phase):
            continue
        out.append(text[cursor : edit.start])
        out.append(edit.after)
        changes.append(
            Change(
                stage="repair",
                rule=rule.name,
                before=before,
                after=edit.after,
                reason=edit.reason,
                block=block,
                offset=edit.start + shift,
            )
        )
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
        if text[change.offset : end] != change.before:
            raise ValueError(
                f"change {change.rule} at {change.offset} expects {change.before!r}, "
                f"found {text[change.offset : end]!r}"
            )
        text = text[: change.offset] + change.after + text[end:]
    return text

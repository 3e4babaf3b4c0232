"""The extractor's working unit: one paragraph-like piece of the page and its labels.

The page is cut into units (paragraphs, headings, list items, code blocks, tables); each is
classified alone and then revised with its neighbours, keeping both labels so every decision
can be audited (jusText's habit). Structure (lists, quotes, sections) rides along as a path of
frames, so kept units can be nested back into blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pagewash.document import Block, Inline
from pagewash.extraction.lang import script_of

STATISTICAL_RULES = frozenset({"link-density", "stop-words", "too-short", "neighbours"})
Kind = Literal["p", "h", "pre", "table"]
Label = Literal["good", "near-good", "short", "bad"]


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """A structural container a unit sits in: a list, a list item or a block quote.

    Frames compare by identity: two separate lists never merge.
    """

    kind: Literal["list", "item", "quote"]
    ordered: bool = False
    start: int = 1


@dataclass(slots=True, eq=False)
class Unit:
    """One paragraph-like piece of the page, with its features and labels."""

    kind: Kind
    inlines: tuple[Inline, ...] = ()
    text: str = ""
    link_chars: int = 0
    level: int = 0
    frames: tuple[Frame, ...] = ()
    ancestors: tuple[int, ...] = ()
    hints: frozenset[str] = frozenset()
    origin: str = ""
    lang_attr: str | None = None
    continuation: bool = False
    block: Block | None = None
    # labels
    initial: Label = "bad"
    final: Label = "bad"
    rule: str | None = None
    reason: str = ""
    forced: bool = False
    part: str | None = None
    lang: str | None = None
    notes: list[str] = field(default_factory=list)
    _script: str | None = field(default="?", repr=False)

    @property
    def script(self) -> str | None:
        """The unit's script ("cyrl", "latn", "other", None), computed once."""
        if self._script == "?":
            self._script = script_of(self.text)
        return self._script

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def kept(self) -> bool:
        return self.final == "good" or self.forced

    def drop(self, rule: str, reason: str) -> None:
        """Label the unit bad for ``rule``; a rule overrides a statistical label, which the
        extractor may later revise, but not another rule."""
        self.final = "bad"
        self.forced = False
        if self.rule is None or self.rule in STATISTICAL_RULES:
            self.rule = rule
            self.reason = reason

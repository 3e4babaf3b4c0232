"""What a repair run is told: the preset, the rules, the languages and the user's words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pagewash.errors import UsageError
from pagewash.repair.names import RULES
from pagewash.repair.presets import Preset, preset


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
        for name in (*(self.rules or ()), *self.skip):
            if name not in RULES:
                raise UsageError(f"unknown repair rule {name!r}; known rules: {', '.join(RULES)}")
        self.profile()  # an unknown preset is an error now, not at the first edit

    @cached_property
    def _profile(self) -> Preset:
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
        base = self.profile().rules if self.rules is None else self.rules
        wanted = set(base) - set(self.skip)
        return tuple(name for name in RULES if name in wanted)

    def language_enabled(self, lang: str | None) -> bool:
        return lang is not None and (self.languages is None or lang in self.languages)

    def protected_folded(self) -> frozenset[str]:
        return frozenset(word.casefold() for word in self.protected)

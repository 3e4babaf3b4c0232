"""Repair presets as data (``data/repair_presets.toml``), as markdown-it-py keeps its
presets: a named set of rules plus the evidence a word edit needs. ``safe`` is the
default; ``aggressive`` keeps the frequency-driven behaviour for users who want more fixes
and accept more damage. Naming a preset or a rule that does not exist is an error."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pagewash.errors import UsageError
from pagewash.repair.names import RULES

PRESETS_FILE = "repair_presets.toml"
_KEYS = frozenset({"description", "rules", "language_gate", "evidence", "dictionaries", "never_touch"})
_EVIDENCE = ("required", "frequency")
_DICTIONARIES = ("all", "frequency")


@dataclass(frozen=True, slots=True)
class Preset:
    """One preset. ``evidence_required``: every word edit names its evidence (document,
    curated list, or dictionaries); ``all_dictionaries``: Hunspell joins wordfreq and
    pymorphy3 in the known-word test; ``language_gate``: word rules only in text
    identified as a supported language; ``never_touch``: the guards for quoted names,
    names beside initials, ALL-CAPS words and units after numbers."""

    name: str
    description: str
    rules: tuple[str, ...]
    language_gate: bool
    evidence_required: bool
    all_dictionaries: bool
    never_touch: bool


def preset(name: str | None) -> Preset:
    """The preset called ``name`` (None: the default one)."""
    default, presets = _presets()
    chosen = presets.get(name or default)
    if chosen is None:
        raise UsageError(f"unknown repair preset {name!r}; known presets: {', '.join(presets)}")
    return chosen


def names() -> tuple[str, ...]:
    return tuple(_presets()[1])


def default_name() -> str:
    return _presets()[0]


@cache
def _presets() -> tuple[str, dict[str, Preset]]:
    text = resources.files("pagewash.data").joinpath(PRESETS_FILE).read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    presets = {name: _preset(name, table) for name, table in raw.get("presets", {}).items()}
    default = raw.get("default")
    if not isinstance(default, str) or default not in presets:
        raise ValueError(f"{PRESETS_FILE}: default preset {default!r} is not defined")
    return default, presets


def _preset(name: str, table: dict[str, object]) -> Preset:
    unknown = sorted(set(table) - _KEYS)
    missing = sorted(_KEYS - set(table))
    if unknown or missing:
        raise ValueError(f"{PRESETS_FILE}: preset {name!r}: unknown keys {unknown}, missing keys {missing}")
    rules = table["rules"]
    if not isinstance(rules, list) or any(r not in RULES for r in rules):
        raise ValueError(f"{PRESETS_FILE}: preset {name!r}: rules must name known rules ({', '.join(RULES)})")
    evidence, dictionaries = table["evidence"], table["dictionaries"]
    if evidence not in _EVIDENCE or dictionaries not in _DICTIONARIES:
        raise ValueError(
            f"{PRESETS_FILE}: preset {name!r}: evidence is one of {_EVIDENCE}, "
            f"dictionaries one of {_DICTIONARIES}"
        )
    return Preset(
        name=name,
        description=str(table["description"]),
        rules=tuple(r for r in RULES if r in rules),
        language_gate=bool(table["language_gate"]),
        evidence_required=evidence == "required",
        all_dictionaries=dictionaries == "all",
        never_touch=bool(table["never_touch"]),
    )

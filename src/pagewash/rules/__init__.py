"""Boilerplate rules as data: the built-in ``boilerplate.toml`` plus an optional user file.

Rules are compiled once into plain frozen objects so the hot loops of the extractor only
look things up. A malformed user file raises ``RulesError`` naming the file and the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from pagewash.errors import RulesError

BUILTIN = Path(__file__).resolve().parent.parent / "data" / "boilerplate.toml"

THRESHOLD_DEFAULTS: dict[str, float] = {
    "length_low": 70,
    "length_high": 200,
    "stopwords_low": 0.30,
    "stopwords_high": 0.32,
    "max_link_density": 0.2,
    "max_heading_distance": 200,
    "container_share": 0.75,
    "cluster_ratio": 0.15,
    "wrapper_share": 0.4,
    "min_content_chars": 120,
}

REFERENCE_COVERAGE = 0.5  # the stop-word thresholds are set for a list covering this share
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_STRIP = " \t\r\n\u00a0.,:;!?·•|»«›‹→←↑↓>…-–—*()[]\"'"
_SPACE = re.compile(r"\s+")

TOKEN_MEMO_LIMIT = 20_000  # remembered class/id answers per rule set


def fold(text: str) -> str:
    """The form phrase rules are matched against: lower case, single spaces, no edge marks."""
    return _SPACE.sub(" ", text).strip(_STRIP).casefold()


@lru_cache(maxsize=8192)
def name_token(token: str) -> str:
    """A class or id as selector patterns see it: camelCase split by hyphens, lower case.

    ``RightRailContainer`` -> ``right-rail-container``, so one pattern serves both styles.
    """
    return _CAMEL.sub(r"\1-\2", token).lower()


@dataclass(frozen=True, slots=True)
class SelectorRule:
    """Drop elements by tag, ARIA role or a class/id token pattern."""

    rule: str
    reason: str
    tags: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    names: re.Pattern[str] | None = None
    not_inside: frozenset[str] = frozenset()
    optional: str | None = None


@dataclass(frozen=True, slots=True)
class PhraseRule:
    """Drop a block that is exactly a phrase, or a short block containing one."""

    rule: str
    reason: str
    exact: frozenset[str] = frozenset()
    contains: tuple[str, ...] = ()
    max_chars: int = 200


_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True, slots=True)
class NoteRules:
    """How a page's own footnotes are recognised: marks, notes areas, back-links, labels."""

    containers: re.Pattern[str] = _NEVER
    container_roles: frozenset[str] = frozenset()
    refs: re.Pattern[str] = _NEVER
    ref_roles: frozenset[str] = frozenset()
    backlinks: re.Pattern[str] = _NEVER
    backlink_roles: frozenset[str] = frozenset()
    backlink_marks: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()
    not_in: re.Pattern[str] = _NEVER


@dataclass(frozen=True, slots=True)
class CaptionRules:
    """Which caption rules spare numbered ("Figure 1", "Таблица 2") captions on papers."""

    rules: frozenset[str] = frozenset()
    numbered: re.Pattern[str] = _NEVER


@dataclass(frozen=True, slots=True)
class Rules:
    """Every rule the extractor applies, compiled."""

    selectors: tuple[SelectorRule, ...]
    phrases: tuple[PhraseRule, ...]
    thresholds: dict[str, float]
    stopwords: dict[str, frozenset[str]]
    stopword_scale: dict[str, float]
    hidden_classes: frozenset[str]
    continuation: re.Pattern[str]
    exact_index: dict[str, PhraseRule] = field(default_factory=dict)
    user_selectors: tuple[SelectorRule, ...] = ()
    notes: NoteRules = NoteRules()
    captions: CaptionRules = CaptionRules()
    _token_hits: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)

    def threshold(self, name: str) -> float:
        return self.thresholds[name]

    def tag_role_hits(self, tag: str, role: str) -> frozenset[int]:
        """Indexes of the selector rules naming this tag or ARIA role (remembered)."""
        key = f"{tag}|{role}"
        hits = self._token_hits.get(key)
        if hits is None:
            hits = frozenset(
                i
                for i, rule in enumerate(self.selectors)
                if tag in rule.tags or (role and role in rule.roles)
            )
            self._remember(key, hits)
        return hits

    def token_hits(self, token: str) -> frozenset[int]:
        """Indexes of the selector rules whose name patterns match ``token`` (remembered)."""
        hits = self._token_hits.get(token)
        if hits is None:
            hits = frozenset(
                i
                for i, rule in enumerate(self.selectors)
                if rule.names is not None and rule.names.search(token)
            )
            self._remember(token, hits)
        return hits

    def _remember(self, key: str, hits: frozenset[int]) -> None:
        """Keep an answer; sites share their framework's class names, so answers are worth
        keeping across pages, but a stream of pages with generated names must not grow the
        memo without bound (it is emptied at ``TOKEN_MEMO_LIMIT``)."""
        if len(self._token_hits) >= TOKEN_MEMO_LIMIT:
            self._token_hits.clear()
        self._token_hits[key] = hits

    def phrase_match(self, text: str) -> PhraseRule | None:
        """The first phrase rule matching ``text`` (already folded), or None."""
        hit = self.exact_index.get(text)
        if hit is not None:
            return hit
        for rule in self.phrases:
            if rule.contains and len(text) <= rule.max_chars:
                for phrase in rule.contains:
                    if phrase in text:
                        return rule
        return None


def load_rules(user_file: Path | None = None) -> Rules:
    """The built-in rules, extended by ``user_file`` when given.

    A user file is read and compiled once per version of it (its path, size and modification
    time): a batch converting thousands of pages with ``--rules`` compiles it once, and an
    edited file is read again.
    """
    if user_file is None:
        return _builtin()
    path = Path(user_file)
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise RulesError(f"rules file not found: {path}; pass an existing TOML file") from exc
    except OSError as exc:
        raise RulesError(f"cannot read rules file {path}: {exc.strerror}") from exc
    return _with_user_file(str(path.resolve()), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=8)
def _with_user_file(path: str, size: int, mtime_ns: int) -> Rules:
    """The built-in rules and the file at ``path`` (``size`` and ``mtime_ns`` key the cache)."""
    user = _read(Path(path))
    combined = _compile([_read(BUILTIN), user], origin=path)
    own = _compile([user], origin=path)
    return replace(combined, user_selectors=own.selectors)


@lru_cache(maxsize=1)
def _builtin() -> Rules:
    return _compile([_read(BUILTIN)], origin=str(BUILTIN))


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise RulesError(f"rules file not found: {path}; pass an existing TOML file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"rules file {path} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise RulesError(f"cannot read rules file {path}: {exc.strerror}") from exc


def _compile(sources: list[dict[str, Any]], origin: str) -> Rules:
    thresholds = dict(THRESHOLD_DEFAULTS)
    selectors: list[SelectorRule] = []
    phrases: list[PhraseRule] = []
    stopwords: dict[str, set[str]] = {}
    coverage: dict[str, float] = {}
    hidden: set[str] = set()
    continuation = r"(^|[-_])(more|full|rest|expand)([-_]|$)"
    for data in sources:
        _check_keys(
            data,
            {
                "schema",
                "thresholds",
                "hidden",
                "selector",
                "phrase",
                "stopwords",
                "stopword_coverage",
                "notes",
                "captions",
            },
            "top level",
            origin,
        )
        thresholds.update(_thresholds(data.get("thresholds", {}), origin))
        selectors.extend(_selector(e, i, origin) for i, e in enumerate(_tables(data, "selector", origin)))
        phrases.extend(_phrase(e, i, origin) for i, e in enumerate(_tables(data, "phrase", origin)))
        for lang, words in _table(data, "stopwords", origin).items():
            stopwords.setdefault(lang, set()).update(_words(words, f"stopwords.{lang}", origin))
        for lang, value in _table(data, "stopword_coverage", origin).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise RulesError(f"{origin}: stopword_coverage.{lang} must be a number in (0, 1]")
            coverage[lang] = float(value)
        hidden_table = _table(data, "hidden", origin)
        _check_keys(hidden_table, {"classes", "continuation"}, "[hidden]", origin)
        hidden.update(_strings(hidden_table.get("classes", []), "hidden.classes", origin))
        if "continuation" in hidden_table:
            continuation = _str(hidden_table["continuation"], "hidden.continuation", origin)
    notes = NoteRules()
    captions = CaptionRules()
    for data in sources:
        if "notes" in data:
            notes = _notes(_table(data, "notes", origin), origin)
        if "captions" in data:
            captions = _captions(_table(data, "captions", origin), origin)
    exact_index: dict[str, PhraseRule] = {}
    for rule in phrases:
        for phrase in rule.exact:
            exact_index.setdefault(phrase, rule)
    return Rules(
        selectors=tuple(selectors),
        phrases=tuple(phrases),
        thresholds=thresholds,
        stopwords={k: frozenset(v) for k, v in stopwords.items()},
        stopword_scale={k: coverage.get(k, REFERENCE_COVERAGE) / REFERENCE_COVERAGE for k in stopwords},
        hidden_classes=frozenset(c.lower() for c in hidden),
        continuation=_regex(continuation, "hidden.continuation", origin),
        exact_index=exact_index,
        notes=notes,
        captions=captions,
    )


def _notes(table: dict[str, Any], origin: str) -> NoteRules:
    _check_keys(
        table,
        {
            "containers",
            "container_roles",
            "refs",
            "ref_roles",
            "backlinks",
            "backlink_roles",
            "backlink_marks",
            "labels",
            "not_in",
        },
        "[notes]",
        origin,
    )

    def pattern(key: str) -> re.Pattern[str]:
        if key not in table:
            return _NEVER
        return _regex(_str(table[key], f"notes.{key}", origin), f"notes.{key}", origin)

    def words(key: str) -> frozenset[str]:
        return frozenset(fold(w) for w in _strings(table.get(key, []), f"notes.{key}", origin))

    return NoteRules(
        containers=pattern("containers"),
        container_roles=words("container_roles"),
        refs=pattern("refs"),
        ref_roles=words("ref_roles"),
        backlinks=pattern("backlinks"),
        backlink_roles=words("backlink_roles"),
        backlink_marks=frozenset(
            w.strip().casefold()
            for w in _strings(table.get("backlink_marks", []), "notes.backlink_marks", origin)
        ),
        labels=words("labels"),
        not_in=pattern("not_in"),
    )


def _captions(table: dict[str, Any], origin: str) -> CaptionRules:
    _check_keys(table, {"rules", "numbered"}, "[captions]", origin)
    numbered = table.get("numbered")
    return CaptionRules(
        rules=frozenset(_strings(table.get("rules", []), "captions.rules", origin)),
        numbered=(
            _regex(_str(numbered, "captions.numbered", origin), "captions.numbered", origin)
            if numbered is not None
            else _NEVER
        ),
    )


def _tables(data: dict[str, Any], key: str, origin: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RulesError(f"{origin}: '{key}' must be an array of tables ([[{key}]])")
    return value


def _table(data: dict[str, Any], key: str, origin: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise RulesError(f"{origin}: '{key}' must be a table ([{key}])")
    return value


def _check_keys(entry: dict[str, Any], allowed: set[str], where: str, origin: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise RulesError(
            f"{origin}: unknown key(s) {', '.join(unknown)} in {where}; allowed: {', '.join(sorted(allowed))}"
        )


def _thresholds(table: Any, origin: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise RulesError(f"{origin}: 'thresholds' must be a table")
    _check_keys(table, set(THRESHOLD_DEFAULTS), "[thresholds]", origin)
    out: dict[str, float] = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise RulesError(f"{origin}: thresholds.{key} must be a non-negative number")
        out[key] = float(value)
    return out


def _selector(entry: dict[str, Any], index: int, origin: str) -> SelectorRule:
    where = f"selector #{index + 1}"
    _check_keys(entry, {"rule", "reason", "tags", "roles", "names", "not_inside", "optional"}, where, origin)
    rule = _str(entry.get("rule"), f"{where}.rule", origin)
    names = _strings(entry.get("names", []), f"{where}.names", origin)
    tags = _strings(entry.get("tags", []), f"{where}.tags", origin)
    roles = _strings(entry.get("roles", []), f"{where}.roles", origin)
    if not (names or tags or roles):
        raise RulesError(f"{origin}: {where} ('{rule}') needs at least one of tags, roles, names")
    optional = entry.get("optional")
    if optional is not None:
        optional = _str(optional, f"{where}.optional", origin)
    pattern = _regex("|".join(f"(?:{n})" for n in names), f"{where}.names", origin) if names else None
    return SelectorRule(
        rule=rule,
        reason=str(entry.get("reason", "")),
        tags=frozenset(t.lower() for t in tags),
        roles=frozenset(r.lower() for r in roles),
        names=pattern,
        not_inside=frozenset(
            t.lower() for t in _strings(entry.get("not_inside", []), f"{where}.not_inside", origin)
        ),
        optional=optional,
    )


def _phrase(entry: dict[str, Any], index: int, origin: str) -> PhraseRule:
    where = f"phrase #{index + 1}"
    _check_keys(entry, {"rule", "reason", "exact", "contains", "max_chars"}, where, origin)
    rule = _str(entry.get("rule"), f"{where}.rule", origin)
    exact = _strings(entry.get("exact", []), f"{where}.exact", origin)
    contains = _strings(entry.get("contains", []), f"{where}.contains", origin)
    if not (exact or contains):
        raise RulesError(f"{origin}: {where} ('{rule}') needs 'exact' or 'contains' phrases")
    max_chars = entry.get("max_chars", 200)
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise RulesError(f"{origin}: {where}.max_chars must be a positive integer")
    return PhraseRule(
        rule=rule,
        reason=str(entry.get("reason", "")),
        exact=frozenset(fold(p) for p in exact),
        contains=tuple(fold(p) for p in contains),
        max_chars=max_chars,
    )


def _str(value: Any, where: str, origin: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RulesError(f"{origin}: {where} must be a non-empty string")
    return value


def _strings(value: Any, where: str, origin: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{origin}: {where} must be a list of strings")
    return value


def _words(value: Any, where: str, origin: str) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return _strings(value, where, origin)


def _regex(pattern: str, where: str, origin: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"{origin}: {where} is not a valid regular expression: {exc}") from exc

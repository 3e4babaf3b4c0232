"""The repair stage: a table of named text repairs, each edit recorded as a ``Change``.

Public API:

* ``RULES`` — rule names in table order; ``RepairConfig`` — which rules, languages, words;
* ``repair_document(doc, config)`` — repairs every editable text run of a ``Document`` with
  the whole document's word counts as evidence;
* ``repair_text(text, lang, config)`` — the same for one plain text;
* ``repair_records(records, config)`` — JSONL-style dicts ``{"id", "lang"?, "text"}`` in,
  ``{"id", "text", "changes"}`` out;
* ``apply_changes(text, changes)`` — replays recorded changes on the unrepaired text;
* ``config_from_options(options)`` — the pipeline's options turned into a ``RepairConfig``.

Rules run in table order, character rules first; the whole table repeats until the text
stops changing, so repairing repaired text changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pagewash.document import Block, Change, Document, iter_blocks, map_text
from pagewash.errors import UsageError
from pagewash.repair import data
from pagewash.repair.lexicon import SUPPORTED
from pagewash.repair.rules import RULES, TABLE
from pagewash.repair.table import (
    Context,
    Evidence,
    RepairConfig,
    Rule,
    apply_changes,
    apply_rule,
)

if TYPE_CHECKING:
    from pagewash.pipeline import Options

__all__ = [
    "RULES",
    "RepairConfig",
    "apply_changes",
    "config_from_options",
    "repair_document",
    "repair_records",
    "repair_text",
]

MAX_PASSES = 4


def config_from_options(opts: Options) -> RepairConfig:
    """Build the repair configuration from pipeline options, reading the user's files."""
    languages = opts.languages
    if languages is not None:
        unknown = sorted(set(languages) - set(SUPPORTED))
        if unknown:
            raise UsageError(f"unsupported repair language(s): {', '.join(unknown)}; "
                             f"supported: {', '.join(SUPPORTED)}")
    protected = data.read_protected(opts.protected_words) if opts.protected_words else frozenset()
    fixes = data.read_corrections(opts.corrections) if opts.corrections else {}
    return RepairConfig(rules=opts.repair_rules, skip=tuple(opts.skip_repair),
                        protected=protected, corrections=fixes, languages=languages)


def _rules(config: RepairConfig) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    enabled = set(config.enabled())
    chosen = [rule for rule in TABLE if rule.name in enabled]
    return (tuple(r for r in chosen if r.phase == "text"),
            tuple(r for r in chosen if r.phase == "word"))


def _protected(config: RepairConfig) -> frozenset[str]:
    return config.protected_folded() | data.words("protected.txt")


def _base_lang(lang: str | None) -> str | None:
    """"ru-RU" → "ru"; None stays None."""
    return lang.split("-")[0].split("_")[0].lower() if lang else None


def repair_text(text: str, lang: str | None = None,
                config: RepairConfig | None = None) -> tuple[str, list[Change]]:
    """Repair one plain text; the text itself is the evidence. Returns text and changes."""
    config = config or RepairConfig()
    text_rules, word_rules = _rules(config)
    ctx = Context(_base_lang(lang), Evidence(), config, _protected(config))
    changes: list[Change] = []
    for _ in range(MAX_PASSES):
        start = len(changes)
        for rule in text_rules:
            text = apply_rule(text, rule, ctx, changes, None)
        ctx.evidence = Evidence([text])
        for rule in word_rules:
            text = apply_rule(text, rule, ctx, changes, None)
        if len(changes) == start:
            break
    return text, changes


def repair_document(doc: Document, config: RepairConfig | None = None) -> Document:
    """Repair every editable text run (never code, URLs or link targets) of ``doc``."""
    config = config or RepairConfig()
    text_rules, word_rules = _rules(config)
    langs = _block_languages(doc.blocks)
    protected = _protected(config)
    changes: list[Change] = []
    blocks = doc.blocks
    for _ in range(MAX_PASSES):
        start = len(changes)
        blocks = map_text(blocks, _runner(text_rules, langs, Evidence(), config, protected,
                                          changes))
        evidence = Evidence(_run_texts(blocks))
        blocks = map_text(blocks, _runner(word_rules, langs, evidence, config, protected,
                                          changes))
        if len(changes) == start:
            break
    if not changes:
        return doc
    return replace(doc, blocks=blocks).with_changes(changes)


def _runner(rules: tuple[Rule, ...], langs: dict[str, str | None], evidence: Evidence,
            config: RepairConfig, protected: frozenset[str],
            changes: list[Change]) -> Callable[[str, str, Block], str]:
    """A ``map_text`` callback running ``rules`` on one run, recording into ``changes``."""

    def run(text: str, path: str, _block: Block) -> str:
        ctx = Context(langs.get(path), evidence, config, protected)
        for rule in rules:
            text = apply_rule(text, rule, ctx, changes, path)
        return text

    return run


def _run_texts(blocks: tuple[Block, ...]) -> list[str]:
    texts: list[str] = []

    def collect(text: str, _path: str, _block: Block) -> str:
        texts.append(text)
        return text

    map_text(blocks, collect)
    return texts


def _block_languages(blocks: tuple[Block, ...]) -> dict[str, str | None]:
    """Each block's language: its own ``lang`` or the nearest enclosing block's."""
    langs: dict[str, str | None] = {}
    for path, block in iter_blocks(blocks):
        lang = _base_lang(getattr(block, "lang", None))
        if lang is None:
            parts = path.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                parent = ".".join(parts[:cut])
                if langs.get(parent):
                    lang = langs[parent]
                    break
        langs[path] = lang
    return langs


def repair_records(records: Iterable[dict[str, Any]],
                   config: RepairConfig | None = None) -> Iterator[dict[str, Any]]:
    """Repair JSONL-style records ``{"id", "lang"?, "text"}`` one by one, yielding
    ``{"id", "text", "changes"}``; each record is its own evidence."""
    config = config or RepairConfig()
    for number, record in enumerate(records, 1):
        text = record.get("text")
        if not isinstance(text, str):
            raise UsageError(f"record {number}: 'text' must be a string")
        lang = record.get("lang")
        repaired, changes = repair_text(text, lang if isinstance(lang, str) else None, config)
        yield {"id": record.get("id"), "text": repaired,
               "changes": [change.to_dict() for change in changes]}

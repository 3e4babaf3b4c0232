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
from typing import Any, cast

from pagewash.document import (
    Block,
    Change,
    Document,
    Heading,
    Metadata,
    Paragraph,
    Table,
    block_text,
    iter_blocks,
    map_text,
)
from pagewash.errors import UsageError
from pagewash.options import Options, RepairOptions
from pagewash.repair import data
from pagewash.repair.config import RepairConfig
from pagewash.repair.engine import Context, Rule, apply_changes, apply_rule
from pagewash.repair.evidence import Evidence, RecordingEvidence, same_answers
from pagewash.repair.gate import segments
from pagewash.repair.lexicon import SUPPORTED
from pagewash.repair.names import RULES
from pagewash.repair.registry import TABLE
from pagewash.repair.screen import unsettled
from pagewash.text import Identified, identify
from pagewash.text.languages import primary

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
# repair_text counts the evidence afresh on every pass instead of looping the table inside
# a recount loop (4 x 4 passes before), so it allows twice the passes of one loop.
TEXT_PASSES = 2 * MAX_PASSES


def config_from_options(options: RepairOptions | Options) -> RepairConfig:
    """Build the repair configuration from the repair options, reading the user's files."""
    opts = options.repairing if isinstance(options, Options) else options
    languages = opts.languages
    if languages is not None:
        unknown = sorted(set(languages) - set(SUPPORTED))
        if unknown:
            raise UsageError(
                f"unsupported repair language(s): {', '.join(unknown)}; supported: {', '.join(SUPPORTED)}"
            )
    protected = data.read_protected(opts.protected_words) if opts.protected_words else frozenset()
    fixes = data.read_corrections(opts.corrections) if opts.corrections else {}
    return RepairConfig(
        rules=opts.rules,
        skip=tuple(opts.skip),
        protected=protected,
        corrections=fixes,
        languages=languages,
        preset=opts.preset,
    )


def _rules(config: RepairConfig) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    enabled = set(config.enabled())
    chosen = [rule for rule in TABLE if rule.name in enabled]
    return (tuple(r for r in chosen if r.phase == "text"), tuple(r for r in chosen if r.phase == "word"))


def _protected(config: RepairConfig) -> frozenset[str]:
    """User and bundled protected words, and the user's corrections (a word the user chose
    is never "corrected" again by a later rule)."""
    chosen = frozenset(right.casefold() for right in config.corrections.values())
    return config.protected_folded() | data.words("protected.txt") | chosen


def _base_lang(lang: str | None) -> str | None:
    """ "ru-RU" → "ru"; None and tags naming no language give None."""
    return primary(lang)


def repair_text(
    text: str, lang: str | None = None, config: RepairConfig | None = None
) -> tuple[str, list[Change]]:
    """Repair one plain text; the text itself is the evidence. Returns text and changes."""
    config = config or RepairConfig()
    changes: list[Change] = []
    table = _Table(config, _protected(config))
    given = _base_lang(lang)
    # Each pass counts the evidence afresh from the text it repairs, until a pass changes
    # nothing: repairing the result again then finds nothing more to do (an edit such as a
    # removed doubled word changes the counts later rules rely on).
    for _ in range(TEXT_PASSES):
        start = len(changes)
        evidence = Evidence([text])
        text = table.run(table.text_rules, text, given, evidence, changes, None)
        # The whole text's language is the hint for lines too short to identify; it is taken
        # after the character repairs, so repairing the result again sees the same hint.
        lang = given or (_text_language(text) if table.gated else None)
        text = table.run(table.word_rules, text, lang, evidence, changes, None)
        if len(changes) == start:
            break
    return text, changes


def _text_language(text: str) -> str | None:
    """The language of a whole plain text, the hint for its lines too short to identify."""
    found = identify(text)
    return found.lang if found.confident else None


def _repair_run(
    text: str, lang: str | None, evidence: Evidence, table: _Table, changes: list[Change], block: str | None
) -> str:
    for _ in range(MAX_PASSES):
        start = len(changes)
        for rules in (table.text_rules, table.word_rules):
            text = table.run(rules, text, lang, evidence, changes, block)
        if len(changes) == start:
            break
    return text


class _Table:
    """The enabled rules of one repair call, and the texts they are known to leave alone.

    Rules see only the text, its language, the configuration and the document's word
    counts; a text that a rule set left unchanged comes out unchanged again if the counts
    it asked about are the same (or it asked nothing). The fixed-point passes after an
    edit, and metadata repeating body text (abstracts), ask again for mostly such texts:
    they are skipped."""

    def __init__(self, config: RepairConfig, protected: frozenset[str]) -> None:
        self.text_rules, self.word_rules = _rules(config)
        self.config = config
        self.protected = protected
        self.gated = config.profile().language_gate
        # Block path -> identification of the whole block (the document repair sets it).
        self.blocks: dict[str, Identified] = {}
        self._settled: set[tuple[str, str, str | None, bool | None]] = set()
        # Texts left alone that asked the evidence questions: the questions and answers.
        self._unchanged: dict[tuple[str, str, str | None, bool | None], dict[tuple[str, str], object]] = {}

    def run(
        self,
        rules: tuple[Rule, ...],
        text: str,
        lang: str | None,
        evidence: Evidence,
        changes: list[Change],
        block: str | None,
    ) -> str:
        """``rules`` applied in order to ``text``, the applied edits recorded in ``changes``.

        Under the language gate, word rules run on each segment of the text whose language
        is supported, with that language, and never on the others."""
        if not rules:
            return text
        if not self.gated or rules[0].phase != "word":
            return self._run(rules, text, lang, evidence, changes, block, None)
        block_ident = self.blocks.get(block) if block is not None else None
        spans = segments(text, lang, block_ident)
        if len(spans) == 1:
            _, _, only, sure = spans[0]
            return self._run(rules, text, only, evidence, changes, block, sure) if only else text
        out: list[str] = []
        for start, end, span_lang, sure in spans:
            piece = text[start:end]
            if span_lang is None:
                out.append(piece)
                continue
            first = len(changes)
            piece = self._run(rules, piece, span_lang, evidence, changes, block, sure)
            base = sum(map(len, out))
            for i in range(first, len(changes)):
                changes[i] = replace(changes[i], offset=(changes[i].offset or 0) + base)
            out.append(piece)
        return "".join(out)

    def _run(
        self,
        rules: tuple[Rule, ...],
        text: str,
        lang: str | None,
        evidence: Evidence,
        changes: list[Change],
        block: str | None,
        sure: bool | None,
    ) -> str:
        key = (rules[0].phase, text, lang, sure)
        if key in self._settled:
            return text
        answers = self._unchanged.get(key)
        if answers is not None and same_answers(answers, evidence):
            return text  # left alone before, and the counts it asked about are the same
        recorder = RecordingEvidence(evidence)
        ctx = Context(
            lang,
            cast(Evidence, recorder),
            self.config,
            self.protected,
            gated=sure is not None,
            sure=bool(sure),
        )
        start = len(changes)
        screened = self.gated and rules[0].phase == "word" and not unsettled(text, lang)
        for rule in rules:
            if screened and rule.needs_unsettled:
                continue  # every word is settled: this rule could not edit one
            text = apply_rule(text, rule, ctx, changes, block)
        if len(changes) == start:
            if recorder.answers:
                self._unchanged[key] = recorder.answers
            else:
                self._settled.add(key)
        return text


def repair_document(doc: Document, config: RepairConfig | None = None) -> Document:
    """Repair every editable text run of ``doc`` (blocks, notes, and the metadata's title,
    description, abstracts and keywords); code, URLs and link targets are never touched.

    Word counts over the whole document are the evidence. Changes point at block paths
    ("3", "5.1.0"), "notes.<i>.<path>" or "metadata.<field>[.<i>]".
    """
    config = config or RepairConfig()
    table = _Table(config, _protected(config))
    changes: list[Change] = []
    parts = _Parts(doc.blocks, tuple(note.blocks for note in doc.notes))
    evidence = _FreshEvidence(parts, changes)
    for _ in range(MAX_PASSES):
        start = len(changes)
        parts.map(_runner(table, table.text_rules, parts.langs, evidence.get(), changes))
        if table.gated:
            # Identified after the character repairs of this pass, so that repairing the
            # result again sees the same languages (a no-break space or a look-alike letter
            # changes what the identifier reads).
            parts.gate(table, _base_lang(doc.metadata.language))
        parts.map(_runner(table, table.word_rules, parts.langs, evidence.get(), changes))
        if len(changes) == start:
            break
    metadata = _repair_metadata(doc.metadata, evidence.get(), table, changes)
    if not changes:
        return doc
    notes = tuple(replace(note, blocks=blocks) for note, blocks in zip(doc.notes, parts.notes, strict=True))
    return replace(doc, blocks=parts.blocks, notes=notes, metadata=metadata).with_changes(changes)


class _FreshEvidence:
    """The document's word counts, recounted only after an edit (counting and indexing a
    long page costs more than most rules)."""

    def __init__(self, parts: _Parts, changes: list[Change]) -> None:
        self._parts = parts
        self._changes = changes
        self._evidence: Evidence | None = None
        self._counted_at = -1

    def get(self) -> Evidence:
        if self._evidence is None or self._counted_at != len(self._changes):
            self._evidence = Evidence(self._parts.texts())
            self._counted_at = len(self._changes)
        return self._evidence


class _Parts:
    """The document's block trees (body and notes) with their paths and languages."""

    def __init__(self, blocks: tuple[Block, ...], notes: tuple[tuple[Block, ...], ...]) -> None:
        self.blocks = blocks
        self.notes = notes
        self.langs = _block_languages(blocks)
        for index, note in enumerate(notes):
            self.langs.update(_block_languages(note, f"notes.{index}."))

    def gate(self, table: _Table, page_lang: str | None) -> None:
        """Identify each text block for the language gate; a block without a language of
        its own takes the page's."""
        for prefix, blocks in (
            ("", self.blocks),
            *((f"notes.{i}.", note) for i, note in enumerate(self.notes)),
        ):
            for path, block in iter_blocks(blocks, prefix):
                if isinstance(block, (Heading, Paragraph, Table)):
                    table.blocks[path] = identify(block_text(block))
                    if self.langs.get(path) is None:
                        self.langs[path] = page_lang

    def map(self, fn: Callable[[str, str, Block], str]) -> None:
        self.blocks = map_text(self.blocks, fn)
        self.notes = tuple(map_text(note, fn, f"notes.{i}.") for i, note in enumerate(self.notes))

    def texts(self) -> list[str]:
        texts = _run_texts(self.blocks)
        for note in self.notes:
            texts += _run_texts(note)
        return texts


def _repair_metadata(meta: Metadata, evidence: Evidence, table: _Table, changes: list[Change]) -> Metadata:
    """Title, subtitle, description, abstracts and keywords get the same repairs as the
    body, so front matter and records never disagree with the text."""

    page_lang = _base_lang(meta.language)

    def fix(text: str | None, lang: str | None, where: str) -> str | None:
        if not text:
            return text
        lang = _base_lang(lang) or (page_lang if table.gated else None)
        return _repair_run(text, lang, evidence, table, changes, f"metadata.{where}")

    abstracts = tuple(
        replace(a, text=fix(a.text, a.lang, f"abstracts.{i}") or a.text) for i, a in enumerate(meta.abstracts)
    )
    keywords = tuple(fix(k, None, f"keywords.{i}") or k for i, k in enumerate(meta.keywords))
    return replace(
        meta,
        title=fix(meta.title, None, "title"),
        subtitle=fix(meta.subtitle, None, "subtitle"),
        description=fix(meta.description, None, "description"),
        abstracts=abstracts,
        keywords=keywords,
    )


def _runner(
    table: _Table,
    rules: tuple[Rule, ...],
    langs: dict[str, str | None],
    evidence: Evidence,
    changes: list[Change],
) -> Callable[[str, str, Block], str]:
    """A ``map_text`` callback running ``rules`` on one run, recording into ``changes``."""

    def run(text: str, path: str, _block: Block) -> str:
        return table.run(rules, text, langs.get(path), evidence, changes, path)

    return run


def _run_texts(blocks: tuple[Block, ...]) -> list[str]:
    texts: list[str] = []

    def collect(text: str, _path: str, _block: Block) -> str:
        texts.append(text)
        return text

    map_text(blocks, collect)
    return texts


def _block_languages(blocks: tuple[Block, ...], prefix: str = "") -> dict[str, str | None]:
    """Each block's language: its own ``lang`` or the nearest enclosing block's."""
    langs: dict[str, str | None] = {}
    for path, block in iter_blocks(blocks, prefix):
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


def repair_records(
    records: Iterable[dict[str, Any]], config: RepairConfig | None = None
) -> Iterator[dict[str, Any]]:
    """Repair JSONL-style records ``{"id", "lang"?, "text"}`` one by one, yielding
    ``{"id", "text", "changes"}``; each record is its own evidence."""
    config = config or RepairConfig()
    for number, record in enumerate(records, 1):
        text = record.get("text")
        if not isinstance(text, str):
            raise UsageError(f"record {number}: 'text' must be a string")
        lang = record.get("lang")
        repaired, changes = repair_text(text, lang if isinstance(lang, str) else None, config)
        yield {"id": record.get("id"), "text": repaired, "changes": [change.to_dict() for change in changes]}

"""Languages in pandoc's output: tags, locales, and the script of each word.

Word proofs a run in the language its ``w:lang`` names, and readers choose a voice by
``xml:lang``; the tables in ``data/render_languages.toml`` say which locale a language gets
("ru" -> "ru-RU") and which language a word in another script is in.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pagewash.document import Document
from pagewash.text.languages import base_language, bcp47
from pagewash.text.scripts import word_script

DEFAULT_LANGUAGE = "en"
normalise_language = bcp47  # the name the writers use for it
JSON = dict[str, Any]
LangAttr = Callable[[str], list[Any]]  # a language -> the pandoc attribute naming it


@dataclass(frozen=True, slots=True)
class LanguageTables:
    locale: dict[str, str]
    script: dict[str, str]
    script_language: dict[str, str]


@cache
def language_tables() -> LanguageTables:
    """The language tables from ``data/render_languages.toml`` (read once)."""
    text = resources.files("pagewash.data").joinpath("render_languages.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return LanguageTables(data["locale"], data["script"], data["script_language"])


def document_language(doc: Document) -> str:
    """The main language: the first usable of the metadata languages, else English."""
    for candidate in doc.metadata.languages:
        tag = normalise_language(candidate)
        if tag:
            return tag
    return DEFAULT_LANGUAGE


def regional(tag: str) -> str:
    if "-" in tag:
        return tag
    return language_tables().locale.get(tag, tag)


def run_language(text: str, default: str) -> str:
    """The proofing language of a run by its script, else the document's language."""
    tables = language_tables()
    script = word_script(text)
    own = tables.script.get(base_language(default))
    lang = tables.script_language.get(script, default) if script and script != own else default
    if "-" in lang:
        return lang
    return tables.locale.get(base_language(lang), lang)


CONTAINERS = frozenset({"Emph", "Strong", "Superscript", "Subscript", "Span"})
NESTED = CONTAINERS | {"Link"}


def mark_foreign_words(items: list[JSON], lang: str, lang_attr: LangAttr) -> list[JSON]:
    """Wrap runs of words written in another script than ``lang`` in a ``Span`` with a lang.

    Spaces and punctuation between two foreign words stay inside the span; anything else
    (code, notes, the block's own words) ends it.
    """
    tables = language_tables()
    own = tables.script.get(base_language(lang))
    if own is None or not any(item["t"] in NESTED or _foreign_language(item, own, tables) for item in items):
        return items
    out: list[JSON] = []
    group: list[JSON] = []
    group_lang: str | None = None
    pending: list[JSON] = []

    def flush() -> None:
        nonlocal group, group_lang
        if group and group_lang:
            out.append({"t": "Span", "c": [lang_attr(group_lang), group]})
            group, group_lang = [], None
        if pending:
            out.extend(pending)
            pending.clear()

    for item in items:
        kind = item["t"]
        if kind in CONTAINERS:
            item = {"t": kind, "c": _mark_children(item, lang, lang_attr)}
        elif kind == "Link":
            attr, children, target = item["c"]
            item = {"t": "Link", "c": [attr, mark_foreign_words(children, lang, lang_attr), target]}
        target_lang = _foreign_language(item, own, tables)
        if target_lang is None and kind in ("Space", "Str") and group:
            pending.append(item)
        elif target_lang is None:
            flush()
            out.append(item)
        elif target_lang == group_lang:
            group.extend(pending)
            pending.clear()
            group.append(item)
        else:
            flush()
            group, group_lang = [item], target_lang
    flush()
    return out


def _mark_children(item: JSON, lang: str, lang_attr: LangAttr) -> Any:
    if item["t"] == "Span":
        attr, children = item["c"]
        return [attr, mark_foreign_words(children, lang, lang_attr)]
    return mark_foreign_words(item["c"], lang, lang_attr)


def _foreign_language(item: JSON, own: str, tables: LanguageTables) -> str | None:
    if item["t"] != "Str":
        return None
    script = word_script(item["c"])
    if script is None or script == own:
        return None
    return tables.script_language.get(script)

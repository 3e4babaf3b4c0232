"""DOM -> Document: keep the main content, its structure and metadata; log every removal.

The steps read as a few calls: cut the page into units, classify each alone, revise with
neighbours, keep the main container, recognise the scholarly parts, nest the kept units
back into blocks. Every unit dropped becomes a ``Change`` naming its rule.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pagewash.document import (
    Abstract,
    Block,
    Change,
    Document,
    Metadata,
    Section,
    block_text,
)
from pagewash.extraction import metadata as meta_mod
from pagewash.extraction import scholarly, score
from pagewash.extraction.blocks import assemble
from pagewash.extraction.lang import identified_language, language_of, normalise, script_of
from pagewash.extraction.notes import attach_notes
from pagewash.extraction.readmore import merge_continuations
from pagewash.extraction.segment import segment_page
from pagewash.extraction.units import Unit
from pagewash.options import ExtractOptions
from pagewash.parse import ParsedPage
from pagewash.parse.head import Removal, quote
from pagewash.rules import Rules, SelectorRule, fold, load_rules

__all__ = ["extract"]

_TITLE_SEPARATORS = frozenset("|—–-:·«»/")
LANGUAGE_SHARE = 0.1
TITLE_OVERLAP = 0.8
_WORD = re.compile(r"\w+")  # a language joins metadata.languages with this share of the text


def extract(page: ParsedPage, options: ExtractOptions | None = None) -> Document:
    """The main content of a parsed page as a ``Document`` (status "empty" when there is none).

    ``options.rules`` is a user TOML file extending the built-in boilerplate rules;
    ``options.keep_comments`` keeps reader comment sections; ``options.url`` is the page's
    address (metadata, relative links).
    """
    if not isinstance(page, ParsedPage):
        raise TypeError(f"extract() takes the ParsedPage of parse(), not {type(page).__name__}")
    options = options or ExtractOptions()
    url, keep_comments = options.url, options.keep_comments
    compiled = load_rules(options.rules)
    tree, head = page.soup, page.head
    changes = [_removal_change(r) for r in page.removals]
    metadata = meta_mod.from_head(head, url)
    page_lang = meta_mod.declared_language(head)

    units, removals, found_notes = segment_page(
        tree, url, _tree_selectors(compiled, keep_comments), compiled.threshold("wrapper_share")
    )
    changes.extend(_removal_change(r) for r in removals)
    units = merge_continuations(units, changes)
    for _, note_units in found_notes:
        _set_languages(note_units, page_lang)
    scholarly.strip_clutter(units, compiled, changes)
    units = scholarly.split_keywords(units, metadata.title, changes)
    paper = scholarly.is_paper(units, head)
    if not paper:
        _drop_captions(units, compiled)

    score.classify(units, compiled, score.stopword_sets(compiled, units))
    score.revise(units, compiled)
    scholarly.mark_parts(units)
    scholarly.force_parts(units)
    if paper:
        scholarly.force_captions(units)
    metadata = _take_title(units, metadata)
    scholarly.drop_bylines(units, metadata.authors)
    _select(units, compiled)
    if _kept_chars(units) < compiled.threshold("min_content_chars"):
        _fallback(units, compiled)
        _select(units, compiled)

    kept = [u for u in units if u.kept]
    _set_languages(kept, page_lang)
    changes.extend(_unit_change(u) for u in units if not u.kept and u.text.strip())
    metadata = _finish_metadata(metadata, units, kept, page_lang)
    if _kept_chars(units) < compiled.threshold("min_content_chars") and not _has_structure(kept):
        return Document(
            metadata=metadata, changes=tuple(changes), status="empty", reason=_empty_reason(units)
        )
    blocks, notes = attach_notes(assemble(kept), found_notes, changes)
    metadata = replace(metadata, abstracts=_abstracts(blocks))
    return Document(metadata=metadata, blocks=blocks, notes=notes, changes=tuple(changes))


# ------------------------------------------------------------------ steps


def _tree_selectors(compiled: Rules, keep_comments: bool) -> tuple[SelectorRule, ...]:
    """Rules the parser did not apply: optional ones (unless kept) and a user file's rules."""
    optional = tuple(r for r in compiled.selectors if r.optional and not keep_comments)
    return optional + tuple(r for r in compiled.user_selectors if not r.optional)


def _set_languages(units: list[Unit], page_lang: str | None) -> None:
    """Each unit's language: what the identifier finds with confidence, else the declared
    language, else the language the page's identified text of that script mostly has.
    (Only kept units are identified: identifying every scrap of page chrome would cost a
    third of the extraction.)"""
    found = {id(unit): identified_language(unit.text) for unit in units}
    volume: dict[tuple[str | None, str], int] = {}
    for unit in units:
        lang = found[id(unit)]
        if lang:
            key = (unit.script, lang)
            volume[key] = volume.get(key, 0) + unit.length
    dominant: dict[str | None, str] = {}
    for (script, lang), _ in sorted(volume.items(), key=lambda item: -item[1]):
        dominant.setdefault(script, lang)
    for unit in units:
        unit.lang = found[id(unit)] or language_of(
            unit.script, unit.lang_attr, page_lang, dominant.get(unit.script)
        )


def _drop_captions(units: list[Unit], compiled: Rules) -> None:
    """Numbered captions the parser spared are dropped like other captions off papers."""
    reasons = {r.rule: r.reason for r in compiled.selectors}
    for unit in units:
        if "caption" in unit.hints:
            rule = next(iter(sorted(compiled.captions.rules)), "figure-caption")
            unit.drop(rule, reasons.get(rule, "a figure caption"))


def _take_title(units: list[Unit], metadata: Metadata) -> Metadata:
    """The page title goes to the metadata, not the body: drop its heading (and subtitle)."""
    title = metadata.title
    top = next((u for u in units if u.kind == "h" and u.level == 1), None)
    top = top or next((u for u in units if u.kind == "h" and u.level == 2), None)
    if title and top is not None and _title_with_site(title, top.text):
        title = top.text.strip()
        metadata = replace(metadata, title=title)
    if not title:
        first_h1 = next(
            (
                u
                for u in units
                if u.kind == "h" and u.level == 1 and (u.rule is None or u.rule in score.STATISTICAL)
            ),
            None,
        )
        if first_h1 is None:
            return metadata
        title = first_h1.text.strip()
        metadata = replace(metadata, title=title)
    targets = {fold(t) for t in (title, metadata.subtitle) if t}
    folded_title = fold(title)
    for unit in units:
        if unit.kind not in ("h", "p") or unit.length > 400:
            continue
        text = fold(unit.text)
        if not text:
            continue
        same = text in targets
        near = (
            unit.kind == "h"
            and unit.level == 1
            and len(text) >= 10
            and (text in folded_title or folded_title in text or _same_words(text, folded_title))
        )
        if same or near:
            unit.final = "bad"
            unit.forced = False
            unit.rule = "title"
            unit.reason = "the title, moved to the document metadata"
    return metadata


def _select(units: list[Unit], compiled: Rules) -> None:
    """Keep the main container's text: container, strong clusters, rescues, headings."""
    container = score.restrict_to_container(units, compiled.threshold("container_share"))
    strong = score.strong_elements(units, container, compiled.threshold("cluster_ratio"))
    score.drop_weak(units, strong)
    score.rescue_in_container(units, container, strong)
    score.keep_headings_in_container(units, container)
    score.keep_code_in_container(units, container)
    score.fill_gaps(units, container)


def _title_with_site(title: str, heading: str) -> bool:
    """True for "Heading — Site" or "Site :: Heading" titles around the page's top heading."""
    heading = heading.strip()
    if len(heading) < 3 or title == heading:
        return False
    if title.startswith(heading):
        return title[len(heading) :].lstrip()[:1] in _TITLE_SEPARATORS
    if title.endswith(heading):
        return title[: -len(heading)].rstrip()[-1:] in _TITLE_SEPARATORS
    return False


def _same_words(first: str, second: str) -> bool:
    """Two titles sharing at least ``TITLE_OVERLAP`` of their words (a reworded og:title)."""
    a, b = set(_WORD.findall(first)), set(_WORD.findall(second))
    return bool(a and b) and len(a & b) >= TITLE_OVERLAP * max(len(a), len(b))


def _kept_chars(units: list[Unit]) -> int:
    return sum(u.length for u in units if u.kept)


def _has_structure(kept: list[Unit]) -> bool:
    return any(u.kind in ("pre", "table") for u in kept)


def _fallback(units: list[Unit], compiled: Rules) -> None:
    """Too little good text: keep the non-chrome prose of the densest container instead.

    Short articles (a few short paragraphs) never reach jusText's "good"; units dropped only
    by the statistics get a second chance when they are not link text.
    """
    max_links = compiled.threshold("max_link_density")
    for unit in units:
        statistical = unit.rule in score.STATISTICAL and unit.rule != "link-density"
        prose = unit.kind != "h" and unit.link_density <= max_links and unit.length >= 20
        if statistical and prose:
            unit.final = "good"
            unit.rule = None
            unit.reason = ""
    score.restrict_to_container(units, compiled.threshold("container_share"))


def _finish_metadata(
    metadata: Metadata, units: list[Unit], kept: list[Unit], page_lang: str | None
) -> Metadata:
    keywords = metadata.keywords
    visible = [u for u in kept if u.part == "keywords"]
    if visible:
        keywords = tuple(dict.fromkeys(k for u in visible for k in scholarly.keyword_list(u.text)))
    doi = metadata.doi
    if doi is None:
        doi = next(
            (d for u in units if "doi" in u.text.casefold() for d in [meta_mod.find_doi(u.text)] if d), None
        )
    return replace(
        metadata, keywords=keywords, doi=doi, languages=_languages(kept, metadata.languages, page_lang)
    )


def _languages(kept: list[Unit], declared: tuple[str, ...], page_lang: str | None) -> tuple:
    volume: dict[str, int] = {}
    for unit in kept:
        if unit.lang:
            volume[unit.lang] = volume.get(unit.lang, 0) + unit.length
    total = sum(volume.values())
    ordered = list(declared)
    if not ordered:
        ranked = sorted(volume, key=lambda lang: -volume[lang])
        if ranked:
            ordered.append(ranked[0])
        elif (page_tag := normalise(page_lang)) is not None:
            ordered.append(page_tag)
    for lang in sorted(volume, key=lambda lang: -volume[lang]):
        if lang not in ordered and total and volume[lang] >= LANGUAGE_SHARE * total:
            ordered.append(lang)
    return tuple(ordered)


def _abstracts(blocks: tuple[Block, ...]) -> tuple[Abstract, ...]:
    out = []
    for block in blocks:
        if isinstance(block, Section) and block.role == "abstract":
            paragraphs = [b for b in block.blocks if not hasattr(b, "level")]
            text = "\n\n".join(block_text(b) for b in paragraphs if block_text(b))
            lang = block.lang or (script_of(text) == "cyrl" and "ru") or None
            if text:
                out.append(Abstract(lang=lang, text=text))
    return tuple(out)


def _empty_reason(units: list[Unit]) -> str:
    wall = next((u for u in units if u.rule == "login-wall"), None)
    if wall is not None:
        return f"no main content: the page is a login or subscription wall ({quote(wall.text, 60)})"
    if not any(u.text.strip() for u in units):
        return "no main content: the page has no readable text"
    return "no main content: the page holds only navigation and page chrome"


# ------------------------------------------------------------------ change records


def _removal_change(removal: Removal) -> Change:
    return Change(
        stage="extract",
        rule=removal.rule,
        before=removal.quote,
        after="",
        reason=f"{removal.reason} [{removal.origin}]" if removal.origin else removal.reason,
    )


def _unit_change(unit: Unit) -> Change:
    reason = unit.reason or "boilerplate"
    return Change(
        stage="extract",
        rule=unit.rule or "boilerplate",
        before=quote(unit.text),
        after="",
        reason=f"{reason} [{unit.origin}]" if unit.origin else reason,
    )

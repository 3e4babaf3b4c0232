"""Hyphens Russian compounds lose to scrapers and hurried typing: "СевероВосточной",
"научноисследовательском", "штабквартира", "ктото", "изза"."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from pagewash.repair import data, evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.lexicon import Lexicon, lexicon, remember
from pagewash.repair.lexicon.dictionaries import hunspell_knows

_CAMEL = re.compile(
    r"(?<![\w\-])[А-ЯЁа-яё]*[а-яё][А-ЯЁ][А-ЯЁа-яё]*(?![\w\-])"
    r"|(?<![\w\-])[А-ЯЁ]{2,}[А-ЯЁ][а-яё]+(?![\w\-])"
)
_CAMEL_PART = re.compile(r"[А-ЯЁ]{2,}(?![а-яё])|[А-ЯЁ]?[а-яё]+")
_ACRONYM_WORD = re.compile(r"(?<![\w\-])([А-ЯЁ]{2,5})([а-яё]{4,})(?![\w\-])")
_FUSED = re.compile(r"(?<![\w\-])[А-ЯЁа-яё][а-яё]{3,}(?![\w\-])")
_LINKING = ("о", "е")
Finder = Callable[[str, Lexicon, Context], tuple[int, str] | None]


def lost_hyphen(text: str, ctx: Context) -> list[Edit]:
    """Restore the hyphen of Russian compounds written solid by a scraper:
    "СевероВосточной" → "Северо-Восточной", "ЯМРспектры" → "ЯМР-спектры",
    "научноисследовательском" → "научно-исследовательском", "штабквартира",
    "ктото", "вопервых"."""
    ru = lexicon("ru") if ctx.config.language_enabled("ru") and ctx.lang in (None, "ru") else None
    if ru is None:
        return []
    edits = [e for m in _CAMEL.finditer(text) if (e := _camel_edit(m, ru))]
    edits += [e for m in _ACRONYM_WORD.finditer(text) if (e := _acronym_edit(m, ru))]
    taken = {e.start for e in edits}
    edits += [e for m in _FUSED.finditer(text) if m.start() not in taken and (e := _fused_edit(m, ru, ctx))]
    if ctx.config.strict:
        return [e for e in (_attested(text, edit, ru, ctx) for edit in edits) if e]
    return edits


def _attested(text: str, edit: Edit, ru: Lexicon, ctx: Context) -> Edit | None:
    """The evidence rule: the hyphenated form occurs in the document or is a dictionary
    word (pymorphy3 lists real compounds, "северо-восточной", "кто-то", but no
    "консультант-плюс": a CamelCase brand is never split), and no dictionary knows the
    solid form ("сиртаки" is a word) unless a capital inside the word shows the hyphen."""
    solid = text[edit.start : edit.end]
    camel = any(c.isupper() for c in solid[1:])
    if not camel and hunspell_knows(solid, "ru"):
        return None  # (a capital inside shows the lost hyphen: "СевероКавказском" is not
        # the adjective "северокавказском" but the name "Северо-Кавказском")
    if ctx.evidence.count(edit.after) > 0:
        kind, why = evidence.DOCUMENT, "hyphen lost: the document writes this word with a hyphen"
    elif ru.hyphenated_in_dictionary(edit.after.lower()):
        kind, why = evidence.DICTIONARY, "hyphen lost: the dictionary writes this word with a hyphen"
    elif _grammar_compound(edit.after, ru):
        kind, why = (
            evidence.GRAMMAR,
            (
                "hyphen lost: a linking form of a dictionary adjective "
                "and a dictionary adjective (a coordinate compound)"
            ),
        )
    elif solid.islower() and _apposition(edit.after, ru):
        kind, why = (
            evidence.GRAMMAR,
            ("hyphen lost: two dictionary nouns agreeing in case and number (an apposition)"),
        )
    elif solid[:1].isupper() and _double_surname(edit.after, ru):
        kind, why = evidence.GRAMMAR, "hyphen lost: two surnames in the same case (a double surname)"
    else:
        return None
    return Edit(edit.start, edit.end, edit.after, evidence.reason(kind, why))


def _camel_edit(m: re.Match[str], ru: Lexicon) -> Edit | None:
    """A capital inside a Cyrillic word: Russian writes no CamelCase, so a hyphen was lost
    (brand names that do belong in ``protected.txt``)."""
    word = m.group()
    parts = _CAMEL_PART.findall(word)
    if "".join(parts) != word or len(parts) < 2 or len(parts[0]) < 3:
        return None
    if word[:1].islower() and (
        any(p.isupper() and len(p) < 3 for p in parts) or not ru.known(parts[0].lower())
    ):
        return None  # "опереЖУ", "лосьончЕка": emphasis or typing slips, not compounds
    if parts[0].lower() in data.words("repair_ru_solid_prefixes.txt"):
        return None  # "суперЭВМ", "микроРНК", "лжеХристос": a solid prefix, a capital after it
    if function_word(parts[0].lower(), ru):
        return None  # "СейчасАйгуль": two words that lost a space (lost_space splits them)
    return Edit(m.start(), m.end(), "-".join(parts), "hyphen lost between compound parts")


def _grammar_compound(hyphenated: str, ru: Lexicon) -> bool:
    """ "западно-сибирском", "научно-культурные": the first part is the linking form of a
    dictionary adjective, the second a dictionary adjective; Russian spelling writes such
    coordinate compounds with a hyphen. (Two nouns, "Графит-Гарант", prove nothing: brand
    names are written that way on purpose.)"""
    if hyphenated.count("-") != 1:
        return False
    left, right = (part.lower() for part in hyphenated.split("-"))
    return (
        len(left) >= 4
        and left.endswith(_LINKING)
        and ru.known(right)
        and _adjective(right, ru)
        and _linking_form(left, ru)
        and left not in data.words("repair_ru_solid_prefixes.txt")
    )


def _apposition(hyphenated: str, ru: Lexicon) -> bool:
    """ "ученым-правоведом", "башен-близнецов": two dictionary nouns (no names) of the same
    case and number written solid; a brand name is CamelCase, so this asks lower-case words
    only."""
    if hyphenated.count("-") != 1:
        return False
    left, right = hyphenated.split("-")
    if len(left) < 4 or len(right) < 4:
        return False
    left_forms, right_forms = _noun_forms(left, ru), _noun_forms(right, ru)
    return bool(left_forms and len(left_forms) < 6 and left_forms & right_forms)


def _double_surname(hyphenated: str, ru: Lexicon) -> bool:
    """ "Смирновой-Сазоновой", "Лаппо-Данилевского": both capitalised parts are dictionary
    surnames (pymorphy3's dictionary, not its guesser), the second in a case the first may
    have (an indeclinable first part fits any)."""
    if hyphenated.count("-") != 1:
        return False
    parts = hyphenated.split("-")
    if not all(p[:1].isupper() and p[1:].islower() and len(p) >= 3 for p in parts):
        return False
    cases = []
    for part in parts:
        found = {str(p.tag.case) for p in ru.parses(part.lower()) if "Surn" in p.tag.grammemes}
        if not found:
            return False
        cases.append(found)
    return bool(cases[0] & cases[1])


# Parts of speech that never open a hyphenated compound: adverbs, conjunctions, particles,
# prepositions, pronouns, verbs.
_FUNCTION_POS = frozenset({"ADVB", "CONJ", "PRCL", "PREP", "NPRO", "VERB", "INFN", "PRED", "INTJ", "GRND"})
_COMPOUND_POS = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "PRTS", "NUMR", "COMP"})


def function_word(lower: str, ru: Lexicon) -> bool:
    """A dictionary word with no noun, adjective or numeral reading ("сейчас", "когда")."""
    pos = ru.parts_of_speech(lower)
    return bool(pos & _FUNCTION_POS) and not pos & _COMPOUND_POS


def _acronym_edit(m: re.Match[str], ru: Lexicon) -> Edit | None:
    tail = m.group(2)
    if not ru.known(tail) or ru.known(m.group().lower()):
        return None
    return Edit(m.start(), m.end(), f"{m.group(1)}-{tail}", "hyphen lost after an acronym")


def _fused_edit(m: re.Match[str], ru: Lexicon, ctx: Context) -> Edit | None:
    """An unknown solid word that is a compound spelling writes with a hyphen."""
    word = m.group()
    lower = word.lower()
    zipf = ru.zipf(lower)
    if zipf >= 4.0:
        return None  # most words of a text: no finder accepts them
    # A solid spelling the dictionary also lists must be rare in real text to be an error
    # ("штабквартира" 1.6, "северовосточной" 1.2; "видеофайлов", "этнокультурные" are not).
    rare = zipf < 1.7 or (zipf < 2.5 and not ru.in_dictionary(lower))
    if rare and ctx.evidence.count(lower) < 2:
        found = _split_dictionary(lower)
        if found is not None:
            cut, reason = found
            return Edit(m.start(), m.end(), f"{word[:cut]}-{word[cut:]}", reason)
    if (zipf >= 2.5 and not _fused_shape(lower, ctx)) or ru.in_dictionary(lower):
        return None
    repeated = ctx.evidence.count(lower) >= 2
    for finder, ceiling in _FINDERS:
        if zipf >= ceiling or (repeated and finder in _LEXICAL_FINDERS):
            continue
        found = (
            finder(lower, ru, ctx) if finder is _split_in_document else _remembered(finder, lower, ru, ctx)
        )
        if found is not None:
            cut, reason = found
            return Edit(m.start(), m.end(), f"{word[:cut]}-{word[cut:]}", reason)
    return None


_FOUND: dict[tuple[object, str], tuple[int, str] | None] = {}


def _remembered(finder: Finder, lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """A finder that consults only the lexicon answers the same for a word every time; the
    repair loop asks again after every change to a text, so the answer is kept."""
    key = (finder, lower)
    if key not in _FOUND:
        remember(_FOUND, key, finder(lower, ru, ctx))
    return _FOUND[key]


@lru_cache(maxsize=50_000)
def _split_dictionary(lower: str) -> tuple[int, str] | None:
    """The dictionary spells this rare word with a hyphen ("штаб-квартира",
    "северо-восточной"); it also lists some solid spellings scrapers produce, so the
    hyphenated entry decides. (The answer depends on the word alone: remembered.)"""
    ru = lexicon("ru")
    if ru is None:
        return None
    seen = ru.buckets  # wordfreq splits compounds at hyphens, so it has seen both parts
    solid = data.words("repair_ru_solid_prefixes.txt")
    for cut in range(2, len(lower) - 1):
        if lower[:cut] in solid:
            continue  # "видеофайл", "газожидкостной": the dictionary's hyphen is a variant
        if (
            lower[:cut] in seen
            and lower[cut:] in seen
            and ru.hyphenated_in_dictionary(f"{lower[:cut]}-{lower[cut:]}")
        ):
            return cut, "hyphen lost: the dictionary writes this word with a hyphen"
    return None


def _fused_shape(lower: str, ctx: Context) -> bool:
    """A frequent solid word may still be a lost hyphen ("чтото", "изза") only in these
    shapes; checking the shape first spares a dictionary look-up for every common word."""
    return (
        ctx.evidence.hyphenated(lower) is not None
        or lower.startswith(("по", "во", "в", "из", "кое"))
        or lower.endswith(_particles())
    )


@cache
def _particles() -> tuple[str, ...]:
    return tuple(data.words("repair_ru_particles.txt"))


def _split_in_document(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    compound = ctx.evidence.hyphenated(lower)
    if compound is None or compound.count("-") != 1:
        return None
    return compound.index("-"), "hyphen lost: the document writes this word with a hyphen"


def _split_prefix(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    for prefix in data.words("repair_ru_hyphen_prefixes.txt"):
        tail = lower[len(prefix) :]
        if lower.startswith(prefix) and len(tail) >= 4 and ru.zipf(tail) >= 2.0 and ru.in_dictionary(tail):
            return len(prefix), f"hyphen lost after '{prefix}-'"
    return None


def _split_particle(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    for particle in data.words("repair_ru_particles.txt"):
        head = lower[: -len(particle)]
        if lower.endswith(particle) and len(head) >= 2 and ru.known(head):
            return len(head), f"hyphen lost before the particle '-{particle}'"
    if lower.startswith("кое") and ru.known(lower[3:]):
        return 3, "hyphen lost after 'кое-'"
    return None


def _split_ordinal(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """ "вопервых" → "во-первых", "втретьих" → "в-третьих"."""
    for head in ("во", "в"):
        tail = lower[len(head) :]
        if (
            lower.startswith(head)
            and tail.endswith(("ых", "их"))
            and any("Anum" in p.tag for p in ru.parses(tail))
        ):
            return len(head), "hyphen lost in an ordinal adverb"
    return None


def _split_preposition(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """ "изза" → "из-за"; "поновому", "поцыгански" → "по-новому", "по-цыгански"."""
    for compound in data.words("repair_ru_compound_prepositions.txt"):
        if lower == compound.replace("-", ""):
            return compound.index("-"), "hyphen lost in a compound preposition"
    tail = lower[2:]
    if not lower.startswith("по"):
        return None
    if (tail.endswith(("ски", "цки")) and "ADVB" in ru.parts_of_speech(tail)) or (
        tail.endswith(("ому", "ему", "ьи"))
        and ru.zipf(tail) >= 2.5
        and {"ADJF", "ADVB"} & ru.parts_of_speech(tail)
    ):
        return 2, "hyphen lost after 'по-' in an adverb"
    return None


def _split_nouns(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """Two nouns in apposition written solid, agreeing in case and number:
    "генералгубернатора", "странахучастницах". Indeclinable first parts ("медиа", "видео")
    prove nothing: they also open solid words."""
    for cut in range(5, len(lower) - 4):
        left, right = lower[:cut], lower[cut:]
        if ru.zipf(left) < 1.5 or ru.zipf(right) < 1.5:
            continue
        left_forms = _noun_forms(left, ru)
        right_forms = _noun_forms(right, ru)
        if left_forms and right_forms and len(left_forms) < 6 and left_forms & right_forms:
            return cut, "hyphen lost between two nouns in apposition"
    return None


def _noun_forms(word: str, ru: Lexicon) -> set[tuple[str, str]]:
    """Case and number of the common-noun readings ("Сергейвикторович" is a name and a
    patronymic, written with a space, not a hyphen)."""
    parses = ru.parses(word)
    if any(_NAME_TAGS & p.tag.grammemes for p in parses):
        return set()
    return {(str(p.tag.case), str(p.tag.number)) for p in parses if p.tag.POS == "NOUN"}


_NAME_TAGS = frozenset({"Name", "Patr", "Surn"})


def _split_linking(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """A coordinate compound adjective: a linking form ("научно", "военно") + an adjective."""
    solid = data.words("repair_ru_solid_prefixes.txt")
    if any(lower.startswith(prefix) and ru.known(lower[len(prefix) :]) for prefix in solid):
        return None
    best: tuple[float, int] | None = None
    for cut in range(5, len(lower) - 4):
        left, right = lower[:cut], lower[cut:]
        if (
            not left.endswith(_LINKING)
            or left in solid
            or not ru.known(right)
            or not _adjective(right, ru)
            or not _linking_form(left, ru)
        ):
            continue
        score = ru.zipf(right)
        if best is None or score > best[0]:
            best = (score, cut)
    return None if best is None else (best[1], "hyphen lost in a compound adjective")


# Each way of splitting, with the wordfreq frequency below which the solid word counts as
# an error: wordfreq has seen misspellings like "ктото" often, "научноисследовательском" not.
_FINDERS = (
    (_split_in_document, 4.0),
    (_split_prefix, 3.0),
    (_split_particle, 4.0),
    (_split_ordinal, 4.0),
    (_split_preposition, 4.0),
    (_split_linking, 1.5),
    (_split_nouns, 1.0),
)
# Splits found by the lexicon alone: a text that writes the same solid word twice means it.
_LEXICAL_FINDERS = (_split_linking, _split_nouns)


def _linking_form(left: str, ru: Lexicon) -> bool:
    """``left`` is the linking form of an adjective: "научно" ← "научный", "военно" ←
    "военный", "теоретико" ← "теоретик(ический)"."""
    stem = left[:-1]
    return (
        any("ADJF" in ru.parts_of_speech(stem + end) for end in ("ый", "ий", "ой"))
        or "ADJS" in ru.parts_of_speech(left)
        or ("NOUN" in ru.parts_of_speech(stem) and stem.endswith("ик"))
    )


def _adjective(right: str, ru: Lexicon) -> bool:
    """A full adjective or participle ("исследовательском"); short forms ("подобен") are
    too often the second half of a solid word."""
    return bool({"ADJF", "PRTF"} & ru.parts_of_speech(right))

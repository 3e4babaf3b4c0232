"""Conservative spelling correction and the user's own corrections.

A word is corrected only when all of these hold: it is unknown to the lexicon of its
language, it is an ordinary word (no digits, no capitals inside, not an acronym, not an
abbreviation, not repeated in the document, between words of the same language), and one
candidate at one or two edits is clearly the best. The strongest evidence is the document
itself: a known word one or two edits away that the document uses elsewhere ("Респубикой" →
"Республикой"). Without it, only a one-edit candidate far more frequent than every other
is taken. Capitalised words inside a sentence (names) need the document's own evidence, or
for Russian a dictionary proper name or a common word that is not next to a person's name.
Words made of a free prefix and a dictionary word ("рецентрализация") are coinages, not
typos. Errors of a known kind (a verb ending's soft sign, letters stretched for emphasis)
are fixed on sight when the fix is a dictionary word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from pagewash.repair import evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.lexicon import Lexicon, lexicon
from pagewash.repair.lexicon.dictionaries import hunspell_knows
from pagewash.repair.rules.tokens import (
    after_initials,
    is_acronym,
    match_case,
    sentence_start,
    word_lexicon,
)
from pagewash.repair.rules.wordforms import compound_of_known, inflection_of_known, other_unknown_form
from pagewash.repair.words import word_matches

MIN_LENGTH = 4
# A run where most checkable words are unknown is in another language (or is a list of
# names): nothing in it is corrected. Runs shorter than this are judged by their words alone.
FOREIGN_MIN_WORDS = 6
# Lexicon candidates: seen by wordfreq at least this often (Russian scholarly vocabulary is
# rare in wordfreq, so Russian candidates may be rarer but must be dictionary forms) ...
CANDIDATE_ZIPF = {"en": 2.0, "ru": 1.0}
# ... and the winner, without support from the document, at least this frequent.
LEXICON_ZIPF = {"en": 3.0, "ru": 2.0}
# The winner must beat each rival by one Zipf unit (ten times more frequent), in English by
# one and a half (short English words have many neighbours one edit away, and learners'
# real typos often sit between two of them); a rival that is another inflection of the
# winner by more, because choosing the form is grammar.
MARGIN = {"en": 1.5, "ru": 1.0}
INFLECTION_MARGIN = 2.5
# Being used elsewhere in the document counts as being a hundred times more frequent.
DOCUMENT_BONUS = 2.0
# Words wordfreq has seen, even rarely, need a candidate this much more frequent; seen
# this often, only the document can show them wrong.
SEEN_MARGIN = 2.0
SEEN_ZIPF = 1.5
# A capitalised unknown word inside a sentence is corrected from the lexicon only to a word
# at least this common (or a dictionary proper name); rare names stay as they are.
NAME_CANDIDATE_ZIPF = 3.0
_PROPER_TAGS = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})
_PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})


@dataclass(frozen=True, slots=True)
class Candidate:
    word: str
    distance: int
    score: float
    source: str


def typos(text: str, ctx: Context) -> list[Edit]:
    """Correct unknown words that are one or two edits from a clearly better known word."""
    words = word_matches(text)
    unknown, checked = _unknown_words(words, ctx)
    if not unknown or len(unknown) * 2 > max(checked, FOREIGN_MIN_WORDS):
        return []  # nothing to correct, or another language (German in an English page)
    edits = []
    strict = ctx.config.strict
    for index, m, lex in unknown:
        word = m.group()
        if not _ordinary(word, text, m):
            continue
        known_kind = _error_of_known_kind(word.lower(), lex)
        if known_kind is not None:
            fixed, reason = known_kind
            if strict and (not ctx.sure or hunspell_knows(word, lex.lang)):
                continue  # a word a full dictionary knows is never a typo
            if strict:
                reason = evidence.reason(evidence.DICTIONARY, reason)
            edits.append(Edit(m.start(), m.end(), match_case(word, fixed), reason))
            continue
        if ctx.evidence.count(word) >= 2 or other_unknown_form(word.lower(), lex, ctx):
            continue  # a word used twice, or in two forms, is meant: a name, a term
        if lex.lang == "en" and inflection_of_known(word.lower(), lex):
            continue  # "itemsets", "lossy", "bidded": rare forms of known words
        if compound_of_known(word.lower(), lex):
            continue  # "testbed", "subensemble", "ктобы": words joined, not misspelt
        fix = _correct(
            word,
            text,
            m.start(),
            lex,
            ctx,
            _in_language(words, index, lex),
            partial(_part_of_name, text, words, index, lex),
        )
        if fix is not None and not (strict and hunspell_knows(word, lex.lang)):
            edits.append(Edit(m.start(), m.end(), match_case(word, fix.word), _reason(word, fix, strict)))
    return edits


# Verb endings whose soft sign writers add or drop: "хочеться" for "хочется", "напьешся"
# for "напьешься". (wrong ending, right ending)
_SOFT_SIGN_ENDINGS = (("ться", "тся"), ("тся", "ться"), ("шся", "шься"))
# A letter written three times is stretched in Russian (no Russian root has a tripled
# letter); in English three often come from a typo in a double letter ("embeddd"), so
# only four or more count there.
_ELONGATED = {"ru": re.compile(r"(.)\1{2,}"), "en": re.compile(r"(.)\1{3,}")}


def _error_of_known_kind(lower: str, lex: Lexicon) -> tuple[str, str] | None:
    """Errors of a kind common enough to fix on sight when the fix is a dictionary word:
    a verb ending's soft sign, letters stretched for emphasis ("ооочень", "sooo"). Such
    misspellings are frequent enough that wordfreq has seen them, which keeps them from
    the general typo rule."""
    if lex.lang == "ru":
        for wrong, right in _SOFT_SIGN_ENDINGS:
            if (
                lower.endswith(wrong)
                and not lower.endswith(right)
                and lex.in_dictionary(fixed := lower[: -len(wrong)] + right)
            ):
                return fixed, f"'-{wrong}' written for '-{right}' in a verb form"
    stretched = _ELONGATED[lex.lang]
    if not stretched.search(lower):
        return None
    variants = {stretched.sub(r"\1", lower), stretched.sub(r"\1\1", lower)}
    known = sorted((v for v in variants if lex.known(v)), key=lex.zipf, reverse=True)
    if not known or (len(known) > 1 and lex.zipf(known[0]) - lex.zipf(known[1]) < 1.0):
        return None
    return known[0], "letters repeated for emphasis"


def _unknown_words(
    words: Sequence[re.Match[str]], ctx: Context
) -> tuple[list[tuple[int, re.Match[str], Lexicon]], int]:
    """The words long enough to correct that their language's lexicon does not know, and
    how many words were checked (with too few, the share of unknown words says nothing
    about the language, so the caller never counts fewer than ``FOREIGN_MIN_WORDS``)."""
    found = []
    checked = 0
    verdicts = _verdicts(ctx)
    for index, m in enumerate(words):
        word = m.group()
        if len(word) < MIN_LENGTH:
            continue
        verdict = verdicts.get(word)
        if verdict is None:
            verdict = _verdict(word, ctx)
            if len(verdicts) >= _VERDICT_LIMIT:
                verdicts.clear()
            verdicts[word] = verdict
        lex, unknown = verdict
        if lex is None:
            continue
        checked += 1
        if unknown:
            found.append((index, m, lex))
    return found, checked


# Per block language and enabled languages: each word's lexicon (None: not checked) and
# whether that lexicon lacks it. Pages repeat their words, so most words of a run are
# answered by one look-up instead of a script test, a lexicon choice and a lexicon look-up.
_VERDICTS: dict[tuple[str | None, tuple[str, ...] | None], dict[str, tuple[Lexicon | None, bool]]] = {}
_VERDICT_LIMIT = 100_000


def _verdicts(ctx: Context) -> dict[str, tuple[Lexicon | None, bool]]:
    languages = ctx.config.languages
    key = (ctx.lang, None if languages is None else tuple(languages))
    return _VERDICTS.setdefault(key, {})


def _verdict(word: str, ctx: Context) -> tuple[Lexicon | None, bool]:
    if "'" in word or "’" in word:
        return None, False
    lex = word_lexicon(word, ctx)
    return lex, lex is not None and not lex.known(word.lower())


def _ordinary(word: str, text: str, m: re.Match[str]) -> bool:
    if is_acronym(word) or any(c.isupper() for c in word[1:]):
        return False
    before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 2]
    if before.isdigit() or after[:1].isdigit() or (before in "@/\\_" and before):
        return False
    # "Общ[ества]", "Др[евней]": an editor's expansion of an abbreviation, a word fragment.
    if (before == "[" and text[m.start() - 2 : m.start() - 1].isalpha()) or (
        after[:1] == "]" and before.isalpha()
    ):
        return False
    # "Proc.", "approx.", "Natl." and other abbreviations end in a full stop.
    abbreviation = after[:1] == "." and (len(word) <= 5 or not after[1:2].isspace())
    return not abbreviation


def _in_language(words: Sequence[re.Match[str]], index: int, lex: Lexicon) -> bool:
    """A neighbour is a known word of the same language, so this is no foreign quotation."""
    neighbours = [words[i].group() for i in (index - 1, index + 1) if 0 <= i < len(words)]
    if not neighbours:
        return True
    return any(lex.known(w.lower()) for w in neighbours if len(w) > 1)


def _correct(
    word: str,
    text: str,
    start: int,
    lex: Lexicon,
    ctx: Context,
    in_language: bool,
    beside_name: Callable[[], bool] = lambda: False,
) -> Candidate | None:
    lower = word.lower()
    end = start + len(word)
    in_compound = "-" in (text[start - 1 : start], text[end : end + 1])
    name_like = word[:1].isupper() and (not sentence_start(text, start) or in_compound)
    scored = _document_candidates(lower, lex, ctx, name_like)
    if name_like and lex.lang == "en" and not scored:
        return None  # English names are corrected only from the document (see _name_typo)
    if not scored and _lexicon_cannot_win(word, text, start, lower, lex, name_like):
        return None  # spares generating hundreds of one-edit strings
    if in_language:
        known = {c.word for c in scored}
        scored += [c for c in _lexicon_candidates(lower, lex) if c.word not in known]
    best = _clear_winner(scored, lex)
    if best is None:
        return None
    if ctx.config.strict and best.source == "lexicon" and (name_like or not ctx.sure):
        return None  # a name only from the document; the lexicon needs an identified language
    own = lex.zipf(lower)
    if own > 0 and best.score - own < SEEN_MARGIN:
        return None
    if own >= SEEN_ZIPF and best.source == "lexicon":
        return None  # "perceptron", "poset": rare words wordfreq knows are not typos
    if best.source == "lexicon" and name_like and not _name_typo(lower, best, lex, beside_name):
        return None
    if best.source == "lexicon" and word[:1].isupper() and after_initials(text, start):
        return None  # "Ж. Делезом", "В.Ф. Безпалова": a surname, whatever it resembles
    return best


def _lexicon_cannot_win(word: str, text: str, start: int, lower: str, lex: Lexicon, name_like: bool) -> bool:
    """The checks below that refuse every lexicon candidate, made before generating them."""
    own = lex.zipf(lower)
    if own >= SEEN_ZIPF:
        return True
    if name_like and (lex.lang != "ru" or own > 0 or lex.in_dictionary(lower)):
        return True
    return word[:1].isupper() and after_initials(text, start)


def _name_typo(lower: str, best: Candidate, lex: Lexicon, beside_name: Callable[[], bool]) -> bool:
    """A capitalised word inside a sentence is a name or a title word. Correct it from the
    lexicon only in Russian (the dictionary lists names, surnames and places, so a
    capitalised word it does not know is rarely a name), only when neither lexicon knows the
    word at all, the first letter stays, and the candidate is a dictionary proper name or a
    common word (Zipf >= ``NAME_CANDIDATE_ZIPF``); next to a person's name ("Антором
    Черепенниковым") no common noun, only a first name, surname or patronymic. English names are too often
    unknown to any lexicon to be touched."""
    if lex.lang != "ru" or lex.zipf(lower) > 0 or lex.in_dictionary(lower) or best.word[:1] != lower[:1]:
        return False
    if "NOUN" in lex.parts_of_speech(best.word) and beside_name():
        return _proper_name(best.word, lex, _PERSON_TAGS)
    return _proper_name(best.word, lex) or best.score >= NAME_CANDIDATE_ZIPF


def _part_of_name(text: str, words: Sequence[re.Match[str]], index: int, lex: Lexicon) -> bool:
    """The capitalised word is part of a name: of a capitalised hyphenated compound, or
    next to a person's name (asked only when the answer matters: it parses neighbours)."""
    return _capitalised_compound(text, words[index]) or _beside_person_name(text, words, index, lex)


def _capitalised_compound(text: str, m: re.Match[str]) -> bool:
    """Part of a hyphenated compound of capitalised words ("Братчик-Христос",
    "Римский-Корсаков"): a name, whatever common word a part resembles."""
    start, end = m.start(), m.end()
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return (
        len(before) == 2 and before[1] == "-" and before[0].isalpha() and _capital_before(text, start - 1)
    ) or (len(after) == 2 and after[0] == "-" and after[1].isupper())


def _capital_before(text: str, hyphen: int) -> bool:
    """The word that ends right before ``hyphen`` starts with a capital."""
    i = hyphen
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return text[i : i + 1].isupper()


def _beside_person_name(text: str, words: Sequence[re.Match[str]], index: int, lex: Lexicon) -> bool:
    """A capitalised neighbour, with nothing but a space or a hyphen between them, that the
    dictionary lists or its guesser reads as a first name, surname or patronymic: the word is
    part of a person's name ("Антором Черепенниковым", "Братчик-Христос")."""
    if lex.lang != "ru":
        return False
    for i in (index - 1, index + 1):
        if not 0 <= i < len(words):
            continue
        first, second = sorted((i, index))
        if text[words[first].end() : words[second].start()] not in (" ", "\u00a0", "-"):
            continue
        word = words[i].group()
        if (
            word[:1].isupper()
            and not is_acronym(word)
            and any(
                _PERSON_TAGS & p.tag.grammemes  # type: ignore[attr-defined]
                for p in lex.guesses(word.lower())[:2]
            )
        ):
            return True
    return False


def _document_candidates(lower: str, lex: Lexicon, ctx: Context, name_like: bool) -> list[Candidate]:
    """Words of this document one or two edits away, known or used at least twice."""
    scored = []
    for form in ctx.evidence.neighbours(lower):
        if _same_letters(form, lower) or (form[:1] != lower[:1] and len(lower) < 6):
            continue
        distance = edit_distance(lower, form, 2)
        if distance > 2 or (distance == 2 and len(lower) < 7):
            continue
        if not (lex.zipf(form) >= 1.5 or lex.known(form) or ctx.evidence.count(form) >= 2):
            continue
        if name_like and not any(w[:1].isupper() for w in _exact_forms(ctx, form)):
            continue
        if (
            _rare_inflection(lower, form, lex)
            or (name_like and _declension(lower, form))
            or (lex.lang == "en" and _english_bases(lower) & _english_bases(form))
        ):
            continue
        scored.append(Candidate(form, distance, _weight(form, lex) + DOCUMENT_BONUS, "document"))
    return scored


def _rare_inflection(lower: str, form: str, lex: Lexicon) -> bool:
    """ "криптовалюту" next to "криптовалюты": two endings of a word no dictionary knows are
    two inflections, not a typo (a dictionary word's inflections are all known)."""
    if lex.lang != "ru" or lex.in_dictionary(form) or lex.zipf(form) >= 3.0:
        return False
    return _same_lemma(lower, form, lex)


_DERIVATION_SUFFIXES = (
    "ations",
    "ation",
    "ions",
    "ion",
    "ings",
    "ing",
    "ers",
    "er",
    "es",
    "ed",
    "s",
    "d",
    "e",
    "ly",
    "ness",
    "ment",
)


def _english_bases(word: str) -> set[str]:
    """The word with and without each regular ending it has: "conductances" and
    "conductance" share "conductanc", "annotating" and "annotation" share "annotat"; the
    document's own word in another form is no correction ("federate" beside "federated")."""
    return {word} | {
        word[: -len(suffix)]
        for suffix in _DERIVATION_SUFFIXES
        if word.endswith(suffix) and len(word) - len(suffix) >= 4
    }


def _declension(lower: str, form: str) -> bool:
    """ "Хайека" next to "Хайек", "Савинкову" next to "Савинков": names decline, so two
    forms that differ only in their last two letters are one name."""
    stem = min(len(lower), len(form)) - 2
    return stem >= 3 and lower[:stem] == form[:stem] and abs(len(lower) - len(form)) <= 2


def _exact_forms(ctx: Context, form: str) -> list[str]:
    return list(ctx.evidence.forms(form))


def _lexicon_candidates(lower: str, lex: Lexicon) -> list[Candidate]:
    """Known words one edit away (Russian: in the dictionary; both: frequent enough)."""
    return list(_cached_lexicon_candidates(lower, lex.lang))


@lru_cache(maxsize=20_000)
def _cached_lexicon_candidates(lower: str, lang: str) -> tuple[Candidate, ...]:
    """Hundreds of look-ups per word, and page chrome repeats its unknown words: remembered."""
    lex = lexicon(lang)
    if lex is None:
        return ()
    return tuple(_find_lexicon_candidates(lower, lex))


def _find_lexicon_candidates(lower: str, lex: Lexicon) -> list[Candidate]:
    floor = CANDIDATE_ZIPF[lex.lang]
    found = []
    for form in lex.buckets.known_among(_edits1(lower, lex.alphabet)):
        zipf = lex.zipf(form)
        if zipf < floor or _same_letters(form, lower):
            continue
        if zipf < 3.0 and not lex.in_dictionary(form):
            continue
        found.append(Candidate(form, 1, _weight(form, lex), "lexicon"))
    return found


def _weight(form: str, lex: Lexicon) -> float:
    return max(lex.zipf(form), 1.0)


def _clear_winner(scored: list[Candidate], lex: Lexicon) -> Candidate | None:
    """The nearest candidate, if it beats every other at that distance by ``MARGIN`` and
    no close rival is another inflection of the same word ("job"/"jobs", "почве"/"почва")."""
    if not scored:
        return None
    nearest = min(c.distance for c in scored)
    ranked = sorted((c for c in scored if c.distance == nearest), key=lambda c: -c.score)
    best = ranked[0]
    if best.source == "lexicon" and best.score < LEXICON_ZIPF[lex.lang]:
        return None
    for rival in ranked[1:]:
        gap = best.score - rival.score
        if gap < MARGIN[lex.lang] or (gap < INFLECTION_MARGIN and _same_lemma(best.word, rival.word, lex)):
            return None
    return best


def _same_lemma(a: str, b: str, lex: Lexicon) -> bool:
    if lex.lang == "en":
        return _english_stem(a) == _english_stem(b)
    morph = lex._morph
    if morph is None:
        return False
    lemmas_a = {p.normal_form for p in morph.parse(a)[:3]}  # type: ignore[attr-defined]
    return any(p.normal_form in lemmas_a for p in morph.parse(b)[:3])  # type: ignore[attr-defined]


def _english_stem(word: str) -> str:
    for suffix in ("ies", "es", "s", "ed", "ing", "er", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _proper_name(candidate: str, lex: Lexicon, tags: frozenset[str] = _PROPER_TAGS) -> bool:
    """A Russian dictionary proper name ("России"), so a capitalised typo of it may be fixed."""
    morph = lex._morph
    if morph is None:
        return False
    return any(
        p.is_known and tags & p.tag.grammemes
        for p in morph.parse(candidate)[:2]  # type: ignore[attr-defined]
    )


def _same_letters(a: str, b: str) -> bool:
    return a.replace("ё", "е") == b.replace("ё", "е")


def _reason(word: str, fix: Candidate, strict: bool = False) -> str:
    where = "used elsewhere in the document" if fix.source == "document" else "far more common"
    edits = "one edit" if fix.distance == 1 else "two edits"
    detail = f"unknown word; '{fix.word}' is {edits} away and {where}"
    if not strict:
        return detail
    return evidence.reason(evidence.DOCUMENT if fix.source == "document" else evidence.DICTIONARY, detail)


def _edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in alphabet]
    inserts = [a + c + b for a, b in splits for c in alphabet]
    return set(deletes + transposes + replaces + inserts)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, giving up (returning limit + 1) beyond ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]

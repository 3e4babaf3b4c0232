"""Repairs of what scraping loses: line-break hyphenation, hyphens in compounds, apostrophes
in English possessives and contractions, doubled words, spaces after sentence punctuation."""

from __future__ import annotations

import re

from pagewash.repair import data
from pagewash.repair.lexicon import Lexicon, lexicon
from pagewash.repair.table import WORD, Context, Edit
from pagewash.repair.tokens import is_acronym, sentence_start, word_lexicon

# ---------------------------------------------------------------- line-break hyphenation

_BROKEN = re.compile(r"([^\W\d_]+)[-\u2010\u00ad][ \t]*(\n|\r\n?|[ \t]+)[ \t]*([^\W\d_]+)")


def hyphenation(text: str, ctx: Context) -> list[Edit]:
    """Join words split by a line-break hyphen ("меж-\\nдународный" → "международный") and
    keep the hyphen of real compounds ("российско-\\nкитайского" → "российско-китайского").

    A hyphen before a plain space is joined only when the second part is no word at all and
    the joined word is, since "pre- and post-" is written that way on purpose.
    """
    edits = []
    for m in _BROKEN.finditer(text):
        left, gap, right = m.group(1), m.group(2), m.group(3)
        lex = word_lexicon(left + right, ctx)
        if lex is None:
            continue
        newline = "\n" in gap or "\r" in gap
        decision = _hyphen_decision(left, right, lex, ctx, newline)
        if decision is not None:
            after, reason = decision
            edits.append(Edit(m.start(), m.end(), after, reason))
    return edits


def _hyphen_decision(left: str, right: str, lex: Lexicon, ctx: Context,
                     newline: bool) -> tuple[str, str] | None:
    joined = left + right
    compound = f"{left}-{right}"
    if ctx.evidence.count(compound) or (lex.known(left.lower()) and lex.known(right.lower())
                                        and not lex.known(joined.lower())):
        if newline:
            return compound, "line break inside a hyphenated compound removed"
        return None
    if lex.known(joined.lower()) and not lex.known(right.lower()):
        return joined, "word split by a line-break hyphen joined"
    if newline and lex.known(joined.lower()) and ctx.evidence.count(joined):
        return joined, "word split by a line-break hyphen joined (same word elsewhere)"
    return None


# ---------------------------------------------------------------- lost hyphens (Russian)

_CAMEL = re.compile(r"(?<![\w\-])[А-ЯЁа-яё]*[а-яё][А-ЯЁ][А-ЯЁа-яё]*(?![\w\-])"
                    r"|(?<![\w\-])[А-ЯЁ]{2,}[А-ЯЁ][а-яё]+(?![\w\-])")
_CAMEL_PART = re.compile(r"[А-ЯЁ]{2,}(?![а-яё])|[А-ЯЁ]?[а-яё]+")
_ACRONYM_WORD = re.compile(r"(?<![\w\-])([А-ЯЁ]{2,5})([а-яё]{4,})(?![\w\-])")
_FUSED = re.compile(r"(?<![\w\-])[А-ЯЁа-яё][а-яё]{3,}(?![\w\-])")
_LINKING = ("о", "е")


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
    edits += [e for m in _FUSED.finditer(text)
              if m.start() not in taken and (e := _fused_edit(m, ru, ctx))]
    return edits


def _camel_edit(m: re.Match[str], ru: Lexicon) -> Edit | None:
    """A capital inside a Cyrillic word: Russian writes no CamelCase, so a hyphen was lost
    (brand names that do belong in ``protected.txt``)."""
    word = m.group()
    parts = _CAMEL_PART.findall(word)
    if "".join(parts) != word or len(parts) < 2 or len(parts[0]) < 3:
        return None
    if word[:1].islower() and (any(p.isupper() and len(p) < 3 for p in parts)
                               or not ru.known(parts[0].lower())):
        return None  # "опереЖУ", "лосьончЕка": emphasis or typing slips, not compounds
    return Edit(m.start(), m.end(), "-".join(parts), "hyphen lost between compound parts")


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
    if zipf >= 4.0 or (zipf >= 2.5 and not _fused_shape(lower, ctx)) or ru.in_dictionary(lower):
        return None
    repeated = ctx.evidence.count(lower) >= 2
    for finder, ceiling in _FINDERS:
        if zipf >= ceiling or (repeated and finder in _LEXICAL_FINDERS):
            continue
        found = finder(lower, ru, ctx)
        if found is not None:
            cut, reason = found
            return Edit(m.start(), m.end(), f"{word[:cut]}-{word[cut:]}", reason)
    return None


def _fused_shape(lower: str, ctx: Context) -> bool:
    """A frequent solid word may still be a lost hyphen ("чтото", "изза") only in these
    shapes; checking the shape first spares a dictionary look-up for every common word."""
    return (ctx.evidence.hyphenated(lower) is not None
            or lower.startswith(("по", "во", "в", "из", "кое"))
            or lower.endswith(tuple(data.words("repair_ru_particles.txt"))))


def _split_in_document(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    compound = ctx.evidence.hyphenated(lower)
    if compound is None or compound.count("-") != 1:
        return None
    return compound.index("-"), "hyphen lost: the document writes this word with a hyphen"


def _split_prefix(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    for prefix in data.words("repair_ru_hyphen_prefixes.txt"):
        tail = lower[len(prefix):]
        if lower.startswith(prefix) and len(tail) >= 4 and ru.zipf(tail) >= 2.0 \
                and ru.in_dictionary(tail):
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
    """"вопервых" → "во-первых", "втретьих" → "в-третьих"."""
    for head in ("во", "в"):
        tail = lower[len(head):]
        if lower.startswith(head) and tail.endswith(("ых", "их")) and any(
            "Anum" in p.tag for p in ru.parses(tail)
        ):
            return len(head), "hyphen lost in an ordinal adverb"
    return None


def _split_preposition(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """"изза" → "из-за"; "поновому", "поцыгански" → "по-новому", "по-цыгански"."""
    for compound in data.words("repair_ru_compound_prepositions.txt"):
        if lower == compound.replace("-", ""):
            return compound.index("-"), "hyphen lost in a compound preposition"
    tail = lower[2:]
    if not lower.startswith("по"):
        return None
    if (tail.endswith(("ски", "цки")) and "ADVB" in ru.parts_of_speech(tail)) or (
        tail.endswith(("ому", "ему", "ьи")) and ru.zipf(tail) >= 2.5
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
    if any(_NAME_TAGS & p.tag.grammemes for p in parses):  # type: ignore[attr-defined]
        return set()
    return {(str(p.tag.case), str(p.tag.number)) for p in parses  # type: ignore[attr-defined]
            if p.tag.POS == "NOUN"}  # type: ignore[attr-defined]


_NAME_TAGS = frozenset({"Name", "Patr", "Surn"})


def _split_linking(lower: str, ru: Lexicon, ctx: Context) -> tuple[int, str] | None:
    """A coordinate compound adjective: a linking form ("научно", "военно") + an adjective."""
    solid = data.words("repair_ru_solid_prefixes.txt")
    if any(lower.startswith(prefix) and ru.known(lower[len(prefix):]) for prefix in solid):
        return None
    best: tuple[float, int] | None = None
    for cut in range(5, len(lower) - 4):
        left, right = lower[:cut], lower[cut:]
        if not left.endswith(_LINKING) or left in solid or not ru.known(right) \
                or not _adjective(right, ru) or not _linking_form(left, ru):
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
    return any("ADJF" in ru.parts_of_speech(stem + end) for end in ("ый", "ий", "ой")) or \
        "ADJS" in ru.parts_of_speech(left) or ("NOUN" in ru.parts_of_speech(stem)
                                              and stem.endswith("ик"))


def _adjective(right: str, ru: Lexicon) -> bool:
    """A full adjective or participle ("исследовательском"); short forms ("подобен") are
    too often the second half of a solid word."""
    return bool({"ADJF", "PRTF"} & ru.parts_of_speech(right))


# ---------------------------------------------------------------- lost apostrophes (English)

# Last letters of a word that lost an apostrophe: "-s", "-nt", "-re", "-ve", "-ll", "-d", "-m".
_APOSTROPHE_LAST = frozenset("stedmlST")
_PRONOUNS = frozenset(["i", "you", "we", "they", "he", "she", "it", "that", "there", "who", "what"])
_SINGULAR_DETERMINERS = frozenset(["a", "an", "each", "every", "another"])
# A possessive needs its apostrophe form clearly more frequent than the bare form:
# one Zipf unit is ten times; "its"/"it's" (6.1/6.3) and "lets"/"let's" stay apart.
_APOS_MARGIN = 1.0


def lost_apostrophe(text: str, ctx: Context) -> list[Edit]:
    """Restore apostrophes of English possessives and contractions: "Russias" → "Russia's",
    "didnt" → "didn't", "a users query" → "a user's query", "Peoples Republic" →
    "People's Republic"."""
    if ctx.lang not in (None, "en") or not ctx.config.language_enabled("en"):
        return []
    en = lexicon("en")
    if en is None:
        return []
    words = list(WORD.finditer(text))
    apostrophe = "’" if text.count("’") > text.count("'") else "'"
    edits = []
    for index, m in enumerate(words):
        word = m.group()
        if len(word) < 3 or not word.isascii() or word[:-1].isupper() or "'" in word:
            continue
        fixed = _apostrophe_fix(word, en, ctx, sentence_start(text, m.start())) \
            or _possessive_in_context(words, index, text, en, ctx)
        if fixed:
            after, reason = fixed
            edits.append(Edit(m.start(), m.end(), after.replace("'", apostrophe), reason))
    return edits


def _apostrophe_fix(word: str, en: Lexicon, ctx: Context,
                    opens_sentence: bool) -> tuple[str, str] | None:
    if word[-1:] not in _APOSTROPHE_LAST:
        return None
    if word.islower():  # no name rule applies: the answer depends on the word alone
        if word not in _LOWER_CACHE:
            if len(_LOWER_CACHE) > 100_000:
                _LOWER_CACHE.clear()
            _LOWER_CACHE[word] = _apostrophe_by_frequency(word, en, ctx, opens_sentence)
        return _LOWER_CACHE[word]
    return _apostrophe_by_frequency(word, en, ctx, opens_sentence)


_LOWER_CACHE: dict[str, tuple[str, str] | None] = {}


def _apostrophe_by_frequency(word: str, en: Lexicon, ctx: Context,
                             opens_sentence: bool) -> tuple[str, str] | None:
    lower = word.lower()
    bare = en.zipf(lower)
    for cut, kind in _apostrophe_cuts(lower):
        candidate = f"{word[:cut]}'{word[cut:]}"
        stem = lower[:cut]
        if kind == "contraction" and word[cut:].lower() in ("re", "ve", "ll", "d", "m") \
                and stem not in _PRONOUNS:
            continue
        with_apostrophe = en.zipf(candidate.lower())
        if with_apostrophe >= 2.5 and with_apostrophe - bare >= _APOS_MARGIN:
            return candidate, f"lost apostrophe ({kind}): '{candidate}' is far more common"
        if kind == "possessive" and not opens_sentence and _name_possessive(word, stem, en, ctx):
            return candidate, "lost apostrophe (possessive of a name used in the text)"
        if kind == "possessive" and _consonant_y(stem) and en.zipf(stem) >= 3.0:
            return candidate, "lost apostrophe ('-ys' is no English plural)"
    return None


def _apostrophe_cuts(lower: str) -> list[tuple[int, str]]:
    cuts = []
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        cuts.append((len(lower) - 1, "possessive"))
    if lower.endswith("nt") and len(lower) > 3:
        cuts.append((len(lower) - 1, "contraction"))  # "dont" -> "don't"
    for ending in ("re", "ve", "ll", "d", "m"):
        if lower.endswith(ending) and len(lower) > len(ending):
            cuts.append((len(lower) - len(ending), "contraction"))
    return cuts


def _consonant_y(stem: str) -> bool:
    """"query", "country": the plural would be "-ies", so "querys" is "query's"."""
    return len(stem) > 2 and stem.endswith("y") and stem[-2] not in "aeiou"


def _name_possessive(word: str, stem: str, en: Lexicon, ctx: Context) -> bool:
    """"Pyongyangs": a capitalised word never seen with its "s", whose possessive is seen or
    whose bare form this text uses ("Gaussians", "Domingos" are seen, so they stay)."""
    if not word[:1].isupper() or en.zipf(word.lower()) > 0:
        return False
    return en.zipf(f"{stem}'s") >= 1.5 or ctx.evidence.exact.get(word[:-1], 0) > 0


def _possessive_in_context(words: list[re.Match[str]], index: int, text: str,
                           en: Lexicon, ctx: Context) -> tuple[str, str] | None:
    """A plural that grammar says is a possessive: a singular determiner before it ("a users
    query", "each individual classifiers contribution") or an irregular plural with "s"
    ("Peoples Republic"), followed by a noun rather than a function word."""
    word = words[index].group()
    lower = word.lower()
    if not lower.endswith("s") or index + 1 >= len(words):
        return None
    nxt = words[index + 1]
    between = text[words[index].end():nxt.start()]
    function_words = data.words("repair_en_function_words.txt")
    if between != " " or nxt.group().lower() in function_words:
        return None
    stem = lower[:-1]
    if lower in function_words:
        return None
    if stem in data.words("repair_en_irregular_plurals.txt"):
        if word[:1].isupper() != nxt.group()[:1].isupper():
            return None
        return f"{word[:-1]}'s", "lost apostrophe (irregular plural + s before a noun)"
    following = nxt.group()
    if lower == "ones" and _preposition_before(words, index, text) and following.islower():
        return "one's", "lost apostrophe (\"one's\" after a preposition, before a noun)"
    if lower in data.words("repair_en_not_possessive.txt") \
            or lower.endswith(("ics", "ss", "us", "is")) or not word.endswith("s") \
            or not following.islower() or text[words[index].start() - 1:words[index].start()] == "-":
        return None
    if _name_like(word) and en.zipf(lower) < 2.5 and (
        (not sentence_start(text, words[index].start())
         and (en.zipf(stem) >= 2.0 or not word[1:-1].islower()))
        or (en.zipf(lower) == 0 and ctx.evidence.exact.get(word[:-1], 0) > 0)
    ):
        return f"{word[:-1]}'s", "lost apostrophe (a name + s before a noun)"
    if en.zipf(stem) < 3.0 or not word.islower():
        return None
    if _singular_determiner_before(words, index, text, en):
        return f"{word[:-1]}'s", "lost apostrophe (singular determiner before a plural)"
    if _owned_noun(following.lower(), en) and _determiner_or_preposition_before(words, index,
                                                                                text):
        return f"{word[:-1]}'s", "lost apostrophe (a plural before the noun it owns)"
    return None


def _name_like(word: str) -> bool:
    """"Kleinbergs", "LinkedIns", "iScores": capitalised or CamelCase, not an acronym."""
    stem = word[:-1]
    return (stem[:1].isupper() or any(c.isupper() for c in stem[1:])) and not stem.isupper() \
        and sum(1 for c in stem if c.isupper()) <= 2


_SUPERLATIVES = frozenset((
    "most", "largest", "biggest", "greatest", "best", "first", "leading", "top", "highest",
    "lowest", "oldest", "fastest",
))
# Noun endings a verb almost never has ("navigation", "interestingness", "behavior").
_NOUN_ENDINGS = ("tion", "sion", "ness", "ity", "ship", "ism", "ogy", "ior", "iour")
# Adjective endings a verb almost never has ("navigational", "musical", "famous").
_OWNED_ADJECTIVE_ENDINGS = ("ional", "ical", "ous")


def _owned_noun(following: str, en: Lexicon) -> bool:
    """The word after a plural shows it is a possessive: a plural noun ("users interests":
    a plural subject takes no "-s" verb), a superlative ("worlds largest"), a noun or an
    adjective by its ending."""
    if following in _SUPERLATIVES or following.endswith(_NOUN_ENDINGS + _OWNED_ADJECTIVE_ENDINGS):
        return True
    return (following.endswith("s") and not following.endswith(("ss", "us", "is", "ics"))
            and en.zipf(following[:-1]) >= 3.0 and not _can_be_verb(following, en))


def _can_be_verb(word: str, en: Lexicon) -> bool:
    """"produces", "leads", "needs": an "-s" word whose "-ing" form exists may be a verb
    ("the use of tags produces"), so it proves nothing."""
    bases = [word[:-1]]
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        bases.append(word[:-2])
    for base in bases:
        forms = (base + "ing", base[:-1] + "ing") if base.endswith("e") else (base + "ing",)
        if any(en.zipf(form) >= 2.5 for form in forms):
            return True
    return False


_DETERMINERS = frozenset((
    "the", "a", "an", "each", "every", "our", "their", "your", "his", "her", "its", "my",
    "any", "no",
))
_PREPOSITIONS = frozenset((
    "of", "on", "in", "to", "from", "for", "with", "about", "by", "through", "into", "over",
    "under", "at",
))


def _determiner_or_preposition_before(words: list[re.Match[str]], index: int,
                                      text: str) -> bool:
    if index == 0:
        return False
    prev = words[index - 1]
    return text[prev.end():words[index].start()] == " " and prev.group().lower() in _DETERMINERS \
        and (prev.group().islower() or sentence_start(text, prev.start()))


def _preposition_before(words: list[re.Match[str]], index: int, text: str) -> bool:
    if index == 0:
        return False
    prev = words[index - 1]
    return text[prev.end():words[index].start()] == " " and prev.group().lower() in _PREPOSITIONS


def _singular_determiner_before(words: list[re.Match[str]], index: int, text: str,
                                en: Lexicon) -> bool:
    for back in (1, 2):
        if index - back < 0:
            return False
        prev = words[index - back]
        gap = text[prev.end():words[index - back + 1].start()]
        if gap != " ":
            return False
        prev_word = prev.group().lower()
        if prev_word in _SINGULAR_DETERMINERS:
            if prev_word not in ("a", "an") and _can_be_verb(words[index].group().lower(), en):
                return False  # "each explains": "each" is a pronoun here
            # "A" may be a variable ("algorithm A achieves"), unless it opens the sentence.
            return prev.group().islower() or sentence_start(text, prev.start())
        if back == 2 or not prev.group().islower() or not prev_word.endswith(_ADJECTIVE_ENDINGS) \
                or prev_word in data.words("repair_en_quantifiers.txt"):
            return False
    return False


# Endings of English adjectives; only such a word may stand between the determiner and the
# plural ("each individual classifiers contribution"), so "a genre was" is left alone.
_ADJECTIVE_ENDINGS = ("al", "ive", "ous", "ful", "less", "ic", "able", "ible", "ent", "ant",
                      "ary", "ory", "ed", "ing", "ern", "ior", "est", "ular")


# ---------------------------------------------------------------- doubled words

_DOUBLED = re.compile(r"(?<![\w\-])([^\W\d_]+)([ \t]+)(\1)(?![\w\-])", re.IGNORECASE)


def doubled_word(text: str, ctx: Context) -> list[Edit]:
    """Drop an accidentally repeated word ("the the"), keeping repetitions languages use on
    purpose ("had had", "да да", "Bora Bora")."""
    allowed = data.words("repair_doubled_ok.txt")
    edits = []
    for m in _DOUBLED.finditer(text):
        first, second = m.group(1), m.group(3)
        if first.lower() in allowed or second[:1].isupper() or is_acronym(first):
            continue
        if word_lexicon(first, ctx) is None:
            continue
        edits.append(Edit(m.start(2), m.end(3), "", f"doubled word '{second}' removed"))
    return edits


# ---------------------------------------------------------------- sentence spacing

_NO_SPACE = re.compile(r"(?<![\w.])([^\W\d_]{2,})([.!?])([A-ZА-ЯЁ][^\W\d_]+)")


def sentence_space(text: str, ctx: Context) -> list[Edit]:
    """Insert the space lost after sentence punctuation ("end.Next" → "end. Next") when both
    words are known, so "ASP.NET" or "Node.Js" stay as they are."""
    edits = []
    for m in _NO_SPACE.finditer(text):
        left, right = m.group(1), m.group(3)
        if not left.islower() or not right[1:].islower():
            continue
        left_lex, right_lex = word_lexicon(left, ctx), word_lexicon(right, ctx)
        if left_lex is None or right_lex is None:
            continue
        if left_lex.known(left.lower()) and right_lex.known(right.lower()):
            edits.append(Edit(m.end(2), m.end(2), " ", "space after sentence punctuation"))
    return edits


"""Apostrophes English possessives and contractions lose: "Russias", "countrys",
"didnt", "a users query", "Peoples Republic"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from pagewash.repair import data, evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.lexicon import Lexicon, lexicon
from pagewash.repair.lexicon.dictionaries import hunspell_knows
from pagewash.repair.rules.tokens import sentence_start
from pagewash.repair.words import word_matches

# Endings of a word that lost an apostrophe: "-s", "-nt", "-re", "-ve", "-ll", "-d", "-m".
_APOSTROPHE_ENDINGS = ("s", "nt", "re", "ve", "ll", "d", "m")
# Last letters of those endings in either case: most words are turned away by this one
# look-up before any lowercasing (only ASCII words go on, and they lowercase letter by letter).
_ENDING_LETTERS = frozenset("".join(e[-1] + e[-1].upper() for e in _APOSTROPHE_ENDINGS))
_LATIN = re.compile(r"[A-Za-z]{3}")
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
    if not _LATIN.search(text):
        return []  # a Russian run: nothing to look at
    en = lexicon("en")
    if en is None:
        return []
    strict = ctx.config.strict
    if strict and not _strict_suspects(text, en):
        return []
    words = word_matches(text)
    apostrophe = "’" if text.count("’") > text.count("'") else "'"
    edits = []
    for index, m in enumerate(words):
        word = m.group()
        if (
            word[-1] not in _ENDING_LETTERS
            or len(word) < 3
            or not word.isascii()
            or not word.lower().endswith(_APOSTROPHE_ENDINGS)
            or word[:-1].isupper()
            or "'" in word
        ):
            continue
        if not word[1:].islower() and not _camel_possessive(word, en, ctx):
            continue  # "MyMaps" is a product name, "LinkedIns" a possessive
        if (
            strict
            and word.islower()
            and _dictionary_word(word, en)
            and not _grammar_context(words, index, word)
        ):
            continue  # most words: a dictionary word with nothing around it to suspect
        # Only a capitalised word's fix depends on opening a sentence (names).
        opens = word[:1].isupper() and sentence_start(text, m.start())
        if strict:
            fixed = _attested_fix(word, words, index, text, en, ctx, opens)
        else:
            fixed = _apostrophe_fix(word, en, ctx, opens) or _possessive_in_context(
                words, index, text, en, ctx
            )
        if fixed:
            after, reason = fixed
            edits.append(Edit(m.start(), m.end(), after.replace("'", apostrophe), reason))
    return edits


# Where the safe preset's evidence rules could apply: a plural after a singular determiner
# (one adjective may stand between), before a superlative, "ones", an irregular plural.
_GRAMMAR_TRIGGER = re.compile(
    r"\b(?:[Aa]n?|[Ee]ach|[Ee]very|[Aa]nother) (?:[a-z]+ )?[a-z]{3,}s [a-z]"
    r"|[a-z]s (?:most|largest|biggest|greatest|best|first|leading|top|highest|lowest|oldest"
    r"|fastest)\b|\bones [a-z]|\b(?:[Pp]eoples|[Cc]hildrens|[Mm]ens|[Ww]omens) [A-Za-z]"
)
_TOKEN = re.compile(r"[A-Za-z]+")


def _strict_suspects(text: str, en: Lexicon) -> bool:
    """The text has something the safe preset's apostrophe evidence could act on: a grammar
    trigger, or a word with an apostrophe ending that is capitalised or not a dictionary
    word. Most texts have neither, and are left after one regex and a few set look-ups."""
    if _GRAMMAR_TRIGGER.search(text):
        return True
    for word in set(_TOKEN.findall(text)):
        if len(word) < 3 or word[-1] not in _ENDING_LETTERS:
            continue
        if not word.islower():
            if word[1:].islower() and word[-1] == "s":
                return True
            continue
        if word.endswith(_APOSTROPHE_ENDINGS) and not _dictionary_word(word, en):
            return True
    return False


_DICTIONARY_WORDS: dict[str, bool] = {}


def _dictionary_word(lower: str, en: Lexicon) -> bool:
    """wordfreq and Hunspell both know this lower-case word (remembered per process)."""
    known = _DICTIONARY_WORDS.get(lower)
    if known is None:
        known = en.known(lower) and hunspell_knows(lower, "en")
        if len(_DICTIONARY_WORDS) >= 100_000:
            _DICTIONARY_WORDS.clear()
        _DICTIONARY_WORDS[lower] = known
    return known


def _grammar_context(words: Sequence[re.Match[str]], index: int, lower: str) -> bool:
    """Something near the lower-case word that the grammar evidence looks at: a singular
    determiner one or two words before, a superlative after, "ones", an irregular plural."""
    if lower == "ones" or lower[:-1] in _irregular_stems():
        return True
    for back in (1, 2):
        if index >= back and words[index - back].group().lower() in _SINGULAR_DETERMINERS:
            return True
    return index + 1 < len(words) and words[index + 1].group().lower() in _SUPERLATIVES


@cache
def _irregular_stems() -> frozenset[str]:
    return data.words("repair_en_irregular_plurals.txt")


def _attested_fix(
    word: str, words: Sequence[re.Match[str]], index: int, text: str, en: Lexicon, ctx: Context, opens: bool
) -> tuple[str, str] | None:
    """The evidence rules: the apostrophe form or the bare name is attested in the
    document, the plural is an irregular one on the curated list ("Peoples Republic"), or
    the word is unknown to every dictionary and its apostrophe form is the one known
    candidate ("didnt", "countrys"). A word a dictionary knows ("gas", "comments",
    "teachers") stays, and so does an "-s" word that stands before no noun or after "the"
    (a family or a team: "the Bidens and", "the Doobies last month")."""
    lower = word.lower()
    if word[1:] != lower[1:]:
        return None  # CamelCase: a product name the never-touch guard also keeps
    irregular = _irregular_plural(words, index, text)
    if irregular is not None:
        return irregular[0], evidence.reason(evidence.LIST, irregular[1])
    if (
        hunspell_knows(word, "en")
        and word[1:].islower()
        and word[:1].isupper()
        and not opens
        and ctx.evidence.exact_count(word[:-1]) > 0
        and _owner_before_noun(words, index, text)
        and _noun_like(words[index + 1].group(), en)
        and not _in_name_phrase(words, index, text)
    ):
        return f"{word[:-1]}'s", evidence.reason(
            evidence.DOCUMENT, "lost apostrophe (possessive of a name used in the text)"
        )
    if hunspell_knows(word, "en") or (en.known(lower) and not _apostrophe_cuts(lower)):
        grammar = _grammar_possessive(words, index, text, en)
        return (
            None
            if grammar is None
            else (
                grammar,
                evidence.reason(
                    evidence.GRAMMAR, "lost apostrophe (a plural where grammar wants a possessive)"
                ),
            )
        )
    if lower.endswith("s") and not _owner_before_noun(words, index, text):
        return None  # "the Bidens and ...": a possessive stands before what it owns
    for cut, kind in _apostrophe_cuts(lower):
        candidate = f"{word[:cut]}'{word[cut:]}"
        if (
            kind == "contraction"
            and word[cut:].lower() in ("re", "ve", "ll", "d", "m")
            and lower[:cut] not in _PRONOUNS
        ):
            continue
        if _attested(candidate, ctx):
            return candidate, evidence.reason(evidence.DOCUMENT, f"lost apostrophe ({kind})")
        if word[:1].isupper() and _in_name_phrase(words, index, text):
            return None  # "Jewels Flos Showroom": part of a longer name
        if (
            kind == "possessive"
            and word[:1].isupper()
            and not opens
            and ctx.evidence.exact_count(word[:-1]) > 0
        ):
            return candidate, evidence.reason(
                evidence.DOCUMENT, "lost apostrophe (possessive of a name used in the text)"
            )
        if kind == "possessive" and word.islower() and _no_plural(lower[:cut], en):
            return candidate, evidence.reason(
                evidence.DICTIONARY, "lost apostrophe (the plural would be '-es' or '-ies')"
            )
        if (
            ctx.sure and evidence.known_anywhere(candidate, en) and en.zipf(candidate.lower()) >= 1.5
        ):  # needs an identified language
            return candidate, evidence.reason(evidence.DICTIONARY, f"lost apostrophe ({kind})")
    return None


def _no_plural(stem: str, en: Lexicon) -> bool:
    """ "querys", "meshs": a common word whose plural is not "-s" ("queries", "meshes"),
    so with "-s" it can only be the possessive."""
    if en.zipf(stem) < 3.0 or not hunspell_knows(stem, "en"):
        return False
    return _consonant_y(stem) or stem.endswith(("sh", "ch", "x", "z"))


def _grammar_possessive(words: Sequence[re.Match[str]], index: int, text: str, en: Lexicon) -> str | None:
    """A dictionary plural that grammar allows only as a possessive: "a users query",
    "each individual classifiers contribution", "the worlds largest", "on ones own". The
    plural must be regular (its singular a common word; "gas", "lens" take "-es"), not a
    plural that modifies nouns ("sales", "sports": the curated list), and be followed by a
    lower-case word that is no function word."""
    word = words[index].group()
    lower = word.lower()
    if (
        not word.islower()
        or not lower.endswith("s")
        or index + 1 >= len(words)
        or lower.endswith(("ss", "us", "is", "ics"))
        or len(lower) < 4
        or lower in data.words("repair_en_function_words.txt")
        or lower in data.words("repair_en_not_possessive.txt")
    ):
        return None
    nxt = words[index + 1].group()
    if (
        text[words[index].end() : words[index + 1].start()] != " "
        or not nxt.islower()
        or nxt in data.words("repair_en_function_words.txt")
    ):
        return None
    if lower == "ones" and _preposition_before(words, index, text):
        return "one's"
    stem = lower[:-1]
    if en.zipf(stem) < 3.0 or not hunspell_knows(stem, "en") or en.known(lower + "es"):
        return None
    if nxt in _SUPERLATIVES or _singular_determiner_before(words, index, text, en):
        return f"{word[:-1]}'s"
    return None


def _noun_like(word: str, en: Lexicon) -> bool:
    """A word that cannot be a verb: "Twitters data", not "Americans live", "Syrians
    fleeing" (a plural subject and its verb)."""
    lower = word.lower()
    if lower.endswith(("ing", "ed")):
        return False
    forms = (lower + "ing", lower[:-1] + "ing") if lower.endswith("e") else (lower + "ing",)
    return not any(en.zipf(form) >= 2.5 for form in forms) and not _can_be_verb(lower, en)


def _owner_before_noun(words: Sequence[re.Match[str]], index: int, text: str) -> bool:
    """The "-s" word is followed, after one space, by a word that is no function word, and
    is not a capitalised word after "the" (a family or a team: "the Bidens")."""
    if index + 1 >= len(words):
        return False
    word, nxt = words[index], words[index + 1]
    following = nxt.group().lower()
    if text[word.end() : nxt.start()] != " " or (
        following in data.words("repair_en_function_words.txt") and following not in _SUPERLATIVES
    ):  # "todays most popular"
        return False
    if index > 0 and word.group()[:1].isupper():
        prev = words[index - 1]
        if prev.group().lower() == "the" and text[prev.end() : word.start()] == " ":
            return False
    return True


def _in_name_phrase(words: Sequence[re.Match[str]], index: int, text: str) -> bool:
    """A capitalised neighbour, one space away, that does not open the sentence: the word
    belongs to a multi-word name."""
    for other in (index - 1, index + 1):
        if not 0 <= other < len(words):
            continue
        first, second = sorted((other, index))
        neighbour = words[other]
        if (
            text[words[first].end() : words[second].start()] == " "
            and neighbour.group()[:1].isupper()
            and not sentence_start(text, neighbour.start())
        ):
            return True
    return False


def _attested(candidate: str, ctx: Context) -> bool:
    curly = candidate.replace("'", "’")
    return ctx.evidence.exact_count(candidate) > 0 or ctx.evidence.exact_count(curly) > 0


def _irregular_plural(words: Sequence[re.Match[str]], index: int, text: str) -> tuple[str, str] | None:
    """ "Peoples Republic", "childrens books": a plural that does not take "-s" (the
    curated list) written with one, before a noun of the same capitalisation."""
    word = words[index].group()
    if (
        not word.lower().endswith("s")
        or index + 1 >= len(words)
        or word.lower()[:-1] not in data.words("repair_en_irregular_plurals.txt")
    ):
        return None
    nxt = words[index + 1].group()
    if (
        text[words[index].end() : words[index + 1].start()] != " "
        or nxt.lower() in data.words("repair_en_function_words.txt")
        or word[:1].isupper() != nxt[:1].isupper()
    ):
        return None
    return f"{word[:-1]}'s", "lost apostrophe (irregular plural + s before a noun)"


def _camel_possessive(word: str, en: Lexicon, ctx: Context) -> bool:
    """A CamelCase word ending in "s" is a possessive only when the text uses it without
    the "s" or the possessive is a known word form ("LinkedIn's")."""
    return word.endswith("s") and (
        ctx.evidence.exact_count(word[:-1]) > 0 or en.zipf(f"{word[:-1].lower()}'s") >= 1.5
    )


def _apostrophe_fix(word: str, en: Lexicon, ctx: Context, opens_sentence: bool) -> tuple[str, str] | None:
    if word.islower():  # no name rule applies: the answer depends on the word alone
        if word not in _LOWER_CACHE:
            if len(_LOWER_CACHE) > 100_000:
                _LOWER_CACHE.clear()
            _LOWER_CACHE[word] = _apostrophe_by_frequency(word, en, ctx, opens_sentence)
        return _LOWER_CACHE[word]
    return _apostrophe_by_frequency(word, en, ctx, opens_sentence)


_LOWER_CACHE: dict[str, tuple[str, str] | None] = {}


def _apostrophe_by_frequency(
    word: str, en: Lexicon, ctx: Context, opens_sentence: bool
) -> tuple[str, str] | None:
    lower = word.lower()
    bare = en.zipf(lower)
    for cut, kind in _apostrophe_cuts(lower):
        candidate = f"{word[:cut]}'{word[cut:]}"
        stem = lower[:cut]
        if (
            kind == "contraction"
            and word[cut:].lower() in ("re", "ve", "ll", "d", "m")
            and stem not in _PRONOUNS
        ):
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
    """ "query", "country": the plural would be "-ies", so "querys" is "query's"."""
    return len(stem) > 2 and stem.endswith("y") and stem[-2] not in "aeiou"


def _name_possessive(word: str, stem: str, en: Lexicon, ctx: Context) -> bool:
    """ "Pyongyangs": a capitalised word never seen with its "s", whose possessive is seen or
    whose bare form this text uses ("Gaussians", "Domingos" are seen, so they stay)."""
    if not word[:1].isupper() or en.zipf(word.lower()) > 0:
        return False
    return en.zipf(f"{stem}'s") >= 1.5 or ctx.evidence.exact_count(word[:-1]) > 0


def _possessive_in_context(
    words: Sequence[re.Match[str]], index: int, text: str, en: Lexicon, ctx: Context
) -> tuple[str, str] | None:
    """A plural that grammar says is a possessive: a singular determiner before it ("a users
    query", "each individual classifiers contribution") or an irregular plural with "s"
    ("Peoples Republic"), followed by a noun rather than a function word."""
    word = words[index].group()
    lower = word.lower()
    if not lower.endswith("s") or index + 1 >= len(words):
        return None
    nxt = words[index + 1]
    between = text[words[index].end() : nxt.start()]
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
        return "one's", 'lost apostrophe ("one\'s" after a preposition, before a noun)'
    if (
        lower in data.words("repair_en_not_possessive.txt")
        or lower.endswith(("ics", "ss", "us", "is"))
        or not word.endswith("s")
        or not following.islower()
        or text[words[index].start() - 1 : words[index].start()] == "-"
    ):
        return None
    if (
        _name_like(word)
        and en.zipf(lower) < 2.5
        and (
            (
                not sentence_start(text, words[index].start())
                and (en.zipf(stem) >= 2.0 or not word[1:-1].islower())
            )
            or (en.zipf(lower) == 0 and ctx.evidence.exact_count(word[:-1]) > 0)
        )
    ):
        return f"{word[:-1]}'s", "lost apostrophe (a name + s before a noun)"
    if en.zipf(stem) < 3.0 or not word.islower():
        return None
    if _singular_determiner_before(words, index, text, en):
        return f"{word[:-1]}'s", "lost apostrophe (singular determiner before a plural)"
    if _owned_noun(following.lower(), en) and _determiner_or_preposition_before(words, index, text):
        return f"{word[:-1]}'s", "lost apostrophe (a plural before the noun it owns)"
    return None


def _name_like(word: str) -> bool:
    """ "Kleinbergs", "LinkedIns", "iScores": capitalised or CamelCase, not an acronym."""
    stem = word[:-1]
    return (
        (stem[:1].isupper() or any(c.isupper() for c in stem[1:]))
        and not stem.isupper()
        and sum(1 for c in stem if c.isupper()) <= 2
    )


_SUPERLATIVES = frozenset(
    (
        "most",
        "largest",
        "biggest",
        "greatest",
        "best",
        "first",
        "leading",
        "top",
        "highest",
        "lowest",
        "oldest",
        "fastest",
    )
)
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
    return (
        following.endswith("s")
        and not following.endswith(("ss", "us", "is", "ics"))
        and en.zipf(following[:-1]) >= 3.0
        and not _can_be_verb(following, en)
    )


def _can_be_verb(word: str, en: Lexicon) -> bool:
    """ "produces", "leads", "needs": an "-s" word whose "-ing" form exists may be a verb
    ("the use of tags produces"), so it proves nothing."""
    bases = [word[:-1]]
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        bases.append(word[:-2])
    for base in bases:
        forms = (base + "ing", base[:-1] + "ing") if base.endswith("e") else (base + "ing",)
        if any(en.zipf(form) >= 2.5 for form in forms):
            return True
    return False


# Possessive determiners are left out: after "their", "your" a plural before a noun is a
# plural possessive ("their users' data") as often as a singular one, or a modifier.
_DETERMINERS = frozenset(("the", "a", "an", "each", "every", "any", "no"))
_PREPOSITIONS = frozenset(
    (
        "of",
        "on",
        "in",
        "to",
        "from",
        "for",
        "with",
        "about",
        "by",
        "through",
        "into",
        "over",
        "under",
        "at",
    )
)


def _determiner_or_preposition_before(words: Sequence[re.Match[str]], index: int, text: str) -> bool:
    if index == 0:
        return False
    prev = words[index - 1]
    return (
        text[prev.end() : words[index].start()] == " "
        and prev.group().lower() in _DETERMINERS
        and (prev.group().islower() or sentence_start(text, prev.start()))
    )


def _preposition_before(words: Sequence[re.Match[str]], index: int, text: str) -> bool:
    if index == 0:
        return False
    prev = words[index - 1]
    return text[prev.end() : words[index].start()] == " " and prev.group().lower() in _PREPOSITIONS


def _singular_determiner_before(words: Sequence[re.Match[str]], index: int, text: str, en: Lexicon) -> bool:
    for back in (1, 2):
        if index - back < 0:
            return False
        prev = words[index - back]
        gap = text[prev.end() : words[index - back + 1].start()]
        if gap != " ":
            return False
        prev_word = prev.group().lower()
        if prev_word in _SINGULAR_DETERMINERS:
            if prev_word not in ("a", "an") and _can_be_verb(words[index].group().lower(), en):
                return False  # "each explains": "each" is a pronoun here
            # "A" may be a variable ("algorithm A achieves"), unless it opens the sentence.
            return prev.group().islower() or sentence_start(text, prev.start())
        if (
            back == 2
            or not prev.group().islower()
            or not prev_word.endswith(_ADJECTIVE_ENDINGS)
            or prev_word in data.words("repair_en_quantifiers.txt")
        ):
            return False
    return False


# Endings of English adjectives; only such a word may stand between the determiner and the
# plural ("each individual classifiers contribution"), so "a genre was" is left alone.
_ADJECTIVE_ENDINGS = (
    "al",
    "ive",
    "ous",
    "ful",
    "less",
    "ic",
    "able",
    "ible",
    "ent",
    "ant",
    "ary",
    "ory",
    "ed",
    "ing",
    "ern",
    "ior",
    "est",
    "ular",
)

"""The document evidence's look-ups give what their definitions say, on many small random
vocabularies (the typo rule's neighbour search is indexed in a roundabout way for speed)."""

from __future__ import annotations

import random

from pagewash.repair.evidence import Evidence


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _neighbours_by_definition(evidence: Evidence, word: str) -> set[str]:
    """Document words at most one letter longer or shorter sharing a one-letter deletion."""
    lower = word.lower()
    keys = _deletions(lower)
    return {
        form
        for form in evidence.folded
        if abs(len(form) - len(lower)) <= 1 and form != lower and _deletions(form) & keys
    }


def _vocabulary(rng: random.Random, alphabet: str, size: int, longest: int) -> list[str]:
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest))) for _ in range(size)]


def test_neighbours_match_their_definition() -> None:
    rng = random.Random(7)
    for alphabet in ("ab", "abc", "abcde", "aAбБё"):
        for _ in range(60):
            words = _vocabulary(rng, alphabet, 120, 7)
            evidence = Evidence([" ".join(words[:60]), " ".join(words[60:])])
            queries = rng.sample(words, 10) + _vocabulary(rng, alphabet, 10, 8)
            for query in queries:
                assert evidence.neighbours(query) == _neighbours_by_definition(evidence, query)


def test_words_with_a_stem() -> None:
    rng = random.Random(11)
    for _ in range(200):
        evidence = Evidence([" ".join(_vocabulary(rng, "abcя", 40, 7))])
        stem = "".join(rng.choice("abcя") for _ in range(rng.randint(0, 4)))
        expected = sorted(
            form for form in evidence.folded if form.startswith(stem) and len(form) <= len(stem) + 3
        )
        assert evidence.with_stem(stem) == expected


def test_counting_all_texts_at_once_counts_each_alike() -> None:
    texts = ["Don't stop", "ΣΟΦΟΣ and Straße", "north-east, North-East", "", "İstanbul x"]
    together = Evidence(texts)
    one_by_one = Evidence()
    for text in texts:
        one_by_one.add(text)
    assert together.exact == one_by_one.exact
    assert list(together.folded.items()) == list(one_by_one.folded.items())
    assert together.compounds == one_by_one.compounds

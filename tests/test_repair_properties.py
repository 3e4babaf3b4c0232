"""Property tests of the repair stage (hypothesis): idempotent, replayable, never touching
code, URLs or protected words, and leaving text without errors byte-identical."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pagewash.document import Code, Document, Link, Paragraph, Text
from pagewash.repair import RepairConfig, apply_changes, repair_document, repair_text

FAST = settings(
    max_examples=int(__import__("os").environ.get("REPAIR_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Damaged and clean words of every kind the rules look at, so random texts exercise them.
WORDS = [
    "Russias",
    "countrys",
    "dont",
    "users",
    "a",
    "the",
    "the",
    "had",
    "Респубикой",
    "Республикой",
    "СевероВосточной",
    "научноисследовательском",
    "ктото",
    "mhch",
    "much",
    "эффективноcть",
    "ХIV",
    "меж-\nдународный",
    "российско-\nкитайского",
    "РџРµСЂРІС‹Р№",
    "ﬁnd",
    "&amp;",
    "краи\u0306",
    "слово\u00a0слово",
    "end.Next",
    "Kessel",
    "VLSI",
    "x86",
    "et",
    "al.",
    "i.e.",
    "Peoples",
    "Republic",
    "diensionality",
    "dimensionality",
    "в",
    "и",
    "teh",
    "Moscow",
    "Pyongyangs",
    "\u00ad",
    "\u200b",
    "'",
    "-",
    "—",
    "«",
    "»",
    ",",
    ".",
    "незнаю",
    "вкомпании",
    "еслиб",
    "dissapointed",
    "Brin",
    "рецентрализацию",
    "MyMaps",
    "хочеться",
    "ооочень",
    "КогдаМаша",
]
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", ", ", ". ", "-", "\u00a0", ""])
damaged_text = st.lists(st.tuples(st.sampled_from(WORDS), SEPARATORS), max_size=25).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)
any_text = st.one_of(
    damaged_text,
    st.text(
        alphabet=st.sampled_from("abcxyzABCабвгдежзийАБВГcеopxy \n-.,'’\u00ad\u00a0\u0306ёЁ1"),
        max_size=60,
    ),
)


@FAST
@given(any_text)
def test_repair_is_idempotent_and_replayable(text: str) -> None:
    repaired, changes = repair_text(text)
    assert repair_text(repaired) == (repaired, [])
    assert apply_changes(text, changes) == repaired


URLS = st.sampled_from(
    [
        "https://example.org/Russias_countrys?q=teh#Респубикой",
        "www.exmaple.com/dont",
        "teh.writer@exmaple.org",
        "src/teh_file.py",
    ]
)


@FAST
@given(damaged_text, URLS, damaged_text)
def test_urls_and_addresses_are_never_changed(before: str, url: str, after: str) -> None:
    text = f"{before} {url} {after}"
    repaired, _ = repair_text(text)
    assert url in repaired


@FAST
@given(damaged_text, st.sampled_from(["Russias", "countrys", "Респубикой", "mhch", "ктото"]))
def test_protected_words_are_never_changed(text: str, word: str) -> None:
    source = f"{text} {word} {text}"
    repaired, _ = repair_text(source, config=RepairConfig(protected=frozenset({word})))
    assert repaired.count(word) >= source.count(word)


@FAST
@given(damaged_text, damaged_text)
def test_code_and_link_targets_are_never_changed(text: str, code: str) -> None:
    doc = Document(
        blocks=(
            Paragraph(
                (
                    Text(text),
                    Code(code),
                    Link((Text(text),), href=f"https://x.org/{code.strip()}"),
                )
            ),
        )
    )
    repaired = repair_document(doc)
    inlines = repaired.blocks[0].inlines  # type: ignore[union-attr]
    assert inlines[1] == Code(code)
    assert inlines[2].href == f"https://x.org/{code.strip()}"
    assert repair_document(repaired) == repaired


# Correct sentences of the kinds of text pagewash cleans (written for these tests).
CLEAN_EN = [
    "We study how the network grows over time.",
    "Each node keeps a small set of links, and the model explains the data well.",
    "The user's query is matched against the index in linear time.",
    "Our method doesn't need labelled data; it learns from users' clicks.",
    "Experiments on two benchmarks show that the approach scales to millions of pages.",
    "The authors conclude that Russia's strategic goals have not been achieved yet.",
    "In 2020 the treaty marked 20 years of bilateral ties (see Table 2).",
    "Kessel and Smyth describe the DPRK's position, i.e. stability on its borders.",
    "It's a well-known problem: the the-like repetitions are rare in edited text.",
    "The results are summarised in Section 4, and the code is available online.",
]
CLEAN_RU = [
    "В статье рассмотрены основные направления развития отношений России и Китая.",
    "Авторы приходят к выводу, что стратегические цели пока не достигнуты.",
    "Научно-исследовательский институт провёл полевые опыты в 2019–2021 гг.",
    "Урожай томатов повышается в 2–3 раза, а общий — на 18–22 %.",
    "Во-первых, это касается Северо-Восточной Азии; во-вторых, Корейского полуострова.",
    "Ключевые слова: внешняя политика, КНДР, российско-китайские отношения.",
    "Кто-то из участников конференции предложил новую методику оценки.",
    "Результаты исследования приведены в таблице 3 и на рисунке 5.",
    "Не знаю, в компании ли дело: если б не они, никто не ненавидел бы споры.",
]


@FAST
@given(
    st.lists(st.sampled_from(CLEAN_EN), min_size=1, max_size=6),
    st.lists(st.sampled_from(CLEAN_RU), min_size=1, max_size=6),
)
def test_text_without_errors_is_unchanged(english: list[str], russian: list[str]) -> None:
    for text, lang in (
        (" ".join(english), "en"),
        (" ".join(russian), "ru"),
        (" ".join(english + russian), None),
    ):
        assert repair_text(text, lang) == (text, [])

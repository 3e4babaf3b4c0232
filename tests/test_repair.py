"""Unit tests of the repair stage: each rule on the kinds of damage it exists for, the cases
it must leave alone, configuration errors, document repair and replay of recorded changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagewash.document import (
    Abstract,
    Code,
    CodeBlock,
    Document,
    Link,
    Metadata,
    Note,
    Paragraph,
    Section,
    Text,
    document_text,
)
from pagewash.errors import RulesError, UsageError
from pagewash.pipeline import Options
from pagewash.repair import (
    RULES,
    RepairConfig,
    apply_changes,
    config_from_options,
    repair_document,
    repair_records,
    repair_text,
)

AGGRESSIVE = RepairConfig(preset="aggressive")


def fixed(text: str, lang: str | None = None, **config: object) -> str:
    """The aggressive preset: these cases describe the frequency rules; the safe preset's
    cases live in test_repair_safe.py."""
    config.setdefault("preset", "aggressive")
    return repair_text(text, lang, RepairConfig(**config))[0]  # type: ignore[arg-type]


# ---------------------------------------------------------------- cases as data

# (title, language, input, expected); expected == input means "must not change".
CASES = [
    (
        "in-document evidence fixes a Russian typo",
        "ru",
        "Договор между Российской Федерацией и Корейской Народно-Демократической Респубикой. "
        "Отношения с Республикой Корея.",
        "Договор между Российской Федерацией и Корейской Народно-Демократической Республикой. "
        "Отношения с Республикой Корея.",
    ),
    (
        "CamelCase Russian compound gets its hyphen",
        "ru",
        "интеграция в СевероВосточной Азии",
        "интеграция в Северо-Восточной Азии",
    ),
    (
        "solid coordinate compound adjective gets its hyphen",
        "ru",
        "в научноисследовательском институте",
        "в научно-исследовательском институте",
    ),
    ("acronym glued to a word", "ru", "ЯМРспектры регистрировали", "ЯМР-спектры регистрировали"),
    ("particle glued to a pronoun", "ru", "ктото пришел", "кто-то пришел"),
    (
        "solid compound written solid stays",
        "ru",
        "низкоуглеродной экономики и электроэнергия",
        "низкоуглеродной экономики и электроэнергия",
    ),
    (
        "English possessives",
        "en",
        "The hierarchy of Russias key interests and Moscows observance affect the countrys "
        "positions, not Pyongyangs potential.",
        "The hierarchy of Russia's key interests and Moscow's observance affect the country's "
        "positions, not Pyongyang's potential.",
    ),
    (
        "irregular plural + s before a name",
        "en",
        "the Democratic Peoples Republic of Korea",
        "the Democratic People's Republic of Korea",
    ),
    ("contraction", "en", "Such techniques dont work.", "Such techniques don't work."),
    (
        "singular determiner before a plural",
        "en",
        "estimating a users affinity to items",
        "estimating a user's affinity to items",
    ),
    ("its/it's and lets stay", "en", "It lets its users share.", "It lets its users share."),
    ("plural after a preposition stays", "en", "the number of users grows", "the number of users grows"),
    (
        "English typo, one edit",
        "en",
        "We validate this method at mhch lower cost.",
        "We validate this method at much lower cost.",
    ),
    (
        "English typo fixed by the document",
        "en",
        "The dimensionality of data. Lower diensionality helps.",
        "The dimensionality of data. Lower dimensionality helps.",
    ),
    (
        "capitalised name mid-sentence stays",
        "en",
        "We thank Kessel and Smyth for help.",
        "We thank Kessel and Smyth for help.",
    ),
    (
        "acronyms, digits and abbreviations stay",
        "en",
        "The VLSI and LSTMs on x86 (Proc. Natl. Acad.) et al. work.",
        "The VLSI and LSTMs on x86 (Proc. Natl. Acad.) et al. work.",
    ),
    ("doubled word", "en", "This is the the answer.", "This is the answer."),
    ("purposeful repetition stays", "en", "He had had enough.", "He had had enough."),
    ("sentence space", "en", "It ends here.Then it goes on.", "It ends here. Then it goes on."),
    ("dotted names stay", "en", "Use ASP.NET and Node.js now.", "Use ASP.NET and Node.js now."),
    (
        "line-break hyphenation joined",
        "ru",
        "проблемы меж-\nдународного права",
        "проблемы международного права",
    ),
    (
        "line-break inside a real compound keeps the hyphen",
        "ru",
        "развитие российско-\nкитайского сотрудничества",
        "развитие российско-китайского сотрудничества",
    ),
    ("English line-break hyphenation joined", "en", "re-\nsearch results", "research results"),
    ("a hyphen before a space is kept", "en", "pre- and post-processing", "pre- and post-processing"),
    ("mojibake", None, "РџРµСЂРІС‹Р№ этап", "Первый этап"),
    (
        "a shown entity stays (the parser decoded the page once), a ligature is fixed",
        "en",
        "Tom &amp; Jerry ﬁnd it",
        "Tom &amp; Jerry find it",
    ),
    ("no NFKC", "ru", "№ 5, 10 км², ½ доли", "№ 5, 10 км², ½ доли"),
    ("soft hyphen and zero-width space", "ru", "меж\u00adдународ\u200bный", "международный"),
    ("decomposed й composed", "ru", "краи\u0306", "край"),
    ("Latin look-alike in a Cyrillic word", "ru", "эффективноcть", "эффективность"),
    ("Cyrillic look-alike in a Latin numeral", "ru", "в ХIV веке", "в XIV веке"),
    ("unmappable mixed token stays", "ru", "ERсхемы и pHKCl", "ERсхемы и pHKCl"),
    (
        "stray nbsp becomes a space; typographic ones stay",
        "ru",
        "одно\u00a0слово, 10\u00a0км, в\u00a0Москве",
        "одно слово, 10\u00a0км, в\u00a0Москве",
    ),
    (
        "URL, e-mail and path stay",
        "en",
        "See https://exmaple.com/Russias_data or mail teh@exmaple.org or src/teh_file.py",
        "See https://exmaple.com/Russias_data or mail teh@exmaple.org or src/teh_file.py",
    ),
    ("bundled corrections", "en", "We recieve data.", "We receive data."),
    (
        "an editor's bracketed expansions are word fragments",
        "ru",
        "Тр[удов] Имп[ераторского] журн[алистики]",
        "Тр[удов] Имп[ераторского] журн[алистики]",
    ),
    (
        "an unknown Russian word used in two forms is a term",
        "ru",
        "Сведения о кетском народе. Кетские сказки и речь.",
        "Сведения о кетском народе. Кетские сказки и речь.",
    ),
    (
        "a free prefix and a dictionary noun make a coinage, not a typo",
        "ru",
        "Авторы описывают рецентрализацию власти и свойства макрополя.",
        "Авторы описывают рецентрализацию власти и свойства макрополя.",
    ),
    (
        "beside a person's name a capitalised word is no common noun",
        "ru",
        "Беседа с гендиректором Фатором Черепановым прошла в Москве.",
        "Беседа с гендиректором Фатором Черепановым прошла в Москве.",
    ),
    (
        "... but a typo of a first name beside a patronymic is fixed",
        "ru",
        "По словам Владиамира Николаевича, работа завершена.",
        "По словам Владимира Николаевича, работа завершена.",
    ),
    (
        "... and the same word opening a sentence is a typo",
        "ru",
        "Цена важна. Фатором успеха служит качество.",
        "Цена важна. Фактором успеха служит качество.",
    ),
    (
        "a capitalised hyphenated compound is a name, not a typo",
        "ru",
        "В сценарии Фатором-Хвостов играет роль.",
        "В сценарии Фатором-Хвостов играет роль.",
    ),
    (
        "a solid prefix before a capital stays solid",
        "ru",
        "расчёты на суперЭВМ и роль лжеПророка",
        "расчёты на суперЭВМ и роль лжеПророка",
    ),
    (
        "after a possessive determiner a plural before a noun stays",
        "en",
        "Your tickets information is printed on their users accounts page.",
        "Your tickets information is printed on their users accounts page.",
    ),
    (
        "a CamelCase product name keeps its s",
        "en",
        "We leverage Google MyMaps data to map cities.",
        "We leverage Google MyMaps data to map cities.",
    ),
    (
        "a CamelCase name used bare is a possessive with s",
        "en",
        "LinkedIn is a network. We describe LinkedIns data standardization effort.",
        "LinkedIn is a network. We describe LinkedIn's data standardization effort.",
    ),
    (
        "Russian words glued by a lost space are split where grammar allows",
        "ru",
        "Я незнаю, что было вкомпании друзей. Еслиб он знал, ктобы пришёл.",
        "Я не знаю, что было в компании друзей. Если б он знал, кто бы пришёл.",
    ),
    (
        "a function word glued to a capitalised word gets a space, not a hyphen",
        "ru",
        "КогдаМаша пришла, в СевероЗападном округе шёл снег.",
        "Когда Маша пришла, в Северо-Западном округе шёл снег.",
    ),
    (
        "a verb ending's soft sign added or dropped",
        "ru",
        "Мне очень хочеться спать. Если столько выпьешь, то напьешся до утра.",
        "Мне очень хочется спать. Если столько выпьешь, то напьешься до утра.",
    ),
    (
        "... but a real infinitive stays",
        "ru",
        "Ему может понравиться эта книга.",
        "Ему может понравиться эта книга.",
    ),
    (
        "letters stretched for emphasis",
        "ru",
        "Это было ооочень интересно и полезно для нас всех.",
        "Это было очень интересно и полезно для нас всех.",
    ),
    (
        "... while dictionary words with three letters in a row stay",
        "ru",
        "Длинношеее животное и змееед живут там.",
        "Длинношеее животное и змееед живут там.",
    ),
    (
        "words beginning with a preposition-like prefix are no glued words",
        "ru",
        "Методы дообогащения концентрата, надрегиональной политики и вкладов ВКонтакте.",
        "Методы дообогащения концентрата, надрегиональной политики и вкладов ВКонтакте.",
    ),
    (
        "glued phrases from the bundled corrections",
        "ru",
        "Вообщем, всё хорошо, потомучто успели.",
        "В общем, всё хорошо, потому что успели.",
    ),
    (
        "a run mostly in another language is left alone",
        None,
        "Die Kostenersparnisse helfen dem Betrieb, sagte er, und das Potenzial bleibt.",
        "Die Kostenersparnisse helfen dem Betrieb, sagte er, und das Potenzial bleibt.",
    ),
]


@pytest.mark.parametrize(("title", "lang", "source", "expected"), CASES, ids=[case[0] for case in CASES])
def test_case(title: str, lang: str | None, source: str, expected: str) -> None:
    assert fixed(source, lang) == expected


def test_every_change_replays() -> None:
    source = (
        "Russias top priority\u00ad is the the countrys stability.Then "
        "Респубикой и Республикой в СевероВосточной Азии, mhch more."
    )
    repaired, changes = repair_text(source)
    assert changes
    assert apply_changes(source, changes) == repaired
    assert {c.rule for c in changes} <= set(RULES)
    assert all(c.stage == "repair" and c.reason for c in changes)


# ---------------------------------------------------------------- configuration


def test_rule_names_in_table_order() -> None:
    assert RULES[0] == "mojibake" and "typos" in RULES and len(set(RULES)) == len(RULES)


def test_unknown_rule_is_a_usage_error_listing_known_rules() -> None:
    with pytest.raises(UsageError, match="typos"):
        RepairConfig(rules=("nope",))
    with pytest.raises(UsageError, match="unknown repair rule 'nope'"):
        RepairConfig(skip=("nope",))


def test_rules_can_be_chosen_and_skipped() -> None:
    text = "Russias the the"
    assert fixed(text, "en", rules=("doubled_word",)) == "Russias the"
    assert fixed(text, "en", skip=("doubled_word",)) == "Russia's the the"


def test_languages_switch_lexical_rules_off() -> None:
    assert fixed("mhch lower", "en", languages=("ru",)) == "mhch lower"
    assert fixed("mhch lower", "en", languages=("en",)) == "much lower"


def test_protected_words_and_user_corrections() -> None:
    assert fixed("Russias and mhch", "en", protected=frozenset({"Russias", "mhch"})) == "Russias and mhch"
    assert fixed("The Foo bar", "en", corrections={"foo": "qux"}) == "The Qux bar"
    # the user's choice is final: the typo rule does not "correct" it afterwards
    assert fixed("at teh lower cost", "en", corrections={"teh": "mhch"}) == "at mhch lower cost"


def test_config_from_options_reads_user_files(tmp_path: Path) -> None:
    words = tmp_path / "protected.txt"
    words.write_text("# names\nRussias\nC#  # a language\n", encoding="utf-8")
    fixes = tmp_path / "fixes.tsv"
    fixes.write_text("# wrong\tright\nfoo\tbar\n", encoding="utf-8")
    config = config_from_options(Options(protected_words=words, corrections=fixes, skip_repair=("typos",)))
    assert config.protected == frozenset({"Russias", "C#"})
    assert dict(config.corrections) == {"foo": "bar"}
    assert "typos" not in config.enabled()


def test_bad_user_files_raise_rules_error(tmp_path: Path) -> None:
    bad = tmp_path / "fixes.tsv"
    bad.write_text("foo bar\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"fixes.tsv:1: expected 'wrong<TAB>right'"):
        config_from_options(Options(corrections=bad))
    with pytest.raises(RulesError, match="not found"):
        config_from_options(Options(protected_words=tmp_path / "missing.txt"))
    latin1 = tmp_path / "words.txt"
    latin1.write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(RulesError, match="UTF-8"):
        config_from_options(Options(protected_words=latin1))
    with pytest.raises(UsageError, match="supported: en, ru"):
        config_from_options(Options(languages=("de",)))


# ---------------------------------------------------------------- documents and records


def _seed_like_document() -> Document:
    return Document(
        blocks=(
            Paragraph(
                (
                    Text("Russias key interests and Moscows role; see "),
                    Link((Text("Russias page"),), href="https://example.org/Russias"),
                    Text(" and "),
                    Code("Russias = teh"),
                    Text("."),
                ),
                lang="en",
            ),
            Section(
                "abstract",
                (
                    Paragraph(
                        (
                            Text(
                                "Договор с Корейской Народно-Демократической Респубикой "
                                "в СевероВосточной Азии."
                            ),
                        )
                    ),
                ),
                lang="ru",
            ),
            Paragraph((Text("Отношения с Республикой Корея."),), lang="ru"),
            CodeBlock("Респубикой the the countrys", language="text"),
        )
    )


def test_document_repair_uses_document_evidence_and_spares_code() -> None:
    doc = _seed_like_document()
    repaired = repair_document(doc)
    text = document_text(repaired)
    assert "Russia's key interests and Moscow's role" in text
    assert "Республикой в Северо-Восточной Азии" in text
    link = repaired.blocks[0].inlines[1]  # type: ignore[union-attr]
    assert link.href == "https://example.org/Russias"
    assert repaired.blocks[0].inlines[3] == Code("Russias = teh")  # type: ignore[union-attr]
    assert repaired.blocks[3] == doc.blocks[3]
    blocks = {c.block for c in repaired.changes}
    assert blocks == {"0", "1.0"}
    assert all(c.stage == "repair" and c.offset is not None for c in repaired.changes)
    assert repair_document(repaired) == repaired


def test_document_without_damage_is_returned_unchanged() -> None:
    doc = Document(blocks=(Paragraph((Text("A clean sentence."),), lang="en"),))
    assert repair_document(doc) is doc


def test_records() -> None:
    records = [{"id": "1", "lang": "en", "text": "the countrys"}, {"id": 2, "text": "ok"}]
    out = list(repair_records(records, RepairConfig(preset="aggressive")))
    assert out[0]["text"] == "the country's" and out[0]["changes"][0]["rule"] == "lost_apostrophe"
    assert out[1] == {"id": 2, "text": "ok", "changes": []}
    json.dumps(out)
    with pytest.raises(UsageError, match="record 1"):
        list(repair_records([{"id": "x"}]))


def test_document_changes_replay_per_block() -> None:
    doc = Document(
        blocks=(
            Paragraph((Text("Russias key interests and the the countrys role.Then more."),), lang="en"),
            Paragraph((Text("Договор с Респубикой и Республикой в СевероВосточной Азии."),), lang="ru"),
        )
    )
    repaired = repair_document(doc)
    for path, (before, after) in enumerate(zip(doc.blocks, repaired.blocks, strict=True)):
        mine = [c for c in repaired.changes if c.block == str(path)]
        assert mine
        source = before.inlines[0].text  # type: ignore[union-attr]
        assert apply_changes(source, mine) == after.inlines[0].text  # type: ignore[union-attr]


def test_metadata_and_notes_are_repaired_with_the_document() -> None:
    doc = Document(
        metadata=Metadata(
            title="Russias priorities",
            description="the Democratic Peoples Republic",
            abstracts=(Abstract("en", "It was revealed that Russias top priority"),),
            keywords=("СевероВосточная Азия",),
        ),
        blocks=(Paragraph((Text("Russia and the countrys borders."),), lang="en"),),
        notes=(Note("1", (Paragraph((Text("See Moscows view."),)),)),),
    )
    repaired = repair_document(doc, AGGRESSIVE)
    meta = repaired.metadata
    assert meta.title == "Russia's priorities"
    assert meta.description == "the Democratic People's Republic"
    assert meta.abstracts[0].text == "It was revealed that Russia's top priority"
    assert meta.keywords == ("Северо-Восточная Азия",)
    assert repaired.notes[0].blocks[0].inlines == (Text("See Moscow's view."),)  # type: ignore[union-attr]
    where = {c.block for c in repaired.changes}
    assert {"0", "notes.0.0", "metadata.title", "metadata.abstracts.0", "metadata.keywords.0"} <= where
    assert repair_document(repaired, AGGRESSIVE) == repaired


# ---------------------------------------------------------------- helpers and lexicon storage


def test_initials_open_no_sentence() -> None:
    from pagewash.repair.rules.tokens import after_initials, sentence_start

    text = "работа Ж. Делеза и В.Ф. Безпалова. Затем"
    assert after_initials(text, text.index("Делеза"))
    assert after_initials(text, text.index("Безпалова"))
    assert not sentence_start(text, text.index("Безпалова"))
    assert sentence_start(text, text.index("Затем"))
    assert not after_initials(text, text.index("Затем"))


def test_frequency_table_round_trip_and_misses(tmp_path: Path) -> None:
    from pagewash.repair.lexicon.frequencies import Frequencies

    buckets = [[] for _ in range(600)]
    buckets[300] = ["the", "республика"]
    buckets[599] = ["rareword"]
    table = Frequencies.from_buckets(buckets)
    path = tmp_path / "table.bin"
    path.write_bytes(table.to_bytes())
    with path.open("rb") as handle:
        stored = Frequencies.read(handle)
    for current in (table, stored):
        assert current.get("the") == 300 and current.get("республика") == 300
        assert current.get("rareword") == 599
        assert current.get("rarewords") is None and "республики" not in current
        assert current.known_among(["rareword", "rarewrod", "the"]) == ["rareword", "the"]
    path.write_bytes(table.to_bytes()[:-3])
    with path.open("rb") as handle, pytest.raises(ValueError, match="truncated"):
        Frequencies.read(handle)


def test_frequency_cache_is_built_once_and_rebuilt_when_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pagewash.repair.lexicon import frequencies

    monkeypatch.setenv("PAGEWASH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(frequencies, "_stream_buckets", lambda lang: iter([["a"], ["b", "c"]]))
    current = frequencies._cache_path("en")
    older_format = current.with_name(current.name.rsplit(".v", 1)[0] + ".v0.bin")
    older_format.write_bytes(b"old")
    other_version = tmp_path / "wordfreq-0.1-large-en.v0.bin"  # another environment's table
    other_version.write_bytes(b"other")
    table = frequencies.load_frequencies("en")
    assert table.get("c") == 1
    assert current.exists() and not older_format.exists() and other_version.exists()
    current.write_bytes(b"garbage")
    assert frequencies.load_frequencies("en").get("b") == 1
    with current.open("rb") as handle:
        assert frequencies.Frequencies.read(handle).get("a") == 0
    assert not list(tmp_path.glob("*.tmp"))

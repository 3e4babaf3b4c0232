"""The misspellings rule: codespell's list of common English misspellings, read from the
installed distribution (a base dependency), applied only where it is safe."""

from __future__ import annotations

import pytest

from pagewash.repair import RepairConfig, repair_text
from pagewash.repair.rules import misspellings as rule


def test_the_list_is_installed() -> None:
    """codespell is a dependency of every install: without its list this is a broken set-up."""
    assert rule.misspelling_table(), "codespell's list is missing: reinstall pagewash"


def only(text: str) -> str:
    return repair_text(text, "en", RepairConfig(rules=("misspellings",)))[0]


def test_listed_misspellings_are_fixed_keeping_case() -> None:
    assert only("I was dissapointed by the fourty minutes.") == "I was disappointed by the forty minutes."
    assert only("Adress it again.") == "Address it again."


def test_foreign_text_names_and_variants_stay() -> None:
    for text in (
        "Voici un exemple du projet, pour les affaires.",  # listed: exemple, projet, affaires
        "Das Projekt ist vor dem Ende unter dem Titel offen.",  # listed: vor, unter, offen
        "Handel composed it. Skelton wrote it.",  # names that are listed misspellings
        "The Humber estuary and the humber bank.",  # the text's own name
        "It was despatched as a homogenous mass.",  # variants, not misspellings
    ):
        assert only(text) == text, text


def test_capitals_only_when_the_whole_text_shouts() -> None:
    """The aggressive preset reads shouted text; the safe preset never touches capitals."""
    shouted = "I AM SO DISSAPOINTED WITH THIS HOTEL"
    aggressive = RepairConfig(rules=("misspellings",), preset="aggressive")
    assert repair_text(shouted, "en", aggressive)[0] == "I AM SO DISAPPOINTED WITH THIS HOTEL"
    assert only(shouted) == shouted
    assert (
        only("The FOURTY model beats the baseline.") == "The FOURTY model beats the baseline."
    )  # an acronym in ordinary text


def test_names_camel_case_and_ambiguous_entries_stay() -> None:
    # "Brin" is listed (-> bring) but inside a sentence a capitalised word is a name;
    # "tought" has three suggestions in the list; CamelCase is an identifier.
    text = "As Sergey Brin said, we tought the FourtyTwo model."
    assert only(text) == text


def test_the_change_names_the_list_and_replays() -> None:
    _, changes = repair_text("an adress", "en", RepairConfig(rules=("misspellings",)))
    assert [(c.rule, c.before, c.after) for c in changes] == [("misspellings", "adress", "address")]
    assert "codespell" in changes[0].reason


def test_russian_text_and_the_language_switch_are_respected() -> None:
    russian = RepairConfig(rules=("misspellings",))
    assert (
        repair_text("Текст без ошибок и adress", "ru", russian)[0] == "Текст без ошибок и adress"
    )  # Latin words in a Russian block: names, quotations
    config = RepairConfig(rules=("misspellings",), languages=("ru",))
    assert repair_text("an adress", None, config)[0] == "an adress"


def test_the_compact_table_answers_like_the_list() -> None:
    """Every single-correction entry is found with its correction; other words are not."""
    from importlib import metadata

    text = metadata.distribution(rule.DISTRIBUTION).locate_file(rule.DICTIONARY).read_text(encoding="utf-8")  # type: ignore[union-attr]
    entries = dict(rule._entries(text.splitlines()))
    table = rule.misspelling_table()
    assert len(table) == len(entries) > 50_000
    assert all(table.get(wrong) == right for wrong, right in entries.items())
    assert table.get("receive") is None and table.get("tought") is None  # multi-choice entry


def test_without_codespell_the_rule_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> object:
        raise rule.metadata.PackageNotFoundError(name)

    rule.misspelling_table.cache_clear()
    monkeypatch.setattr(rule.metadata, "distribution", missing)
    try:
        assert not rule.misspelling_table()
        assert only("I was dissapointed.") == "I was dissapointed."
    finally:
        rule.misspelling_table.cache_clear()

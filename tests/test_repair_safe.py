"""The safe preset (the default): no word edit without evidence, word rules only in text
identified as Russian or English, a word any dictionary knows is never corrected; presets
chosen by name, unknown names refused; the language identifier behind the gate."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pagewash.errors import UsageError
from pagewash.pipeline import Options, clean
from pagewash.repair import RepairConfig, repair_text
from pagewash.repair.evidence import KINDS
from pagewash.repair.lexicon.dictionaries import hunspell_knows
from pagewash.repair.presets import names, preset
from pagewash.text import identify, sentences

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pagewash"]


def safe(text: str, lang: str | None = None) -> str:
    return repair_text(text, lang, RepairConfig())[0]


# (title, language hint, text): the damage the frequency rules did on published pages.
UNTOUCHED = [
    ("gas is a singular noun", None, "Delhi has turned into a gas chamber due to smoke."),
    (
        "ethane is a dictionary word",
        None,
        "Gases like methane and ethane which are gases at room temperature escape.",
    ),
    ("molt is a dictionary word", None, "This is the time of year when birds molt and shed."),
    ("comments section", None, "Tell us your favourite topics in the comments section below."),
    ("teachers unions", None, "We hear the concerns of the teachers unions every week."),
    ("frustrations players", None, "Some of the frustrations players will have are real."),
    (
        "a name beside a first name",
        None,
        "Проголосовать за Ольгу вы можете на последней странице!\nКатерина Каплар\n"
        "Что вас вдохновило на создание кулинарной страницы?",
    ),
    (
        "a dance Hunspell knows",
        None,
        "400 г брокколи, 250 г мягкой соленой брынзы (или фетаксы, или сиртаки), 300 г сыра.",
    ),
    (
        "German is not English",
        None,
        "Die ePA soll über den aktuellen Behandlungs und Gesundheitsstatus eines Patienten "
        "informieren. Alle anderen Akteure des Gesundheitswesens sollen daran angebunden sein.",
    ),
    (
        "Portuguese is not English",
        None,
        "Aqui nos Estados Unidos você tem à disposição para Alfabetizar seus Filhos em Casa um "
        "programa. A Copa é composto por 36 corridas.",
    ),
    (
        "Indonesian reduplication",
        None,
        "Jangan lebay dalam mencintai atau membenci sesuatu. Biasa biasa saja. Dari kritik "
        "yang santun, hingga penghinaan yang amat amat keji.",
    ),
    ("a plural family name", None, "There were investigations into the Bidens and Burisma."),
    ("a nationality before its verb", None, "Seventy-eight percent of Americans live paycheck to paycheck."),
    ("a name in guillemets", "ru", "Компания «ТрансКомСервис» открыла новый офис."),
    ("a unit after a number, then a preposition", "ru", "Температура 25 С с утра держится."),
    ("a CamelCase brand", "ru", "Справочная система КонсультантПлюс обновлена."),
    ("capitals", "en", "The NASA and ESA budgets grew."),
]


@pytest.mark.parametrize(("title", "lang", "text"), UNTOUCHED, ids=[c[0] for c in UNTOUCHED])
def test_safe_preset_leaves_correct_text_alone(title: str, lang: str | None, text: str) -> None:
    assert safe(text, lang) == text


def test_aggressive_preset_keeps_the_frequency_rules() -> None:
    text = "We hear the concerns of the teachers unions every week."
    assert repair_text(text, None, RepairConfig(preset="aggressive"))[0] != text


# (title, language hint, text, expected): errors the evidence rules still fix.
FIXED = [
    (
        "typo attested elsewhere in the document",
        "ru",
        "Договор между Российской Федерацией и Корейской Народно-Демократической Респубикой. "
        "Отношения с Республикой Корея.",
        "Договор между Российской Федерацией и Корейской Народно-Демократической Республикой. "
        "Отношения с Республикой Корея.",
    ),
    (
        "hyphenated form attested in the document",
        "ru",
        "Интеграция в СевероВосточной Азии. Страны Северо-Восточной Азии растут.",
        "Интеграция в Северо-Восточной Азии. Страны Северо-Восточной Азии растут.",
    ),
    (
        "hyphenated form in the dictionary",
        "ru",
        "в научноисследовательском институте работают",
        "в научно-исследовательском институте работают",
    ),
    (
        "possessive of a name the text uses",
        "en",
        "Russia borders Korea. The hierarchy of Russias key interests is clear.",
        "Russia borders Korea. The hierarchy of Russia's key interests is clear.",
    ),
    (
        "no plural in -ys",
        "en",
        "It affects the countrys positions in the region.",
        "It affects the country's positions in the region.",
    ),
    (
        "contraction unknown to every dictionary",
        "en",
        "We tried these techniques on our data last year, but they dont work well at all.",
        "We tried these techniques on our data last year, but they don't work well at all.",
    ),
    (
        "curated misspelling",
        "en",
        "We recieve many letters every day from readers.",
        "We receive many letters every day from readers.",
    ),
    (
        "unknown word with one strong candidate",
        "en",
        "The symptoms appear after an incubaction period of one to seven days.",
        "The symptoms appear after an incubation period of one to seven days.",
    ),
    (
        "doubled word",
        "en",
        "He wrote a letter on the the sentencing of the man.",
        "He wrote a letter on the sentencing of the man.",
    ),
]


@pytest.mark.parametrize(("title", "lang", "text", "expected"), FIXED, ids=[c[0] for c in FIXED])
def test_safe_preset_fixes_errors_with_evidence(
    title: str, lang: str | None, text: str, expected: str
) -> None:
    repaired, changes = repair_text(text, lang, RepairConfig())
    assert repaired == expected
    word_changes = [c for c in changes if c.rule not in ("unicode_hygiene", "mojibake")]
    assert word_changes
    for change in word_changes:
        kind = re.search(r"\(evidence: (\w+)\)$", change.reason)
        assert kind is not None and kind.group(1) in KINDS, change.reason


def test_seed_page_defects_repaired_by_default() -> None:
    doc = clean((ROOT / "fixtures" / "seed" / "input.html").read_bytes())
    fixed = {(c.before, c.after) for c in doc.changes if c.stage == "repair"}
    for pair in [
        ("Респубикой", "Республикой"),
        ("СевероВосточной", "Северо-Восточной"),
        ("Russias", "Russia's"),
        ("Moscows", "Moscow's"),
        ("countrys", "country's"),
        ("Pyongyangs", "Pyongyang's"),
        ("Peoples", "People's"),
    ]:
        assert pair in fixed, pair
    assert all(
        "(evidence: " in c.reason
        for c in doc.changes
        if c.stage == "repair" and c.rule not in ("unicode_hygiene", "mojibake")
    )


def test_english_sentence_in_a_german_block_is_not_repaired_as_english() -> None:
    text = (
        "Gerade ist die neue Palette eingetroffen und wir freuen uns sehr darüber. "
        "Die Filhos und Unidos bleiben wie sie sind, auch Gesundheitswesens."
    )
    assert safe(text, "en") == text


def test_mixed_block_repairs_only_its_english_sentence() -> None:
    text = (
        "Die Verwaltung hat das neue Verfahren gestern vorgestellt und erklärt. "
        "The symptoms appear after an incubaction period of one to seven days."
    )
    assert "incubation" in safe(text)


# ---------------------------------------------------------------- presets


def test_presets_are_data_with_a_safe_default() -> None:
    assert names() == ("safe", "aggressive")
    assert preset(None).name == "safe"
    assert preset("safe").evidence_required and preset("safe").language_gate
    assert not preset("aggressive").evidence_required


def test_unknown_preset_is_an_error_in_the_library() -> None:
    with pytest.raises(UsageError, match="unknown repair preset 'fast'; known presets: safe"):
        RepairConfig(preset="fast")
    with pytest.raises(UsageError, match="unknown repair preset"):
        clean(
            "<html><body><p>" + "Some text here. " * 20 + "</p></body></html>", Options(repair_preset="fast")
        )


def test_preset_on_the_command_line(tmp_path: Path) -> None:
    text = "We hear the concerns of the teachers unions every week.\n"
    run = [*CLI, "repair", "-"]
    safe_out = subprocess.run(run, input=text, capture_output=True, text=True, check=True)
    aggressive = subprocess.run(
        [*run, "--preset", "aggressive"], input=text, capture_output=True, text=True, check=True
    )
    assert safe_out.stdout == text
    assert aggressive.stdout != text
    bad = subprocess.run([*run, "--preset", "fast"], input=text, capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "unknown repair preset 'fast'" in bad.stderr


def test_preset_in_the_settings_file(tmp_path: Path) -> None:
    config = tmp_path / "pagewash.toml"
    config.write_text('[repair]\npreset = "aggressive"\n', encoding="utf-8")
    text = "We hear the concerns of the teachers unions every week.\n"
    out = subprocess.run(
        [*CLI, "--config", str(config), "repair", "-"], input=text, capture_output=True, text=True, check=True
    )
    assert out.stdout != text
    config.write_text('[repair]\npreset = "fast"\n', encoding="utf-8")
    bad = subprocess.run(
        [*CLI, "--config", str(config), "repair", "-"], input=text, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown repair preset" in bad.stderr


def test_convert_takes_a_preset() -> None:
    seed = str(ROOT / "fixtures" / "seed" / "input.html")
    out = subprocess.run([*CLI, "convert", seed, "--preset", "aggressive"], capture_output=True, text=True)
    assert out.returncode == 0 and "Северо-Восточной" in out.stdout
    bad = subprocess.run([*CLI, "convert", seed, "--preset", "fast"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown repair preset" in bad.stderr


def test_repair_refuses_html_and_points_to_convert(tmp_path: Path) -> None:
    page = ROOT / "fixtures" / "seed" / "input.html"
    out = tmp_path / "out.txt"
    run = subprocess.run([*CLI, "repair", str(page), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode != 0
    assert run.stderr.count("\n") == 1
    assert "pagewash convert" in run.stderr and "is HTML" in run.stderr
    assert not out.exists()


def test_repair_accepts_text_that_mentions_tags() -> None:
    text = "Use the <p> element for paragraphs.\n"
    run = subprocess.run([*CLI, "repair", "-"], input=text, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == text


# ---------------------------------------------------------------- identifier, dictionaries


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Delhi has turned into a gas chamber due to smoke from crop burning.", "en"),
        ("Договор между Российской Федерацией и Корейской Республикой подписан.", "ru"),
        (
            "Die elektronische Patientenakte soll künftig alle Befunde und Arztbriefe enthalten, "
            "die für die Behandlung wichtig sind.",
            "de",
        ),
        ("Aqui nos Estados Unidos você tem à disposição um programa.", "pt"),
    ],
)
def test_identifier_names_the_language(text: str, lang: str) -> None:
    found = identify(text)
    assert found.lang == lang and found.confident


def test_identifier_declines_short_text() -> None:
    assert identify("Menu").lang is None
    assert not identify("Катерина Каплар").confident


def test_sentences_cover_the_text_and_keep_initials() -> None:
    text = "В.Ф. Безпалова пишет. A. Smith agrees! Next? Yes.\nNew line"
    spans = sentences(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert text[spans[0][0] : spans[0][1]] == "В.Ф. Безпалова пишет. "


@pytest.mark.parametrize(
    ("word", "lang", "known"),
    [
        ("ethane", "en", True),
        ("molt", "en", True),
        ("colour", "en", True),
        ("color", "en", True),
        ("brokeness", "en", False),
        ("сиртаки", "ru", True),
        ("Республикой", "ru", True),
        ("Респубикой", "ru", False),
    ],
)
def test_hunspell_dictionaries_are_installed(word: str, lang: str, known: bool) -> None:
    assert hunspell_knows(word, lang) is known


# ---------------------------------------------------------------- properties

_WORDS = st.sampled_from(
    [
        "the",
        "users",
        "gas",
        "chamber",
        "Russias",
        "dont",
        "Respubikoy",
        "Республикой",
        "Респубикой",
        "СевероВосточной",
        "ethane",
        "методы",
        "teh",
        "the",
        "25",
        "С",
        "с",
        "«Имя»",
        "Gesundheitswesens",
        "и",
        "в",
        "recieve",
        "molt",
        "comments",
        "section",
    ]
)
_TEXTS = st.lists(_WORDS, min_size=1, max_size=30).map(" ".join) | st.text(max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_safe_repair_never_crashes_and_is_idempotent(text: str) -> None:
    once = safe(text)
    assert safe(once) == once


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, min_size=3, max_size=30).map(" ".join))
def test_safe_repair_never_changes_a_dictionary_word(text: str) -> None:
    _, changes = repair_text(text, None, RepairConfig())
    for change in changes:
        if change.rule in ("doubled_word", "unicode_hygiene", "mojibake", "homoglyphs"):
            continue
        for word in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", change.before):
            lang = "ru" if re.search("[а-яё]", word.lower()) else "en"
            assert not hunspell_knows(word, lang), (word, change)

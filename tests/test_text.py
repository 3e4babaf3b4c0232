"""The shared text facts: the language identifier, the script detector, language tags."""

from __future__ import annotations

import pytest

from pagewash.text import identify, langid
from pagewash.text.languages import bcp47, primary
from pagewash.text.scripts import lexicon_language, script_of, word_script


def test_the_identifier_does_not_rely_on_the_python_wrapper(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two distributions install the ``fasttext`` module (fasttext-predict, and the full
    fasttext another package may pull in); the full one's ``predict`` breaks on NumPy 2, so
    the identifier calls the binding underneath, which both share."""
    model = langid._model()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("Unable to avoid copy while creating an array as requested.")

    monkeypatch.setattr(type(model), "predict", broken)
    langid._MEMO.clear()
    found = identify("This is a plain English sentence about the weather in the mountains.")
    assert found.lang == "en" and found.confident
    assert identify("Это обычное русское предложение о погоде в горах и долинах.").lang == "ru"


def test_scripts_and_tags() -> None:
    assert script_of("Привет, world") == "cyrl" and script_of("1234") is None
    assert word_script("XVIII") is None and word_script("Москва") == "Cyrillic"
    assert lexicon_language("café") is None and lexicon_language("cafe") == "en"
    assert primary("ru_RU.UTF-8") == "ru" and primary("und") is None and primary("") is None
    assert bcp47("ru_RU.UTF-8") == "ru-RU" and bcp47("C") is None

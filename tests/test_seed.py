"""The seed page end to end: what a reader of the Markdown must and must not see."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

import pagewash
from conftest import FIXTURES

SEED = FIXTURES / "seed" / "input.html"
MD = MarkdownIt("commonmark")


@pytest.fixture(scope="module")
def markdown() -> str:
    return pagewash.convert(SEED.read_bytes())


@pytest.fixture(scope="module")
def body(markdown: str) -> str:
    return markdown.split("\n---\n", 1)[1]


def test_front_matter(markdown: str) -> None:
    front = markdown.split("\n---\n", 1)[0]
    assert 'title: "Отношения России с КНДР в XXI веке: итоги двадцатилетия"' in front
    assert 'doi: "10.22363/2313-0660-2020-20-1-9-23"' in front
    assert re.search(r'authors:\n  - "', front)
    assert 'language: "ru"' in front
    assert '  - "en"' in front
    assert '  - "внешняя политика России"' in front


def test_one_h1_then_section_headings(body: str) -> None:
    tokens = MD.parse(body)
    heads = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [h for h in heads if h[0] == "h1"] == [
        ("h1", "Отношения России с КНДР в XXI веке: итоги двадцатилетия")
    ]
    titles = [text for _, text in heads]
    for expected in (
        "Обзор литературы и основные исследовательские подходы",
        "Приоритеты российской политики на корейском направлении",
        "Библиографический список",
    ):
        assert expected in titles


def test_both_abstracts_complete_once(body: str) -> None:
    assert body.count("February 2020 marked 20 years") == 1
    assert "have been mostly attained, although with some damage" in body
    assert "is stability on its borders" in body
    assert body.count("В феврале 2020 г. исполнилось 20 лет") == 1


def test_lists(body: str) -> None:
    tokens = MD.parse(body)
    types = [t.type for t in tokens]
    assert "bullet_list_open" in types and "ordered_list_open" in types
    items = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert any(item.startswith("На первом этапе") for item in items)
    assert any("Корейский полуостров и вызовы глобализации" in item for item in items)


@pytest.mark.parametrize(
    "chrome",
    [
        "Read more",
        "Full Text",
        "Published version (Free)",
        "Talk to us",
        "Schedule a call",
        "Join us for a 30 min",
    ],
)
def test_no_chrome(body: str, chrome: str) -> None:
    assert chrome not in body


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("Респубикой", "Республикой"),
        ("СевероВосточной", "Северо-Восточной"),
        ("Russias", "Russia's"),
        ("Moscows", "Moscow's"),
        ("countrys", "country's"),
        ("Pyongyangs", "Pyongyang's"),
        ("Peoples Republic", "People's Republic"),
    ],
)
def test_defects_repaired(body: str, broken: str, repaired: str) -> None:
    assert not re.search(rf"\b{broken}\b", body)
    assert repaired in body

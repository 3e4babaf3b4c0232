"""The parse stage: lxml pruning before the BeautifulSoup tree, metadata carriers kept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pagewash.parse import parse

PAGE = """<!DOCTYPE html><html lang="ru"><head>
<title>Заголовок | Сайт</title>
<meta name="citation_title" content="Заголовок">
<meta property="og:site_name" content="Сайт">
<link rel="canonical" href="https://example.org/a">
<script type="application/ld+json">{"@type": "Article", "headline": "Заголовок"}</script>
<script>var tracking = 1;</script>
<style>.js-hidden{display:none} @media (max-width: 600px) {.mobile-off{display:none}}</style>
</head><body>
<nav><a href="/">Home</a></nav>
<p>Visible text.<span class="js-hidden">Secret text.</span></p>
<div style="display: none">Hidden block.</div>
<div class="mobile-off">Shown on desktops.</div>
<p>Start of abstract<span class="abstract-more" style="display:none"> and its hidden rest.</span></p>
<svg><text>vector label</text></svg><select><option>Choice</option></select>
<p data-track="x" onclick="go()">Tail</p>
</body></html>"""


def test_metadata_carriers_are_kept_before_pruning() -> None:
    page = parse(PAGE)
    head = page.head
    assert head is not None
    assert head.title == "Заголовок | Сайт"
    assert head.first("citation_title") == "Заголовок"
    assert head.first("og:site_name") == "Сайт"
    assert head.canonical == "https://example.org/a"
    assert len(head.jsonld) == 1 and "headline" in head.jsonld[0]
    assert head.lang == "ru"


def test_non_content_is_gone_from_the_tree() -> None:
    soup = parse(PAGE).soup
    text = soup.get_text(" ")
    for gone in ("tracking", "vector label", "Choice", "Home", "Hidden block."):
        assert gone not in text
    assert soup.find("script") is None and soup.find("svg") is None


def test_hidden_by_page_stylesheet_but_not_by_media_query() -> None:
    text = parse(PAGE).soup.get_text(" ")
    assert "Secret text." not in text
    assert "Shown on desktops." in text


def test_read_more_continuation_is_kept_and_marked() -> None:
    soup = parse(PAGE).soup
    span = soup.find("span", attrs={"data-pw-continuation": "1"})
    assert span is not None and "hidden rest" in span.get_text()


def test_every_parser_removal_is_recorded() -> None:
    page = parse(PAGE)
    head = page.head
    assert head is not None
    rules = {r.rule for r in page.removals}
    assert {"non-content-element", "navigation", "hidden-element"} <= rules
    assert all(len(r.quote) <= 80 for r in page.removals)


def test_unread_attributes_are_dropped() -> None:
    p = parse(PAGE).soup.find("p", string="Tail")
    assert p is not None and p.attrs == {}


def test_odd_inputs_give_a_tree() -> None:
    for text in (
        "",
        "   ",
        "<?xml version='1.0' encoding='utf-8'?><p>x</p>",
        "plain \x00 text",
        "<html><body><p>unclosed",
    ):
        soup = parse(text).soup
        assert soup.body is not None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_parse_never_crashes(text: str) -> None:
    assert parse(text).soup.body is not None

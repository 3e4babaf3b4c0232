"""The extract stage: structure, boilerplate decisions, scholarly parts, metadata, rules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pagewash.document import (
    CodeBlock,
    Document,
    Emphasis,
    Heading,
    Image,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    Strong,
    Superscript,
    Table,
    document_text,
    iter_blocks,
)
from pagewash.errors import RulesError
from pagewash.extraction import extract
from pagewash.options import ExtractOptions
from pagewash.parse import parse

PROSE = (
    "The river flooded the lower town twice in the last century, and each time the people who "
    "lived there rebuilt their houses a little higher up the slope than before."
)


def page(body: str, head: str = "") -> str:
    nav = '<nav class="menu"><a href="/">Home</a> <a href="/about">About</a></nav>'
    footer = '<footer class="site-footer">© 2024 Example. All rights reserved.</footer>'
    return (
        f"<html><head><title>Story | Example</title>{head}</head><body>{nav}"
        f"<main><article>{body}</article></main>{footer}</body></html>"
    )


def run(body: str, head: str = "", **options: Any) -> Document:
    return extract(parse(page(body, head)), ExtractOptions(**options))


def blocks_of(doc: Document, kind: type) -> list:
    return [b for _, b in iter_blocks(doc.blocks) if isinstance(b, kind)]


def test_double_break_splits_paragraphs_single_break_does_not() -> None:
    doc = run(f"<p>{PROSE}<br><br>{PROSE.upper()}<br>line two of the second one.</p><p>{PROSE}</p>")
    paragraphs = blocks_of(doc, Paragraph)
    assert len(paragraphs) == 3
    assert any(type(r).__name__ == "LineBreak" for r in paragraphs[1].inlines)


def test_headings_lists_code_quote_table() -> None:
    body = f"""<h1>Story</h1><p>{PROSE}</p><h2>Part one</h2><p>{PROSE}</p>
    <ul><li>first point of the list</li><li>second point<ol><li>nested a</li><li>nested b</li>
    </ol></li></ul><p>{PROSE}</p><pre><code class="language-sh">make test
  # indented   spaces kept</code></pre>
    <blockquote><p>{PROSE}</p></blockquote>
    <table><thead><tr><th>Year</th><th>Level</th></tr></thead>
    <tbody><tr><td>1910</td><td>4.2 m</td></tr><tr><td>1955</td><td>3.9 m</td></tr></tbody></table>
    <p>{PROSE}</p>"""
    doc = run(body)
    headings = blocks_of(doc, Heading)
    assert [h.level for h in headings] == [2]  # the h1 is the title; h2 shifted to level 2
    assert doc.metadata.title == "Story"
    lists = blocks_of(doc, ListBlock)
    outer = next(b for b in lists if not b.ordered)
    assert len(outer.items) == 2
    nested = outer.items[1].blocks[-1]
    assert isinstance(nested, ListBlock) and nested.ordered and len(nested.items) == 2
    code = blocks_of(doc, CodeBlock)[0]
    assert code.text == "make test\n  # indented   spaces kept" and code.language == "sh"
    assert blocks_of(doc, Quote)
    table = blocks_of(doc, Table)[0]
    assert len(table.head) == 1 and table.head[0].cells[0].header
    assert len(table.body) == 2


def test_inline_runs_keep_links_emphasis_footnote_marks_and_images() -> None:
    body = (
        f'<p>{PROSE} See <a href="/map">the <em>old</em> map</a>, <strong>really</strong>'
        f'<sup><a href="#fn1">1</a></sup>.</p><p>{PROSE}</p>'
        f'<p><img src="/f.jpg" alt="The lower town in 1910 under water"> {PROSE}</p>'
    )
    doc = run(body, url="https://example.org/story")
    first = blocks_of(doc, Paragraph)[0]
    link = next(r for r in first.inlines if isinstance(r, Link))
    assert link.href == "https://example.org/map"
    assert any(isinstance(r, Emphasis) for r in link.children)
    assert any(isinstance(r, Strong) for r in first.inlines)
    assert any(isinstance(r, Superscript) for r in first.inlines)
    third = blocks_of(doc, Paragraph)[2]
    assert any(isinstance(r, Image) and "1910" in r.alt for r in third.inlines)


def test_chrome_is_dropped_and_explained() -> None:
    body = (
        f"<p>{PROSE}</p><div class='share-buttons'><a href='#'>Share on Facebook</a></div>"
        f"<p>Advertisement</p><p>{PROSE}</p><p><a href='#'>Read more</a></p>"
    )
    doc = run(body)
    text = document_text(doc)
    for chrome in ("Home", "Share on Facebook", "Advertisement", "Read more", "All rights"):
        assert chrome not in text
    rules = {c.rule for c in doc.changes}
    assert {"navigation", "share-bar", "advertising", "call-to-action"} <= rules
    for change in doc.changes:
        assert change.stage == "extract" and change.after == "" and len(change.before) <= 80


def test_language_per_block() -> None:
    russian = (
        "Река дважды затапливала нижний город в прошлом веке, и каждый раз жители "
        "отстраивали дома чуть выше по склону, чем прежде, не желая уезжать далеко."
    )
    doc = run(f"<p>{PROSE}</p><p>{russian}</p><p>{PROSE}</p>")
    langs = [b.lang for b in blocks_of(doc, Paragraph)]
    assert langs == ["en", "ru", "en"]
    assert doc.metadata.languages[0] == "en" and "ru" in doc.metadata.languages


def test_no_main_content_gives_an_empty_document_with_a_reason() -> None:
    doc = extract(parse("<html><body><nav><a href='/'>Home</a></nav><div id='app'></div></body></html>"))
    assert doc.status == "empty" and doc.blocks == ()
    assert doc.reason and doc.reason.startswith("no main content")


def test_login_wall_reason_names_it() -> None:
    doc = extract(
        parse(
            "<html><body><h1>Please sign in to continue</h1><form><input></form>"
            "<p>Already a subscriber? Log in.</p></body></html>"
        )
    )
    assert doc.status == "empty" and "login" in (doc.reason or "")


def test_read_more_preview_and_full_copy_become_one_paragraph() -> None:
    full = PROSE + " " + PROSE.replace("river", "sea")
    body = (
        f'<section class="abstract"><h2>Abstract</h2><p>{PROSE[:80]}…</p>'
        f'<div class="abstract-full" style="display:none"><p>{full}</p></div>'
        f'<a href="#">Show more</a></section><p>{PROSE}</p><p>{PROSE}</p>'
    )
    doc = run(body)
    abstract = next(b for b in doc.blocks if isinstance(b, Section) and b.role == "abstract")
    texts = [p for p in blocks_of(Document(blocks=(abstract,)), Paragraph)]
    assert len(texts) == 1 and texts[0].inlines[0].text.startswith(PROSE[:40])
    assert "sea flooded" in document_text(doc)
    assert any(c.rule == "truncated-preview" for c in doc.changes)


def test_keywords_and_references() -> None:
    body = (
        f"<p>{PROSE}</p><p>Key words: floods; towns; memory.</p><p>{PROSE}</p>"
        "<h2>References</h2><ol><li>Smith J. Floods. 1999. <a href='https://s.example'>"
        "Google Scholar</a></li><li>[2] Doe A. Towns. 2001. <a href='x'>Crossref</a></li></ol>"
    )
    doc = run(body)
    assert doc.metadata.keywords == ("floods", "towns", "memory")
    refs = next(b for b in doc.blocks if isinstance(b, Section) and b.role == "references")
    assert isinstance(refs.blocks[0], Heading)
    entries = refs.blocks[1]
    assert isinstance(entries, ListBlock) and entries.ordered and len(entries.items) == 2
    text = document_text(doc)
    assert "Google Scholar" not in text and "Crossref" not in text and "[2]" not in text


def test_metadata_precedence() -> None:
    head = (
        '<meta name="citation_title" content="Citation title">'
        '<meta name="citation_author" content="Smith, Jane">'
        '<meta name="citation_doi" content="10.1000/xyz.1">'
        '<meta property="og:title" content="OG title"><meta property="og:site_name" '
        'content="Example Site"><script type="application/ld+json">{"@graph": [{"@type": '
        '"NewsArticle", "headline": "LD title", "datePublished": "2021-05-04T10:00:00Z", '
        '"keywords": ["a", "b"]}]}</script>'
    )
    doc = run(f"<p>{PROSE}</p><p>{PROSE}</p>", head)
    meta = doc.metadata
    assert meta.title == "Citation title"
    assert meta.authors == ("Jane Smith",)
    assert meta.doi == "10.1000/xyz.1"
    assert meta.date == "2021-05-04"
    assert meta.site == "Example Site"
    assert meta.keywords == ("a", "b")


def test_title_from_title_tag_loses_site_suffix() -> None:
    doc = run(f"<h1>Story</h1><p>{PROSE}</p><p>{PROSE}</p>")
    assert doc.metadata.title == "Story"
    assert not blocks_of(doc, Heading)


def test_comments_kept_only_on_request() -> None:
    body = f"<p>{PROSE}</p><p>{PROSE}</p><div id='comments'><p>{PROSE.replace('river', 'creek')}</p></div>"
    assert "creek" not in document_text(run(body))
    assert "creek" in document_text(run(body, keep_comments=True))


def test_user_rules_extend_the_builtin_ones(tmp_path: Path) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(
        '[[phrase]]\nrule = "house-promo"\nreason = "our promo"\n'
        'contains = ["river cruise tickets"]\nmax_chars = 300\n'
        '[[selector]]\nrule = "my-box"\nnames = ["^house-box$"]\n',
        encoding="utf-8",
    )
    body = (
        f"<p>{PROSE}</p><p>Buy river cruise tickets now and save on the summer season "
        f"trips along the lower town.</p><div class='house-box'><p>{PROSE}X</p></div>"
        f"<p>{PROSE}</p>"
    )
    doc = run(body, rules=rules)
    text = document_text(doc)
    assert "cruise" not in text and f"{PROSE}X" not in text
    assert {"house-promo", "my-box"} <= {c.rule for c in doc.changes}


@pytest.mark.parametrize(
    "content, message",
    [
        ("[[phrase]\nrule=", "not valid TOML"),
        ('[[selector]]\nrule = "x"\nnames = ["("]\n', "regular expression"),
        ('[[selector]]\nrule = "x"\n', "needs at least one"),
        ('colour = "red"\n', "unknown key"),
        ('[thresholds]\nlength_low = "short"\n', "non-negative number"),
    ],
)
def test_malformed_rules_file(tmp_path: Path, content: str, message: str) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        run(f"<p>{PROSE}</p>", rules=rules)


def test_a_rules_file_is_compiled_once_per_version(tmp_path: Path) -> None:
    from pagewash.rules import load_rules

    rules = tmp_path / "extra.toml"
    rules.write_text('[[selector]]\nrule = "promo"\nnames = ["promo-box"]\n', encoding="utf-8")
    first = load_rules(rules)
    assert load_rules(rules) is first
    rules.write_text('[[selector]]\nrule = "promo"\nnames = ["promo-boxes"]\n', encoding="utf-8")
    os.utime(rules, ns=(1, 10**18))
    assert load_rules(rules) is not first


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="not found"):
        run(f"<p>{PROSE}</p>", rules=tmp_path / "nope.toml")


def test_only_a_parsed_page_is_extracted() -> None:
    from bs4 import BeautifulSoup

    with pytest.raises(TypeError, match="ParsedPage"):
        extract(BeautifulSoup(page(f"<p>{PROSE}</p>"), "lxml"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "attribute",
    ['data-pw-notes="area"', 'data-pw-note="1"', 'data-pw-noteref="1"', 'data-pw-caption="figure-caption"'],
)
def test_marks_the_page_brings_itself_are_ignored(attribute: str) -> None:
    """Only the parser marks notes and captions: a page's own data-pw-* attributes cannot
    make its content vanish."""
    doc = extract(parse(page(f"<div {attribute}><p>{PROSE}</p></div><p>{PROSE} Again.</p>")))
    assert PROSE in document_text(doc)
    assert document_text(doc).count(PROSE) == 2


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='nav'>",
                "</div>",
                "<br>",
                "<li>",
                "<ul>",
                "</ul>",
                "<h2>",
                "</h2>",
                "<table><tr><td>",
                "</td></tr></table>",
                "<pre>",
                "</pre>",
                "<a href='#'>",
                "</a>",
                PROSE,
                "short",
                "Read more",
                "<span style='display:none'>",
                "</span>",
                "<sup>1</sup>",
            ]
        ),
        max_size=40,
    )
)
def test_extract_never_crashes(parts: list[str]) -> None:
    doc = extract(parse("<html><body>" + "".join(parts) + "</body></html>"))
    assert doc.status in ("ok", "empty")


def test_standfirst_before_the_body_is_kept_and_captions_are_not() -> None:
    body = (
        f"<div class='intro'><p>{PROSE.replace('river', 'brook')}</p></div>"
        f"<div class='body'><p>{PROSE}</p><figure><img src='a.jpg' alt=''><figcaption>The "
        f"old mill in winter, seen from the bridge. Photo: archive</figcaption></figure>"
        f"<p>{PROSE}</p><p>{PROSE}</p></div>"
    )
    text = document_text(run(body))
    assert "brook flooded" in text
    assert "old mill in winter" not in text


def test_fallback_text_and_counters_are_dropped() -> None:
    body = f"<p>{PROSE}</p><p>This slideshow requires JavaScript.</p><p>{PROSE}</p><p>Просмотров: 1 204</p>"
    text = document_text(run(body))
    assert "JavaScript" not in text and "Просмотров" not in text


def test_builtin_rules_name_no_site() -> None:
    """Rules describe kinds of chrome; a domain name in them would be a rule for one site."""
    import re

    from pagewash.rules import BUILTIN, load_rules

    text = BUILTIN.read_text(encoding="utf-8")
    assert not re.search(r"\b[\w-]+\.(com|org|net|ru|co\.uk|io|de|fr|it)\b", text)
    rules = load_rules()
    assert len(rules.selectors) >= 15 and len(rules.phrases) >= 10
    assert {"en", "ru"} <= set(rules.stopwords)

"""The own Markdown writer: structure survives a CommonMark parser, text survives escaping."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pagewash.document import (
    Code,
    CodeBlock,
    Document,
    Emphasis,
    FootnoteRef,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Section,
    Strong,
    Table,
    TableCell,
    TableRow,
    Text,
)
from pagewash.render.markdown import render_markdown

GFM = MarkdownIt("commonmark").enable("table")


def _para(*runs: object) -> Paragraph:
    return Paragraph(tuple(runs))  # type: ignore[arg-type]


def _types(markdown: str) -> list[str]:
    return [t.type for t in GFM.parse(markdown) if t.nesting >= 0 and t.type != "inline"]


def test_title_is_the_only_h1_and_front_matter_is_yaml() -> None:
    doc = Document(
        metadata=Metadata(
            title="Заголовок: итоги",
            authors=("A. B.",),
            keywords=("x", "y"),
            languages=("ru", "en"),
            doi="10.1/abc",
        ),
        blocks=(Heading(2, (Text("Section"),)), _para(Text("Body."))),
    )
    md = render_markdown(doc)
    front, body = md.split("---\n", 2)[1:]
    assert 'title: "Заголовок: итоги"' in front
    assert 'doi: "10.1/abc"' in front
    assert 'languages:\n  - "ru"\n  - "en"' in front
    assert body.lstrip().startswith("# Заголовок: итоги\n")
    assert [t.tag for t in GFM.parse(body) if t.type == "heading_open"] == ["h1", "h2"]


def test_block_structure_round_trips_through_markdown_it() -> None:
    doc = Document(
        blocks=(
            Heading(2, (Text("Lists"),)),
            ListBlock(
                (
                    ListItem(
                        (_para(Text("one")), ListBlock((ListItem((_para(Text("nested")),)),), ordered=True))
                    ),
                    ListItem((_para(Text("two")),)),
                )
            ),
            Quote((_para(Text("quoted")),)),
            CodeBlock("print('```')\n", language="python"),
            Table(
                head=(
                    TableRow((TableCell((Text("h1"),), header=True), TableCell((Text("h|2"),), header=True))),
                ),
                body=(TableRow((TableCell((Text("a"),)), TableCell((Text("b"),)))),),
            ),
            Section(
                "references",
                (
                    ListBlock(
                        (
                            ListItem(
                                (
                                    _para(
                                        Text("Ref."),
                                    ),
                                )
                            ),
                        ),
                        ordered=True,
                    ),
                ),
            ),
        )
    )
    md = render_markdown(doc, front_matter=False)
    types = _types(md)
    for expected in (
        "heading_open",
        "bullet_list_open",
        "ordered_list_open",
        "blockquote_open",
        "fence",
        "table_open",
        "th_open",
    ):
        assert expected in types, (expected, md)
    fence = next(t for t in GFM.parse(md) if t.type == "fence")
    assert fence.info == "python" and fence.content == "print('```')\n"
    assert "h|2" in html.unescape(GFM.render(md))


def test_inline_markup() -> None:
    doc = Document(
        blocks=(
            _para(
                Text("See "),
                Link((Text("the site"),), href="https://e.org/a b"),
                Text(", "),
                Emphasis((Text("em "),)),
                Strong((Text("strong"),)),
                Text(" "),
                Code("x`y"),
                FootnoteRef("1"),
            ),
        ),
        notes=(Note("1", (_para(Text("A note.")),)),),
    )
    md = render_markdown(doc, front_matter=False)
    assert "[the site](https://e.org/a%20b)" in md
    assert "*em* **strong**" in md
    assert "``x`y``" in md
    assert "[^1]" in md and "[^1]: A note." in md


def test_complex_table_becomes_html_not_lost_cells() -> None:
    table = Table(
        head=(),
        body=(
            TableRow((TableCell((Text("wide"),), colspan=2),)),
            TableRow((TableCell((Text("a"),)), TableCell((Text("b"),)))),
        ),
    )
    md = render_markdown(Document(blocks=(table,)), front_matter=False)
    assert '<td colspan="2">wide</td>' in md


def test_rendering_is_deterministic() -> None:
    doc = Document(metadata=Metadata(title="T"), blocks=(_para(Text("x")),))
    assert render_markdown(doc) == render_markdown(doc)


_MARKUP_PRONE = st.sampled_from(list("#>-+=*_`[]()!<>&;|~\\.:1 9aZя/\"'\t"))
_ANY_CHAR = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
_plain = st.text(alphabet=st.one_of(_MARKUP_PRONE, _ANY_CHAR), min_size=1, max_size=40)


def _visible_text(markdown: str) -> str:
    rendered = GFM.render(markdown)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


@settings(max_examples=600, deadline=None)
@given(_plain, st.one_of(st.none(), _plain))
def test_escaping_keeps_any_text_literal(text: str, after_break: str | None) -> None:
    """Whatever the text (and a second line after a hard break), a CommonMark parser reads back
    exactly that text and no markup."""
    runs: tuple = (Text(text),) if after_break is None else (Text(text), LineBreak(), Text(after_break))
    md = render_markdown(Document(blocks=(_para(*runs),)), front_matter=False)
    expected = " ".join(f"{text} {after_break or ''}".split())
    assert _visible_text(md) == expected, md
    tokens = [t.type for t in GFM.parse(md)]
    assert tokens in ([], ["paragraph_open", "inline", "paragraph_close"]), (text, md)

"""Every word of the output is a word of the page: spaces at markup edges, whitespace-only
inline elements and unknown or custom elements, in the Markdown, plain-text and DOCX writers.

Each case is a few lines of HTML and the phrase a reader of the page sees; the phrase must
appear in every output, read back as a reader would read it.
"""

from __future__ import annotations

import io
import json

import docx
import pytest

import pagewash
from fidelity_helpers import (
    OPTIONS,
    clean,
    docx_paragraphs,
    markdown,
    markdown_read_back,
    page,
    text,
)
from pagewash.pipeline import Options

# (case, HTML of one paragraph, what a reader sees of it)
CASES = [
    (
        "link-trailing-space",
        '<p>Bloomberg <a href="/a">reported </a>WeWork was near.</p>',
        "Bloomberg reported WeWork was near.",
    ),
    (
        "link-leading-space",
        '<p>in der<a href="/b"> Armbrustergasse</a> gefeiert.</p>',
        "in der Armbrustergasse gefeiert.",
    ),
    (
        "adjacent-links-space-inside",
        '<p>read <a href="/c">meine</a><a href="/d"> Bücher</a> now.</p>',
        "read meine Bücher now.",
    ),
    (
        "adjacent-links-space-between",
        '<p>see <a href="/e">one</a> <a href="/f">two</a> here.</p>',
        "see one two here.",
    ),
    (
        "emphasis-edge-space",
        "<p>a <em>quiet </em>town and<strong> loud</strong> city.</p>",
        "a quiet town and loud city.",
    ),
    (
        "link-in-emphasis-edge",
        '<p>the <em><a href="/g">New Yorker </a></em>story ran.</p>',
        "the New Yorker story ran.",
    ),
    (
        "whitespace-only-strong",
        "<p>the intellect<strong> </strong>ensorcells us.</p>",
        "the intellect ensorcells us.",
    ),
    ("whitespace-only-em", "<p>It <em>ended</em>.<em> </em>Then it began.</p>", "It ended. Then it began."),
    ("whitespace-only-span-link", '<p>wait<span> </span><a href="/h"> </a>for it.</p>', "wait for it."),
    (
        "custom-element-citation",
        "<p>Roads decay fast <x-citation>(<a href='#r1'>1</a>)</x-citation>, as shown "
        "<x-citation>(2)</x-citation>.</p>",
        "Roads decay fast (1), as shown (2).",
    ),
    (
        "unknown-element",
        "<p>The <foo>unknown</foo> tag <st1:place>Paris</st1:place> stays.</p>",
        "The unknown tag Paris stays.",
    ),
]
IDS = [case[0] for case in CASES]
OPEN = "Along the old road through the valley, "
CLOSE = " And so the story went on for the rest of that long and rainy day."


def paragraph(html: str) -> str:
    """The case inside a sentence of plain prose, so the extractor keeps its paragraph."""
    return html.replace("<p>", "<p>" + OPEN, 1).replace("</p>", CLOSE + "</p>", 1)


def blocks_seen(value: str) -> list[str]:
    """Each block of a reader's text with its spaces normalised."""
    return [" ".join(block.split()) for block in value.split("\n") if block.strip()]


def holds(value: str, seen: str) -> bool:
    return any(seen in block for block in blocks_seen(value))


@pytest.mark.parametrize(("name", "html", "seen"), CASES, ids=IDS)
def test_markdown_keeps_every_word_apart(name: str, html: str, seen: str) -> None:
    md = markdown(paragraph(html))
    assert holds(markdown_read_back(md), seen), md


@pytest.mark.parametrize(("name", "html", "seen"), CASES, ids=IDS)
def test_plain_text_keeps_every_word_apart(name: str, html: str, seen: str) -> None:
    out = text(paragraph(html))
    assert holds(out, seen), out


def test_docx_keeps_every_word_apart() -> None:
    """All cases in one page (one pandoc run): each phrase is one DOCX paragraph's text."""
    doc = pagewash.clean(page("".join(paragraph(html) for _, html, _ in CASES)), OPTIONS)
    data = pagewash.render_document(doc, Options(to="docx", repair=False))
    paragraphs = "\n".join(docx_paragraphs(bytes(data)))
    missing = [name for name, _, seen in CASES if not holds(paragraphs, seen)]
    assert not missing, paragraphs


def test_link_edge_space_goes_outside_the_link() -> None:
    """As pandoc writes it: the space is text beside the link, not link text."""
    md = markdown(paragraph('<p>Bloomberg <a href="/a">reported </a>WeWork was near.</p>'))
    assert "Bloomberg [reported](/a) WeWork" in md


def test_custom_element_does_not_split_the_paragraph() -> None:
    md = markdown(paragraph("<p>Roads decay fast <x-citation>(1)</x-citation>, as shown.</p>"))
    assert "\n\n(1)" not in md and "\n\n, as" not in md
    assert "Roads decay fast (1), as shown." in md


def test_custom_element_holding_blocks_is_a_block() -> None:
    md = markdown(
        "<my-card><p>First card paragraph.</p><div>Second part.</div></my-card><p>After the card.</p>"
    )
    read = markdown_read_back(md).split("\n")
    assert "First card paragraph." in read and "Second part." in read


def test_link_target_with_parentheses_and_spaces_is_one_plain_run() -> None:
    md = markdown(paragraph('<p>the <a href="https://e.org/S2542(17)30185 x">findings</a> were.</p>'))
    assert "[findings](https://e.org/S2542%2817%2930185%20x) were" in md
    html = markdown_read_back(md)
    assert "findings were" in html and "30185" not in html


def test_fragment_link_keeps_its_text_and_never_shows_the_anchor() -> None:
    md = markdown(
        paragraph(
            '<p>not interested.<sup id="cite_ref-1" class="reference">'
            '<a href="#cite_note-1">[1]</a></sup> Gifts</p>'
        )
    )
    assert "cite_note" not in md and "cite_ref" not in md
    assert "[1]" in markdown_read_back(md)


def test_script_only_email_link_keeps_its_text() -> None:
    html = (
        '<p>write to <a href="/cdn-cgi/l/email-protection#690a061b"><span class="__cf_email__"'
        ' data-cfemail="cdaea2">[email&#160;protected]</span></a> today.</p>'
    )
    md = markdown(paragraph(html))
    assert "cdn-cgi" not in md and "protection#" not in md
    assert holds(markdown_read_back(md), "write to [email protected] today.")


def test_hidden_separator_leaves_its_space() -> None:
    html = '<p>Written: 15:03:30<span class="hidden"> / </span>Updated: 15:30:46 today.</p>'
    assert holds(markdown_read_back(markdown(paragraph(html))), "15:03:30 Updated: 15:30:46")
    glued = '<p>a word that is Hel<span style="display:none">xyz</span>lo to all.</p>'
    assert holds(markdown_read_back(markdown(paragraph(glued))), "is Hello to all.")


def test_html_table_cells_keep_inline_markup_and_escape_only_markup() -> None:
    table = (
        "<table><tr><th>Item</th><th colspan='2'>Values</th></tr>"
        "<tr><td>Monatsbrutto<sup>2</sup></td><td>&lt; &gt; &amp;lt;</td>"
        "<td><a href='https://e.org/x'>a&amp;b</a> <code>&lt;b&gt;</code></td></tr></table>"
    )
    md = markdown(table)
    assert "<td>Monatsbrutto<sup>2</sup></td>" in md
    assert "<td>< > &amp;lt;</td>" in md
    read = markdown_read_back(md)
    assert "Monatsbrutto2" in read and "< > &lt;" in read and "a&b <b>" in read


ENTITIES = (
    "<p>Escaped markup &amp;lt;b&amp;gt; stays, a tag &lt;i&gt; is text, AT&amp;T "
    "&amp;amp; &copy; &#x41; &nbsp;end.</p>"
)
ENTITIES_SEEN = "Escaped markup &lt;b&gt; stays, a tag <i> is text, AT&T &amp; © A end."


def test_entities_are_decoded_exactly_once_in_every_writer() -> None:
    md = markdown(paragraph(ENTITIES))
    assert holds(markdown_read_back(md), ENTITIES_SEEN), md
    assert holds(text(paragraph(ENTITIES)), ENTITIES_SEEN)
    doc = pagewash.clean(page(paragraph(ENTITIES)), OPTIONS)
    data = pagewash.render_document(doc, Options(to="docx", repair=False))
    assert holds("\n".join(docx_paragraphs(bytes(data))), ENTITIES_SEEN)
    repaired = str(pagewash.render_document(pagewash.clean(page(paragraph(ENTITIES)))))
    assert holds(markdown_read_back(repaired), ENTITIES_SEEN), "the repair stage decoded again"


SCRIPTS = "<p>an area of 20 m<sup>2</sup>, H<sub>2</sub>O, 10<sup>-3</sup> and the 1<sup>st</sup> one.</p>"


def test_superscript_and_subscript_read_right_in_every_writer() -> None:
    """Markdown keeps <sup>/<sub> (GFM renders them), plain text uses Unicode's superscript
    and subscript digits where they exist, DOCX has real superscript and subscript runs."""
    md = markdown(paragraph(SCRIPTS))
    assert "20 m<sup>2</sup>, H<sub>2</sub>O, 10<sup>-3</sup> and the 1<sup>st</sup> one." in md
    assert holds(text(paragraph(SCRIPTS)), "20 m², H₂O, 10⁻³ and the 1st one.")
    doc = pagewash.clean(page(paragraph(SCRIPTS)), OPTIONS)
    data = pagewash.render_document(doc, Options(to="docx", repair=False))
    runs = [
        (run.text, bool(run.font.superscript), bool(run.font.subscript))
        for p in docx.Document(io.BytesIO(bytes(data))).paragraphs
        for run in p.runs
    ]
    assert ("2", True, False) in runs and ("-3", True, False) in runs
    assert ("2", False, True) in runs and ("st", True, False) in runs


def test_lazy_image_placeholder_is_never_written_as_its_address() -> None:
    svg = "data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22%3E%3C/svg%3E"
    lazy = f'<p><img alt="A hunter and a rabbit" src="{svg}" data-src="https://e.org/r.jpg"></p>'
    assert "![A hunter and a rabbit](https://e.org/r.jpg)" in markdown(lazy)
    bare = f'<p><img alt="A hunter and a rabbit" src="{svg}"></p>'
    md = markdown(bare)
    assert "![A hunter and a rabbit]()" in md and "svg" not in md


def test_the_document_itself_keeps_edge_spaces_outside_links_and_emphasis() -> None:
    """The JSON record carries the tree: the space is text beside the link, not in it."""
    doc = clean(
        paragraph(
            '<p>Bloomberg <a href="/a">reported </a>WeWork, <em> <a href="/b">'
            " loud </a></em>city and<strong> </strong>town.</p>"
        )
    )
    record = json.loads(str(pagewash.render_document(doc, Options(to="json", repair=False))))
    runs = next(b["inlines"] for b in record["blocks"] if "WeWork" in json.dumps(b))
    link = next(r for r in runs if r["type"] == "link")
    assert link["children"] == [{"type": "text", "text": "reported"}]
    assert {"type": "text", "text": " WeWork, "} in runs
    emphasis = next(r for r in runs if r["type"] == "emphasis")
    assert emphasis["children"][0]["children"] == [{"type": "text", "text": "loud"}]
    assert not [r for r in runs if r["type"] == "strong"]  # only a space: that space

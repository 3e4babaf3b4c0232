"""Footnotes and numbered captions: a site's own notes become real notes; captions stay on
papers only."""

from __future__ import annotations

import pytest

from pagewash.document import (
    Document,
    FootnoteRef,
    Link,
    Paragraph,
    Superscript,
    document_text,
    iter_blocks,
)
from pagewash.errors import RulesError
from pagewash.extraction import extract
from pagewash.parse import parse
from pagewash.render.markdown import render_markdown
from pagewash.rules import load_rules
from test_extract import PROSE


def page(body: str, head: str = "") -> str:
    nav = '<nav class="menu"><a href="/">Home</a> <a href="/about">About</a></nav>'
    return (
        f"<html><head><title>Story | Example</title>{head}</head><body>{nav}"
        f"<main><article><h1>Story</h1>{body}</article></main></body></html>"
    )


def run(body: str, head: str = "") -> Document:
    return extract(parse(page(body, head)))


def runs(doc: Document) -> list:
    """Every inline run of the body's paragraphs, depth first."""
    out: list = []

    def walk(inlines: tuple) -> None:
        for run_ in inlines:
            out.append(run_)
            walk(getattr(run_, "children", ()))

    for _, block in iter_blocks(doc.blocks):
        if isinstance(block, Paragraph):
            walk(block.inlines)
    return out


def note_text(doc: Document, label: str) -> str:
    note = next(n for n in doc.notes if n.label == label)
    return document_text(Document(blocks=note.blocks))


NOTES_STYLES = {
    "pandoc": (
        '<p>{p}<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a></p>'
        '<p>{p}<a href="#fn2" class="footnote-ref" id="fnref2" role="doc-noteref"><sup>2</sup></a></p>'
        '<section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes">'
        '<hr><ol><li id="fn1"><p>First note text.<a href="#fnref1" class="footnote-back" '
        'role="doc-backlink">↩︎</a></p></li><li id="fn2"><p>Second note text.<a href="#fnref2" '
        'class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol></section>'
    ),
    "markdown-it": (
        '<p>{p}<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup></p>'
        '<p>{p}<sup class="footnote-ref"><a href="#fn2" id="fnref2">[2]</a></sup></p>'
        '<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list">'
        '<li id="fn1" class="footnote-item"><p>First note text. <a href="#fnref1" '
        'class="footnote-backref">↩︎</a></p></li><li id="fn2" class="footnote-item"><p>Second '
        'note text. <a href="#fnref2" class="footnote-backref">↩︎</a></p></li></ol></section>'
    ),
    "plain-sup-div": (
        '<p>{p}<sup><a href="#fn1" id="r1">1</a></sup></p><p>{p}<sup><a href="#fn2" id="r2">2'
        '</a></sup></p><div class="footnotes"><p id="fn1"><a href="#r1">1</a> First note text.'
        '</p><p id="fn2"><a href="#r2">2</a> Second note text.</p></div>'
    ),
    "docutils": (
        '<p>{p}<a class="footnote-reference brackets" href="#id3" id="id1" role="doc-noteref">'
        '<span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></a></p>'
        '<p>{p}<a class="footnote-reference brackets" href="#id4" id="id2" role="doc-noteref">'
        '<span class="fn-bracket">[</span>2<span class="fn-bracket">]</span></a></p>'
        '<aside class="footnote-list brackets"><aside class="footnote brackets" id="id3" '
        'role="doc-footnote"><span class="label"><span class="fn-bracket">[</span><a '
        'role="doc-backlink" href="#id1">1</a><span class="fn-bracket">]</span></span><p>First '
        'note text.</p></aside><aside class="footnote brackets" id="id4" role="doc-footnote">'
        '<span class="label"><span class="fn-bracket">[</span><a role="doc-backlink" '
        'href="#id2">2</a><span class="fn-bracket">]</span></span><p>Second note text.</p>'
        "</aside></aside>"
    ),
    "backlink-only": (
        '<p>{p}<sup><a href="#n1">1</a></sup></p><p>{p}<sup><a href="#n2">2</a></sup></p>'
        '<h2>Notes</h2><ol><li id="n1">First note text. <a href="#top">↑</a></li>'
        '<li id="n2">Second note text. <a href="#top">↑</a></li></ol>'
    ),
}


@pytest.mark.parametrize("style", sorted(NOTES_STYLES))
def test_site_notes_become_notes(style: str) -> None:
    doc = run(NOTES_STYLES[style].format(p=PROSE))
    refs = [r for r in runs(doc) if isinstance(r, FootnoteRef)]
    assert [r.label for r in refs] == ["1", "2"]
    assert [n.label for n in doc.notes] == ["1", "2"]
    assert note_text(doc, "1") == "First note text."
    assert note_text(doc, "2") == "Second note text."
    body = document_text(doc)
    assert "note text" not in body and "↩" not in body and "Notes" not in body
    assert not any(isinstance(r, Superscript) for r in runs(doc))
    markdown = render_markdown(doc, front_matter=False)
    assert "before.[^1]" in markdown and "[^2]: Second note text." in markdown


def test_superscripts_that_are_not_notes_stay() -> None:
    doc = run(
        f'<p>{PROSE} E = mc<sup>2</sup>, see part <sup><a href="#part-2">2</a></sup>.</p>'
        f'<h2 id="part-2">Part two</h2><p>{PROSE}</p>'
    )
    assert doc.notes == ()
    sups = [r for r in runs(doc) if isinstance(r, Superscript)]
    assert len(sups) == 2
    assert isinstance(sups[1].children[0], Link)
    assert not any(isinstance(r, FootnoteRef) for r in runs(doc))


def test_citations_into_a_reference_list_stay_links() -> None:
    doc = run(
        f'<p>{PROSE}<sup><a href="#ref1">1</a></sup></p><h2>References</h2>'
        '<ol class="references"><li id="ref1">Smith J. Floods and towns. 2001. '
        '<a href="#cite1">↑</a></li></ol>'
    )
    assert doc.notes == ()
    assert "Smith J. Floods and towns." in document_text(doc)


def test_a_wrapper_named_after_footnotes_is_not_a_notes_area() -> None:
    body = (
        f'<div class="post-with-footnotes"><p>{PROSE}<sup><a href="#fn1" id="m1">1</a></sup>'
        f'</p><p>{PROSE.upper()}</p><ol class="footnotes"><li id="fn1">The note. '
        '<a href="#m1">↩</a></li></ol></div>'
    )
    doc = run(body)
    assert PROSE.upper() in document_text(doc)
    assert [n.label for n in doc.notes] == ["1"]


def test_mark_whose_note_was_dropped_turns_back_into_a_superscript() -> None:
    html = (
        f'<html><body><main><article><p>{PROSE}<sup><a href="#fn1" id="m1">1</a></sup></p>'
        f'<p>{PROSE}</p></article></main><footer class="site-footer"><ol class="footnotes">'
        '<li id="fn1">The note. <a href="#m1">↩</a></li></ol></footer></body></html>'
    )
    doc = extract(parse(html))
    sups = [r for r in runs(doc) if isinstance(r, Superscript)]
    assert doc.notes == () and len(sups) == 1
    assert not any(isinstance(r, FootnoteRef) for r in runs(doc))


def test_marks_with_words_get_numbers_and_labels_stay_unique() -> None:
    body = (
        f'<p>{PROSE}<sup><a href="#a" id="ma">see note</a></sup>'
        f'<sup><a href="#b" id="mb">1</a></sup><sup><a href="#c" id="mc">1</a></sup></p>'
        '<ol class="footnotes"><li id="a">Alpha. <a href="#ma">↩</a></li>'
        '<li id="b">Beta. <a href="#mb">↩</a></li><li id="c">Gamma. <a href="#mc">↩</a>'
        "</li></ol>"
    )
    doc = run(body)
    assert [n.label for n in doc.notes] == ["1", "1-2", "1-3"]
    assert note_text(doc, "1-2") == "Beta."


def test_notes_rules_are_checked() -> None:
    assert load_rules().notes.labels
    with pytest.raises(RulesError, match="notes"):
        load_rules_from("[notes]\nbogus = 1\n")
    with pytest.raises(RulesError, match=r"captions\.numbered"):
        load_rules_from('[captions]\nnumbered = "("\n')


def load_rules_from(text: str) -> object:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.toml"
        path.write_text(text, encoding="utf-8")
        return load_rules(path)


# ------------------------------------------------------------------ captions

FIGURES = (
    f"<p>{PROSE}</p>"
    '<figure><img src="a.png" alt="gauge"><figcaption>Figure 1. Water levels at the lower town '
    "gauge, 1900–2000.</figcaption></figure>"
    f"<p>{PROSE}</p>"
    '<figure><img src="b.png" alt=""><figcaption>A resident looks at the river. Photo: J. Smith'
    "</figcaption></figure>"
    '<div class="table-caption"><span class="label">Table 2.</span> '
    '<span class="caption-text">Houses rebuilt per decade</span></div>'
    "<table><tr><th>Decade</th><th>Houses</th></tr><tr><td>1920s</td><td>14</td></tr></table>"
    "<figure><figcaption>Рис. 3. Уровень воды у нижнего города</figcaption></figure>"
    f"<p>{PROSE}</p>"
)


@pytest.mark.parametrize(
    "head, extra",
    [
        ('<meta name="citation_title" content="Floods">', ""),
        ("", f'<section class="abstract"><h2>Abstract</h2><p>{PROSE}</p></section>'),
        ("", ""),
    ],
    ids=["citation-meta", "abstract", "news"],
)
def test_numbered_captions_only_on_papers(head: str, extra: str) -> None:
    doc = run(extra + FIGURES, head)
    text = document_text(doc)
    paper = bool(head or extra)
    assert ("Figure 1. Water levels at the lower town gauge" in text) is paper
    assert ("Table 2. Houses rebuilt per decade" in text) is paper
    assert ("Рис. 3. Уровень воды" in text) is paper
    assert "Photo: J. Smith" not in text
    dropped = [c for c in doc.changes if c.rule == "figure-caption"]
    assert any("Photo: J. Smith" in c.before for c in dropped)
    assert any("Figure 1" in c.before for c in dropped) is not paper

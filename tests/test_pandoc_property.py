"""Property tests: any Document renders to well-formed DOCX and EPUB, byte-stable.

Random trees (ragged tables, links in links, notes everywhere, control characters, mixed
scripts) go through the persistent workers, so a hundred documents stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pagewash.document import (
    Code,
    CodeBlock,
    Document,
    Emphasis,
    FootnoteRef,
    Heading,
    Image,
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
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
)
from pagewash.pipeline import Options
from pagewash.render.pandoc.worker import PandocPool
from test_pandoc import zip_texts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ALPHABET = st.sampled_from(list("abc XYZ абв ЖЁЯ 123 .,;:!?-—«»\"'<>&\t\n\x00\x07\u00a0\ufffe"))
texts = st.text(ALPHABET, max_size=30)
langs = st.sampled_from([None, "ru", "en", "de", "C", "", "ru-RU", "zz-Latn"])
urls = st.sampled_from(
    [
        "https://example.org/x",
        "/rel",
        "#frag",
        "javascript:x",
        "mailto:a@b.c",
        "http://127.0.0.1:9/p.png",
        "file:///etc/passwd",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
    ]
)

leaf_inlines = st.one_of(
    texts.map(Text),
    texts.map(Code),
    st.just(LineBreak()),
    st.sampled_from(["1", "2", "nope"]).map(FootnoteRef),
    st.builds(Image, texts, urls),
)
inlines = st.recursive(
    leaf_inlines,
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda c: Emphasis(tuple(c))),
        st.lists(children, max_size=3).map(lambda c: Strong(tuple(c))),
        st.lists(children, max_size=3).map(lambda c: Superscript(tuple(c))),
        st.builds(lambda c, u: Link(tuple(c), u), st.lists(children, max_size=3), urls),
    ),
    max_leaves=8,
)
runs = st.lists(inlines, max_size=5).map(tuple)
cells = st.builds(TableCell, runs, st.booleans(), st.integers(1, 3), st.integers(1, 3))
rows = st.lists(cells, max_size=4).map(lambda c: TableRow(tuple(c)))
tables = st.builds(
    lambda h, b, c: Table(tuple(h), tuple(b), c), st.lists(rows, max_size=2), st.lists(rows, max_size=4), runs
)
leaf_blocks = st.one_of(
    st.builds(Heading, st.integers(1, 6), runs, langs),
    st.builds(Paragraph, runs, langs),
    st.builds(CodeBlock, texts, st.one_of(st.none(), texts)),
    tables,
)
blocks = st.recursive(
    leaf_blocks,
    lambda children: st.one_of(
        st.builds(lambda b, lang: Quote(tuple(b), lang), st.lists(children, max_size=3), langs),
        st.builds(
            lambda items, o: ListBlock(tuple(ListItem(tuple(i)) for i in items), o),
            st.lists(st.lists(children, max_size=2), max_size=3),
            st.booleans(),
        ),
        st.builds(
            lambda role, b, lang: Section(role, tuple(b), lang),
            st.sampled_from(["abstract", "references", "keywords"]),
            st.lists(children, max_size=3),
            langs,
        ),
    ),
    max_leaves=10,
)
documents = st.builds(
    lambda title, lang, body, note: Document(
        metadata=Metadata(title=title, authors=(title or "",), languages=(lang or "",)),
        blocks=tuple(body),
        notes=(Note("1", (Paragraph(note),)), Note("2", ())),
    ),
    st.one_of(st.none(), texts),
    langs,
    st.lists(blocks, max_size=6),
    runs,
)


@pytest.fixture(scope="module")
def pool() -> Iterator[PandocPool]:
    with PandocPool(size=2, timeout=60) as shared:
        yield shared


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=documents)
def test_any_document_renders_to_wellformed_packages(pool: PandocPool, doc: Document) -> None:
    options = Options(keep_remote_images=True)
    docx = pool.render(doc, "docx", options)
    epub = pool.render(doc, "epub", options)
    assert pool.render(doc, "epub", options) == epub
    for name, data in zip_texts(epub).items():
        if name.endswith((".xhtml", ".opf", ".ncx")):
            etree.fromstring(data)  # raises on malformed XML
    document = etree.fromstring(zip_texts(docx)["word/document.xml"])
    for run in document.iter(f"{W}r"):
        if any(t.text for t in run.iter(f"{W}t")):
            assert run.find(f"{W}rPr/{W}lang") is not None

"""Property: random inline markup around words gives, in Markdown, plain text and DOCX, the
word sequence a browser shows.

Fragments are built from words, punctuation and whitespace inside inline elements of every
kind the web uses: formats, links (at word edges too), spans, code, custom elements
(``<x-cite>``), elements HTML does not define (``<foo>``, ``<st1:place>``), empty and
whitespace-only elements, nested emphasis and line breaks. Each node knows what a browser
shows of it (its text; a ``<br>`` shows a line break), so the expected words do not depend
on the code under test. The fragment sits inside a sentence of plain prose so the extractor
keeps its paragraph; repair is off, as fidelity is about extraction and writing.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pagewash
from fidelity_helpers import LEAD, OPTIONS, TAIL, markdown_read_back, page, words
from pagewash.pipeline import Options
from pagewash.render.pandoc.worker import PandocPool

OPEN = "Along the old road that runs through the valley and past the mill, "
CLOSE = (
    " and so the story went on for the rest of that long and rainy day, as such stories "
    "always do in the villages of the north."
)


@dataclass(frozen=True)
class Fragment:
    """HTML and the text a browser shows of it."""

    html: str
    seen: str


WORDS = st.sampled_from(["road", "Mill", "дом", "x1", "2024", "naïve", "über", "é", "Ünal"])
SPACES = st.sampled_from([" ", "  ", "\n", "\t", " \n "])
PUNCT = st.sampled_from([".", ",", "(", ")", "—", "'", ":"])
leaves = st.one_of(
    WORDS.map(lambda w: Fragment(w, w)),
    SPACES.map(lambda s: Fragment(s, " ")),
    PUNCT.map(lambda p: Fragment(p, p)),
    st.just(Fragment("<br>", "\n")),
    st.just(Fragment("<span></span>", "")),
    st.sampled_from(
        [
            "<strong> </strong>",
            "<em> </em>",
            "<span> </span>",
            "<x-gap> </x-gap>",
            "<a href='/w'> </a>",
            "<b>\n</b>",
        ]
    ).map(lambda h: Fragment(h, " ")),
)
# (opening tag, closing tag) of inline elements a browser lays out in the line
ELEMENTS = st.sampled_from(
    [
        ("<em>", "</em>"),
        ("<strong>", "</strong>"),
        ("<i>", "</i>"),
        ("<b>", "</b>"),
        ("<span class='w'>", "</span>"),
        ("<a href='/p'>", "</a>"),
        ("<a href='https://e.org/q'>", "</a>"),
        ("<x-cite>", "</x-cite>"),
        ("<foo>", "</foo>"),
        ("<st1:place>", "</st1:place>"),
        ("<small>", "</small>"),
        ("<mark>", "</mark>"),
        ("<abbr title='t'>", "</abbr>"),
    ]
)


def _join(parts: list[Fragment]) -> Fragment:
    return Fragment("".join(p.html for p in parts), "".join(p.seen for p in parts))


def _wrap(pair: tuple[str, str], inner: list[Fragment]) -> Fragment:
    body = _join(inner)
    return Fragment(pair[0] + body.html + pair[1], body.seen)


# Two line breaks in a row end a paragraph (old pages lay paragraphs out with <br><br>), and
# whether a one-link paragraph is kept is the extractor's judgement, not a writer's: a
# fragment holds no two breaks with only tags and spaces between them.
_DOUBLE_BREAK = re.compile(r"<br>(?:\s|<[^>]*>)*<br>")
fragments = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=4).map(_join),
        st.builds(_wrap, ELEMENTS, st.lists(children, min_size=1, max_size=3)),
    ),
    max_leaves=12,
).filter(lambda fragment: not _DOUBLE_BREAK.search(fragment.html))


def paragraph(fragment: Fragment) -> tuple[str, list[str]]:
    """The paragraph holding the fragment, and the words a browser shows of the page body
    (``page`` puts it between two paragraphs of prose), in order."""
    html = f"<p>{OPEN}{fragment.html}{CLOSE}</p>"
    return html, words(f"{LEAD}\n{OPEN}{fragment.seen}{CLOSE}\n{TAIL}")


def document(html: str, title: bool = False) -> pagewash.Document:
    """The page cleaned, with its title (the first DOCX paragraph) or without it."""
    doc = pagewash.clean(page(html), OPTIONS)
    return doc if title else replace(doc, metadata=replace(doc.metadata, title=None))


EXAMPLES = int(os.environ.get("FIDELITY_EXAMPLES", "150"))  # more for a long local run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None)
# The cases, run before the random ones every time.
KNOWN = [
    Fragment("<a href='/a'>reported </a>WeWork", "reported WeWork"),
    Fragment("intellect<strong> </strong>ensorcells", "intellect ensorcells"),
    Fragment("<em>ended</em>.<em> </em>Then", "ended. Then"),
    Fragment("road<x-cite>(1)</x-cite>, mill", "road(1), mill"),
    Fragment("<a href='/b'>one</a><a href='/c'> two</a>", "one two"),
]


def known(test: Callable[..., None]) -> Callable[..., None]:
    """Decorate a property test with the issue's cases as explicit examples."""
    for fragment in KNOWN:
        test = example(fragment=fragment)(test)
    return test


@SETTINGS
@known
@given(fragment=fragments)
def test_markdown_shows_the_words_the_browser_shows(fragment: Fragment) -> None:
    html, seen = paragraph(fragment)
    md = str(pagewash.render_document(document(html), OPTIONS))
    assert words(markdown_read_back(md)) == seen, md


@SETTINGS
@known
@given(fragment=fragments)
def test_plain_text_shows_the_words_the_browser_shows(fragment: Fragment) -> None:
    html, seen = paragraph(fragment)
    text = str(pagewash.render_document(document(html), Options(to="txt", repair=False)))
    assert words(text) == seen, text


@pytest.fixture(scope="module")
def pool() -> Iterator[PandocPool]:
    with PandocPool(size=1, timeout=60) as shared:
        yield shared


@settings(
    max_examples=max(30, EXAMPLES // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@known
@given(fragment=fragments)
def test_docx_shows_the_words_the_browser_shows(pool: PandocPool, fragment: Fragment) -> None:
    html, seen = paragraph(fragment)
    data = pool.render(document(html, title=True), "docx", Options(repair=False))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert words(text) == ["Roads", *seen], text


def test_the_property_sees_a_glued_word() -> None:
    """The check itself: two words run together, or one cut in two, are caught."""
    assert words("reportedWeWork") != words("reported WeWork")
    assert re.findall(r"\w+", "intel lect") != ["intellect"]

"""Helpers for the fidelity tests: one page through the whole pipeline (repair off) into the
text a reader of each output sees: Markdown read back by a CommonMark parser, plain text,
and the paragraphs of the DOCX read back with python-docx."""

from __future__ import annotations

import io
import re

import docx
import lxml.html
from markdown_it import MarkdownIt

import pagewash
from pagewash.document import Document
from pagewash.pipeline import Options

WORD = re.compile(r"\w+")
# Prose around a fragment under test, long enough for the extractor to keep its paragraph.
LEAD = (
    "The committee met on Tuesday and talked for a long time about the state of the roads "
    "in the northern part of the county, as it does every year."
)
TAIL = (
    "Nobody expected a decision that evening, and the members went home late after a long "
    "and tiring discussion of the budget for the coming year."
)
MARKDOWN = MarkdownIt("commonmark").enable("table")
OPTIONS = Options(repair=False, front_matter=False)


def page(body: str) -> str:
    """A small article page holding ``body`` between two paragraphs of ordinary prose."""
    return (
        f"<html><head><title>Roads</title></head><body><article><h1>Roads</h1>"
        f"<p>{LEAD}</p>{body}<p>{TAIL}</p></article></body></html>"
    )


def clean(body: str) -> Document:
    return pagewash.clean(page(body), OPTIONS)


def markdown(body: str) -> str:
    return str(pagewash.render_document(clean(body), OPTIONS))


def text(body: str) -> str:
    return str(pagewash.render_document(clean(body), Options(to="txt", repair=False)))


def markdown_read_back(md: str) -> str:
    """What a reader sees of Markdown: the text of the HTML a CommonMark parser makes of it,
    a break between blocks."""
    root = lxml.html.fragment_fromstring(MARKDOWN.render(md) or "<p></p>", create_parent="div")
    return "\n".join(el.text_content() for el in root)


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph of a DOCX (hyperlink text included), in order."""
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def words(value: str) -> list[str]:
    return WORD.findall(value)

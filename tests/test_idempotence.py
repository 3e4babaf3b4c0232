"""Converting pagewash's own Markdown again (as HTML) changes nothing, and repair is stable."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

import pagewash
from conftest import content_cases

CASES = content_cases()
GFM = MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def _as_page(markdown: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8"></head><body><article>'
        + GFM.render(markdown)
        + "</article></body></html>"
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_markdown_survives_reconversion(case: Path) -> None:
    first = pagewash.clean(case.joinpath("input.html").read_bytes())
    assert not first.is_empty
    body = pagewash.render_document(first, pagewash.Options(front_matter=False))
    assert isinstance(body, str)
    again = pagewash.convert(_as_page(body), front_matter=False)
    assert again == body

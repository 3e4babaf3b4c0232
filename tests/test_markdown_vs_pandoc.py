"""Our Markdown and pandoc's GFM, written from the same Document, have the same block structure.

Both are parsed with markdown-it-py; pandoc's YAML block and our title line (pandoc keeps the
title in the metadata) are set aside first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

import pagewash
from conftest import content_cases
from pagewash.render.markdown import render_markdown
from pagewash.render.pandoc import render_pandoc

CASES = content_cases()
PARSER = MarkdownIt("commonmark").enable("table").use(footnote_plugin)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def _structure(markdown: str) -> list[str]:
    """Block types in order; a fenced and an indented code block are both code (pandoc
    indents a block without a language, we fence every block)."""
    return [
        t.tag if t.type == "heading_open" else "code" if t.type in ("fence", "code_block") else t.type
        for t in PARSER.parse(markdown)
        if t.nesting == 1 or t.type in ("fence", "code_block", "hr")
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_same_block_structure_as_pandoc_gfm(case: Path) -> None:
    doc = pagewash.clean(case.joinpath("input.html").read_bytes())
    assert not doc.is_empty
    ours = render_markdown(doc, front_matter=False)
    if doc.metadata.title:
        ours = ours.split("\n", 2)[2]
    theirs = render_pandoc(doc, "gfm", pagewash.Options(to="gfm")).decode("utf-8")
    assert _structure(ours) == _structure(FRONT_MATTER.sub("", theirs))

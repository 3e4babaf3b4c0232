"""Golden files: every fixture's input converts to exactly its expected.md.

Run ``make golden`` (pytest --update-golden) to rewrite them after a reviewed change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pagewash
from conftest import FIXTURES

CASES = sorted(p.parent for p in FIXTURES.glob("*/input.html"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_markdown(case: Path, update_golden: bool) -> None:
    doc = pagewash.clean(case.joinpath("input.html").read_bytes())
    expected_file = case / "expected.md"
    if doc.is_empty:
        assert not expected_file.exists(), f"{case.name}: no main content but expected.md exists"
        return
    markdown = pagewash.render_document(doc)
    if update_golden or not expected_file.exists():
        expected_file.write_text(markdown, encoding="utf-8")
        if not update_golden:
            pytest.fail(f"{case.name}: expected.md was missing; written now, review and commit it")
    assert markdown == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_markdown_is_stable_under_reconversion(case: Path) -> None:
    """Converting twice gives the same bytes (no hidden state, no ordering by hash)."""
    data = case.joinpath("input.html").read_bytes()
    assert pagewash.convert(data) == pagewash.convert(data)

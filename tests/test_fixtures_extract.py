"""Every fixture's case.toml checked against the extractor's output (before repair).

``must_include`` phrases must be in the extracted text (body or notes) or the title,
``must_not_include`` phrases must not be anywhere in these, ``notes`` lists the footnote labels
(each note's text must be out of the body), ``[metadata]`` values must match, ``[sections]`` lists
the section roles in order, ``status = "empty"`` marks a page with no main content.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pagewash.document import Document, Section, document_text
from pagewash.extraction import extract
from pagewash.options import ExtractOptions
from pagewash.parse import parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/case.toml") if (p.parent / "input.html").exists())


def _load(case_dir: Path) -> tuple[dict, Document]:
    case = tomllib.loads((case_dir / "case.toml").read_text(encoding="utf-8"))
    html = (case_dir / "input.html").read_bytes().decode(case.get("encoding", "utf-8"))
    return case, extract(parse(html), ExtractOptions(url=case.get("url")))


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def loaded(request: pytest.FixtureRequest) -> tuple[dict, Document]:
    return _load(request.param)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 9


def test_status(loaded: tuple[dict, Document]) -> None:
    case, doc = loaded
    assert doc.status == case.get("status", "ok"), doc.reason
    if doc.status == "empty":
        assert doc.reason and doc.reason.startswith("no main content")
        assert doc.blocks == ()


def test_must_include(loaded: tuple[dict, Document]) -> None:
    case, doc = loaded
    text = _flat((doc.metadata.title or "") + "\n" + document_text(doc) + "\n" + _notes_text(doc))
    missing = [p for p in case.get("must_include", []) if _flat(p) not in text]
    assert not missing, f"missing from the extracted text: {missing}"


def test_must_not_include(loaded: tuple[dict, Document]) -> None:
    case, doc = loaded
    text = _flat(document_text(doc) + "\n" + (doc.metadata.title or "") + "\n" + _notes_text(doc))
    present = [p for p in case.get("must_not_include", []) if _flat(p) in text]
    assert not present, f"chrome left in the extracted text: {present}"


def test_metadata(loaded: tuple[dict, Document]) -> None:
    case, doc = loaded
    expected = dict(case.get("metadata", {}))
    abstract_langs = expected.pop("abstract_languages", None)
    for name, value in expected.items():
        actual = getattr(doc.metadata, name)
        if isinstance(value, list):
            value = tuple(value)
        assert actual == value, f"metadata.{name}"
    if abstract_langs is not None:
        assert [a.lang for a in doc.metadata.abstracts] == abstract_langs


def test_section_roles(loaded: tuple[dict, Document]) -> None:
    case, doc = loaded
    sections = case.get("sections", {})
    roles = [b.role for b in doc.blocks if isinstance(b, Section)]
    if "roles" in sections:
        assert roles == sections["roles"]
    for role in ("references",):
        if role in sections:
            section = next(b for b in doc.blocks if isinstance(b, Section) and b.role == role)
            items = sum(len(getattr(b, "items", ())) for b in section.blocks)
            assert items == sections[role]


def test_notes(loaded: tuple[dict, Document]) -> None:
    case, doc = loaded
    assert [n.label for n in doc.notes] == case.get("notes", [])
    body = _flat(document_text(doc))
    for note in doc.notes:
        assert _flat(document_text(Document(blocks=note.blocks))) not in body


def test_every_removal_is_explained(loaded: tuple[dict, Document]) -> None:
    _, doc = loaded
    for change in doc.changes:
        assert change.stage == "extract"
        assert change.rule
        assert len(change.before) <= 80


def _notes_text(doc: Document) -> str:
    return "\n".join(document_text(Document(blocks=n.blocks)) for n in doc.notes)


def _flat(text: str) -> str:
    return " ".join(text.split())

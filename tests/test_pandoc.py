"""DOCX and EPUB through pandoc: metadata, languages, validity, reproducible bytes, sandbox.

The documents are built by hand here (``bilingual_document`` and friends), so these tests do
not depend on the extraction stage. Other ``test_pandoc_*`` files import them from here.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from pagewash.document import (
    Abstract,
    Code,
    CodeBlock,
    Document,
    Emphasis,
    FootnoteRef,
    Heading,
    HorizontalRule,
    Image,
    Link,
    ListBlock,
    ListItem,
    Metadata,
    Note,
    Paragraph,
    Quote,
    Section,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    Text,
)
from pagewash.errors import UsageError
from pagewash.pipeline import Options
from pagewash.render.pandoc import pandoc_path, render_pandoc

CYRILLIC = re.compile("[А-Яа-яЁё]")
LATIN = re.compile("[A-Za-z]")


def para(text: str, lang: str | None = None) -> Paragraph:
    return Paragraph((Text(text),), lang=lang)


def bullets(*texts: str) -> ListBlock:
    return ListBlock(tuple(ListItem((para(t),)) for t in texts))


def bilingual_document() -> Document:
    """A Russian article with an English abstract, like a scholarly aggregator page."""
    meta = Metadata(
        title="Отношения соседних государств в XXI веке: итоги двадцатилетия",
        subtitle="Обзор",
        authors=("Иван Петров", "Anna Smith"),
        date="2021-03-04",
        doi="10.1234/example.2021.42",
        url="https://journal.example.org/article/42",
        journal="Вестник примеров",
        keywords=("внешняя политика", "дипломатия"),
        languages=("ru", "en"),
        abstracts=(
            Abstract("en", "The article reviews two decades."),
            Abstract("ru", "Статья подводит итоги."),
        ),
    )
    table = Table(
        head=(
            TableRow((TableCell((Text("Год"),), header=True), TableCell((Text("Событие"),), header=True))),
        ),
        body=(
            TableRow((TableCell((Text("2000"),)), TableCell((Text("Визит"),)))),
            TableRow((TableCell((Text("2019"),)), TableCell((Text("Саммит"),)))),
        ),
        caption=(Text("Таблица 1. Хронология"),),
    )
    blocks = (
        Heading(1, (Text(meta.title or ""),)),
        Section(
            "abstract",
            (
                Heading(2, (Text("Abstract"),)),
                Paragraph(
                    (
                        Text("The article reviews "),
                        Emphasis((Text("two decades"),)),
                        Text(" of relations between Moscow and Pyongyang."),
                        FootnoteRef("1"),
                    )
                ),
            ),
            lang="en",
        ),
        Section(
            "abstract",
            (
                Heading(2, (Text("Аннотация"),)),
                Paragraph(
                    (
                        Text("Статья подводит "),
                        Strong((Text("итоги"),)),
                        Text(" двадцатилетия отношений, включая саммит G20 и визиты."),
                    )
                ),
            ),
            lang="ru",
        ),
        Section("keywords", (para("Ключевые слова: внешняя политика, дипломатия"),), lang="ru"),
        Section("bullets", (bullets("Первый вывод статьи", "Второй вывод статьи"),), lang="ru"),
        Heading(2, (Text("Введение"),)),
        Paragraph(
            (
                Text("Отношения развивались неравномерно"),
                FootnoteRef("2"),
                Text(". См. "),
                Link((Text("источник"),), "https://example.org/source"),
                Text(" и формулу H"),
                Subscript((Text("2"),)),
                Text("O, E = mc"),
                Superscript((Text("2"),)),
                Text("."),
            )
        ),
        ListBlock(
            (ListItem((para("первый пункт"),)), ListItem((para("второй пункт"), bullets("вложенный пункт")))),
            ordered=True,
            start=3,
        ),
        Quote((para("Цитата из выступления."),)),
        table,
        CodeBlock("print('привет')\n", language="python"),
        Paragraph((Text("Вызов "), Code("render()"), Text(" возвращает байты."))),
        HorizontalRule(),
        Heading(2, (Text("Conclusion"),), lang="en"),
        para("Relations will depend on the wider region.", lang="en"),
        Section(
            "references",
            (
                ListBlock(
                    (
                        ListItem((para("Петров И. Внешняя политика. М.: Наука, 2020."),)),
                        ListItem((para("Smith A. Northeast Asia. London: Routledge, 2019.", lang="en"),)),
                    ),
                    ordered=True,
                ),
            ),
        ),
    )
    notes = (Note("1", (para("An English note.", lang="en"),)), Note("2", (para("Примечание автора."),)))
    return Document(metadata=meta, blocks=blocks, notes=notes)


def english_document() -> Document:
    return Document(
        metadata=Metadata(title="A plain page", authors=("Jane Doe",), languages=("en",)),
        blocks=(Heading(2, (Text("Intro"),)), para("Just some English text."), bullets("one", "two")),
    )


def hostile_document() -> Document:
    """Images that would leak local files or call the network if pandoc fetched them."""
    return Document(
        metadata=Metadata(title="Hostile", languages=("en",)),
        blocks=(
            Paragraph((Text("before "), Image("passwd", "file:///etc/passwd"), Text(" after"))),
            Paragraph((Image("host", "/etc/hostname"),)),
            Paragraph((Image("remote picture", "http://127.0.0.1:9/pixel.png"),)),
            Paragraph((Link((Text("relative"),), "../../etc/passwd"),)),
        ),
    )


def edge_document() -> Document:
    """Shapes scraped pages produce that writers and validators trip over."""
    ragged = Table(
        head=(),
        body=(
            TableRow((TableCell((Text("spans down"),), rowspan=5), TableCell((Text("a"),), colspan=3))),
            TableRow((TableCell((Text("b"),)),)),
            TableRow(()),
        ),
    )
    return Document(
        metadata=Metadata(title="Edge\x00 cases\x1b", languages=("ru_RU.UTF-8",), date="not a date"),
        blocks=(
            Heading(2, (Text("   "),)),
            Paragraph(
                (
                    Link(
                        (
                            Text("link "),
                            Image("pic", "https://example.org/p.png"),
                            Link((Text("inner"),), "https://example.org/in"),
                            Emphasis((FootnoteRef("n"),)),
                        ),
                        "https://example.org/out",
                    ),
                )
            ),
            Paragraph(
                (
                    Link((Text("site-relative"),), "/about"),
                    Link((Text("fragment"),), "#top"),
                    Link((Text("script"),), "javascript:alert(1)"),
                    Link((Text("spaces"),), "https://example.org/a b?q=1 2"),
                )
            ),
            Paragraph((Text("control\x07char and ￾ noncharacter"),)),
            ListBlock(()),
            ListBlock((ListItem(()),)),
            Quote(()),
            ragged,
            Table(head=(), body=()),
            Section("notes", ()),
            CodeBlock("", language="c++ <script>"),
            Paragraph((FootnoteRef("missing"), FootnoteRef("n"))),
        ),
        notes=(
            Note("n", (Paragraph((Text("note with "), FootnoteRef("n"))),)),
            Note("orphan", (para("never referenced"),)),
        ),
    )


def zip_texts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


OPTIONS = Options()


@pytest.fixture(scope="module")
def bilingual_docx() -> bytes:
    return render_pandoc(bilingual_document(), "docx", OPTIONS)


@pytest.fixture(scope="module")
def bilingual_epub() -> bytes:
    return render_pandoc(bilingual_document(), "epub", OPTIONS)


# ---------------------------------------------------------------- metadata and structure


def test_epub_metadata_title_authors_language(bilingual_epub: bytes) -> None:
    files = zip_texts(bilingual_epub)
    assert next(iter(files)) == "mimetype"
    opf = files["EPUB/content.opf"].decode("utf-8")
    assert "<dc:title" in opf and "Отношения соседних государств" in opf
    assert "Иван Петров" in opf and "Anna Smith" in opf
    assert "<dc:language>ru</dc:language>" in opf
    assert '<dc:date id="epub-date">2021-03-04</dc:date>' in opf


def test_epub_marks_sections_with_lang_and_xml_lang(bilingual_epub: bytes) -> None:
    pages = b"".join(v for k, v in zip_texts(bilingual_epub).items() if k.endswith(".xhtml"))
    text = pages.decode("utf-8")
    assert 'lang="en" xml:lang="en"' in text
    assert 'lang="ru" xml:lang="ru"' in text
    for match in re.finditer(r'<[^>]*\slang="([^"]+)"[^>]*>', text):
        assert f'xml:lang="{match.group(1)}"' in match.group(0)


def test_title_heading_is_written_once(bilingual_epub: bytes, bilingual_docx: bytes) -> None:
    chapters = [v.decode() for k, v in zip_texts(bilingual_epub).items() if k.startswith("EPUB/text/ch")]
    assert sum(page.count("<h1") for page in chapters) == 1  # the first chapter's heading
    body = zip_texts(bilingual_docx)["word/document.xml"].decode()
    assert body.count('w:val="Heading1"') == 0 and body.count('w:val="Title"') == 1


def test_docx_metadata(bilingual_docx: bytes) -> None:
    core = zip_texts(bilingual_docx)["docProps/core.xml"].decode("utf-8")
    assert "Отношения соседних государств" in core
    assert "Иван Петров" in core
    assert "<dc:language>ru-RU</dc:language>" in core


def test_language_defaults_never_c() -> None:
    doc = replace(english_document(), metadata=Metadata(title=None, languages=("C", "")))
    opf = zip_texts(render_pandoc(doc, "epub", OPTIONS))["EPUB/content.opf"].decode()
    assert "<dc:language>en</dc:language>" in opf
    assert "<dc:title" in opf and "Intro" in opf


def test_untitled_empty_document_still_has_a_title() -> None:
    opf = zip_texts(render_pandoc(Document(), "epub", OPTIONS))["EPUB/content.opf"].decode()
    assert "Untitled document" in opf


# ---------------------------------------------------------------- reproducible bytes


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_same_input_same_bytes(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = render_pandoc(bilingual_document(), fmt, OPTIONS)
    second = render_pandoc(bilingual_document(), fmt, OPTIONS)
    assert first == second


def test_identifier_comes_from_the_doi() -> None:
    doc = bilingual_document()
    other = replace(doc, blocks=doc.blocks[:3])
    ids = []
    for d in (doc, other):
        opf = zip_texts(render_pandoc(d, "epub", OPTIONS))["EPUB/content.opf"].decode()
        ids.append(re.search(r"<dc:identifier[^>]*>([^<]+)<", opf).group(1))
    assert ids[0] == ids[1] and ids[0].startswith("urn:uuid:")
    no_doi = replace(doc, metadata=replace(doc.metadata, doi=None, url=None))
    opf = zip_texts(render_pandoc(no_doi, "epub", OPTIONS))["EPUB/content.opf"].decode()
    assert ids[0] not in opf


def test_source_date_epoch_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = zip_texts(render_pandoc(english_document(), "epub", OPTIONS))
    assert "2023-11-14T22:13:20Z" in files["EPUB/content.opf"].decode()
    with zipfile.ZipFile(io.BytesIO(render_pandoc(english_document(), "docx", OPTIONS))) as z:
        assert {info.date_time[:3] for info in z.infolist()} == {(2023, 11, 14)}
        assert "2023-11-14T22:13:20Z" in z.read("docProps/core.xml").decode()


def test_default_epoch_is_the_document_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    opf = zip_texts(render_pandoc(bilingual_document(), "epub", OPTIONS))["EPUB/content.opf"]
    assert b'<meta property="dcterms:modified">2021-03-04T00:00:00Z</meta>' in opf


# ---------------------------------------------------------------- sandbox


@pytest.mark.parametrize("fmt", ["docx", "epub", "html"])
def test_hostile_images_are_not_read_or_fetched(fmt: str) -> None:
    out = render_pandoc(hostile_document(), fmt, OPTIONS)
    blobs = zip_texts(out) if fmt != "html" else {"page": out}
    passwd = Path("/etc/passwd").read_bytes()[:30]
    for name, data in blobs.items():
        assert passwd not in data, name
        assert b"127.0.0.1" not in data, name
        assert b"/etc/hostname" not in data and b"file://" not in data, name
    assert not any("media/" in name for name in blobs)


def test_remote_images_kept_as_links_on_request() -> None:
    out = render_pandoc(hostile_document(), "html", Options(keep_remote_images=True))
    assert b'href="http://127.0.0.1:9/pixel.png"' in out
    assert b"<img" not in out


def test_pandoc_runs_sandboxed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(list(args))
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    render_pandoc(english_document(), "docx", OPTIONS)
    writes = [c for c in calls if c[0] == pandoc_path() and "--from=json" in c]
    assert writes and all("--sandbox" in c for c in writes)


# ---------------------------------------------------------------- formats and options


@pytest.mark.parametrize("fmt", ["odt", "html", "latex", "rst", "gfm"])
def test_other_pandoc_writers(fmt: str) -> None:
    out = render_pandoc(bilingual_document(), fmt, OPTIONS)
    assert "Введение" in out.decode("utf-8") if fmt != "odt" else out[:2] == b"PK"


def test_unknown_format_lists_formats() -> None:
    with pytest.raises(UsageError, match="docx"):
        render_pandoc(english_document(), "nosuchformat", OPTIONS)


def test_options_for_other_formats_are_refused(tmp_path) -> None:
    with pytest.raises(UsageError, match="cover"):
        render_pandoc(english_document(), "docx", Options(cover=tmp_path / "c.png"))
    with pytest.raises(UsageError, match="split-level"):
        render_pandoc(english_document(), "epub", Options(split_level=9))


def test_html_css_is_linked_not_read(tmp_path: Path) -> None:
    css = tmp_path / "site.css"
    css.write_text("body { color: #123456; }")
    out = render_pandoc(english_document(), "html", Options(css=css))
    assert f'href="{css}"'.encode() in out
    assert b"#123456" not in out


@pytest.mark.parametrize("fmt", ["docx", "epub", "odt", "html", "latex", "gfm"])
def test_edge_cases_render(fmt: str) -> None:
    out = render_pandoc(edge_document(), fmt, Options(keep_remote_images=True))
    text = out.decode("utf-8") if fmt in ("html", "latex", "gfm") else ""
    if fmt == "html":
        assert "javascript:" not in text and 'href="/about"' not in text
        assert "https://example.org/a%20b?q=1%202" in text
        assert "never referenced" in text and "\x07" not in text
        assert not re.search(r"<a [^>]*>[^<]*<a ", text)


def test_ragged_tables_become_rectangular() -> None:
    from pagewash.render.pandoc.ast import document_to_ast

    cell = TableCell
    table = Table(
        head=(),
        body=(
            TableRow((cell((Text("a"),), rowspan=3, colspan=2), cell((Text("b"),)))),
            TableRow((cell((Text("c"),), colspan=4),)),
            TableRow((cell((Text("d"),), rowspan=2, colspan=2), cell((Text("e"),)))),
        ),
    )
    ast = document_to_ast(Document(blocks=(table,)))
    tables = [b for b in ast["blocks"] if b["t"] == "Table"]
    width = len(tables[0]["c"][2])
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(tables[0]["c"][4][0][3]):
        column = 0
        for _, _, rowspan, colspan, _ in row[1]:
            while (r, column) in covered:
                column += 1
            cells = {(r + dr, column + dc) for dr in range(rowspan) for dc in range(colspan)}
            assert not cells & covered and column + colspan <= width
            covered |= cells
            column += colspan
    assert covered == {(r, c) for r in range(3) for c in range(width)}
    assert render_pandoc(Document(blocks=(table,)), "docx", OPTIONS)[:2] == b"PK"


def test_truncated_inline_images_become_alt_text() -> None:
    from pagewash.render.pandoc.ast import document_to_ast

    doc = Document(
        blocks=(
            Paragraph(
                (
                    Image("broken chart", "data:image/gif;base64,R0lGODlhAQ="),
                    Image(
                        "dot",
                        "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
                    ),
                )
            ),
        )
    )
    inlines = document_to_ast(doc)["blocks"][0]["c"]
    assert [i["t"] for i in inlines] == ["Str", "Space", "Str", "Image"]


def test_binary_formats_are_named() -> None:
    from pagewash.render.pandoc import is_binary_format

    assert is_binary_format("epub") and is_binary_format("docx") and is_binary_format("odt")
    assert not is_binary_format("html") and not is_binary_format("typst")
    assert render_pandoc(english_document(), "typst", OPTIONS).decode("utf-8")


@pytest.mark.parametrize("date", ["0001-01-01", "1500", "31.02.2020", "сегодня", "9999-12-31"])
def test_any_date_gives_valid_epub_dates(date: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    doc = replace(english_document(), metadata=replace(english_document().metadata, date=date))
    opf = zip_texts(render_pandoc(doc, "epub", OPTIONS))["EPUB/content.opf"].decode()
    assert re.search(r'<dc:date id="epub-date">\d{4}-\d\d-\d\d', opf)
    assert re.search(r"dcterms:modified\">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<", opf)


def test_absurd_nesting_is_a_render_error_not_a_crash() -> None:
    from pagewash.errors import RenderError

    block = para("deep")
    for _ in range(300):
        block = Quote((block,))
    assert render_pandoc(Document(blocks=(block,)), "epub", OPTIONS)[:2] == b"PK"
    for _ in range(3000):
        block = Quote((block,))
    with pytest.raises(RenderError, match="nested too deeply"):
        render_pandoc(Document(blocks=(block,)), "epub", OPTIONS)

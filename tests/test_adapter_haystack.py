"""The Haystack converter with the real haystack-ai, alone and inside a Pipeline."""

from __future__ import annotations

from pathlib import Path

from haystack import Pipeline  # haystack extra: missing fails here
from haystack.dataclasses import ByteStream

from adapter_pages import NEWS, PAGES, RUSSIAN, SHELL, url_of, write_folder, write_warc
from pagewash.ingest.haystack import PagewashToDocument


def test_converter_in_a_pipeline_with_files_warc_and_bytes(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "pages")
    warc = write_warc(tmp_path / "crawl.warc.gz")
    cp1251 = RUSSIAN.html.decode("utf-8").replace('charset="utf-8"', "").encode("cp1251")
    sources = [
        folder / f"{NEWS.name}.html",
        str(warc),
        folder / "shell.html",
        tmp_path / "missing.html",
        ByteStream(
            cp1251, meta={"url": "https://example.org/ru-1251"}, mime_type="text/html; charset=windows-1251"
        ),
    ]
    meta = [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}]
    pipeline = Pipeline()
    pipeline.add_component("converter", PagewashToDocument())
    docs = pipeline.run({"converter": {"sources": sources, "meta": meta}})["converter"]["documents"]
    assert [d.meta["n"] for d in docs] == [0, 1, 1, 1, 4]  # shell, missing file: skipped
    first = docs[0]
    assert NEWS.phrase in first.content and first.meta["file_path"] == "en-news.html"
    assert first.meta["title"] == NEWS.title and first.meta["authors"] == ["Priya Raman"]
    assert sorted(d.meta["url"] for d in docs[1:4]) == sorted(url_of(p) for p in PAGES)
    russian = docs[4]
    assert russian.meta["url"] == "https://example.org/ru-1251" and russian.meta["language"] == "ru"
    assert RUSSIAN.phrase in russian.content  # decoded with the ByteStream's charset


def test_converter_serialises_and_takes_one_meta_for_all(tmp_path: Path) -> None:
    converter = PagewashToDocument(to="txt", store_full_path=True)
    again = PagewashToDocument.from_dict(converter.to_dict())
    (tmp_path / "a.html").write_bytes(NEWS.html)
    (tmp_path / "b.html").write_bytes(SHELL)
    docs = again.run(sources=[tmp_path / "a.html", tmp_path / "b.html"], meta={"batch": 3})["documents"]
    assert [d.meta["batch"] for d in docs] == [3]
    assert docs[0].meta["file_path"] == str(tmp_path / "a.html")
    assert not docs[0].content.startswith("#")

"""The LlamaIndex reader with the real llama-index-core, alone and in SimpleDirectoryReader."""

from __future__ import annotations

from pathlib import Path

import pytest
from llama_index.core import SimpleDirectoryReader  # llamaindex extra: missing fails here
from llama_index.core.readers.base import BaseReader

from adapter_pages import NEWS, PAGES, RUSSIAN, SHELL, url_of, write_folder, write_warc
from pagewash.errors import PagewashError
from pagewash.ingest.llama_index import PagewashReader


def test_reader_loads_a_file_a_folder_and_a_warc(tmp_path: Path) -> None:
    reader = PagewashReader()
    assert isinstance(reader, BaseReader)
    folder = write_folder(tmp_path / "pages")
    [news] = reader.load_data(folder / f"{NEWS.name}.html", extra_info={"batch": "b1"})
    assert NEWS.phrase in news.text and news.metadata["batch"] == "b1"
    assert news.metadata["title"] == NEWS.title and news.metadata["authors"] == "Priya Raman"
    assert len(reader.load_data(folder)) == 3  # the empty shell page gives no document
    docs = reader.load_data(write_warc(tmp_path / "crawl.warc.gz"))
    assert sorted(d.metadata["url"] for d in docs) == sorted(url_of(p) for p in PAGES)
    for doc in docs:  # flat metadata: what LlamaIndex vector stores accept
        assert all(isinstance(v, (str, int, float)) for v in doc.metadata.values())


def test_reader_plugs_into_simple_directory_reader(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "pages")
    docs = SimpleDirectoryReader(
        str(folder), recursive=True, file_extractor={".html": PagewashReader()}
    ).load_data()
    by_name = {d.metadata["file_name"]: d for d in docs}
    assert sorted(by_name) == ["en-blog.html", "en-news.html", "ru-news.html"]
    assert by_name["ru-news.html"].metadata["language"] == "ru"
    assert RUSSIAN.phrase in by_name["ru-news.html"].text


def test_reader_can_raise_instead_of_skipping(tmp_path: Path) -> None:
    (tmp_path / "shell.html").write_bytes(SHELL)
    with pytest.raises(PagewashError, match="NoContent"):
        PagewashReader(errors="raise").load_data(tmp_path / "shell.html")

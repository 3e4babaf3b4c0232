"""The LangChain transformer and loader with the real langchain-core."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from langchain_core.document_loaders import BaseLoader  # langchain extra: missing fails here
from langchain_core.documents import BaseDocumentTransformer, Document

from adapter_pages import BLOG, NEWS, PAGES, RUSSIAN, SHELL, url_of, write_folder, write_warc
from pagewash.errors import PagewashError
from pagewash.ingest.langchain import PagewashLoader, PagewashTransformer


def test_transformer_cleans_html_documents_and_adds_metadata(caplog: pytest.LogCaptureFixture) -> None:
    html_docs = [
        Document(page_content=p.html.decode("utf-8"), id=p.name, metadata={"source": url_of(p), "crawl": 7})
        for p in PAGES
    ]
    html_docs.append(Document(page_content=SHELL.decode("utf-8"), metadata={"source": "shell"}))
    transformer = PagewashTransformer()
    assert isinstance(transformer, BaseDocumentTransformer)
    with caplog.at_level(logging.WARNING, logger="pagewash"):
        docs = transformer.transform_documents(html_docs)
    assert [d.id for d in docs] == [p.name for p in PAGES]
    for doc, page in zip(docs, PAGES, strict=True):
        assert page.phrase in doc.page_content and "<" not in doc.page_content.split("\n")[0]
        assert doc.metadata["title"] == page.title and doc.metadata["language"] == page.language
        assert doc.metadata["crawl"] == 7 and doc.metadata["source"] == url_of(page)
    assert docs[0].metadata["authors"] == ["Priya Raman"] and docs[0].metadata["date"] == "2024-04-09"
    assert "shell: no main content" in caplog.text


def test_transformer_can_raise_instead_of_skipping() -> None:
    with pytest.raises(PagewashError, match="NoContent"):
        PagewashTransformer(errors="raise").transform_documents(
            [Document(page_content=SHELL.decode("utf-8"))]
        )


def test_loader_reads_folders_and_warc_lazily(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "pages")
    loader = PagewashLoader(folder)
    assert isinstance(loader, BaseLoader)
    docs = list(loader.lazy_load())
    assert [Path(d.metadata["source"]).name for d in docs] == [
        f"{BLOG.name}.html",
        f"{NEWS.name}.html",
        f"{RUSSIAN.name}.html",
    ]
    warc = write_warc(tmp_path / "crawl.warc.gz")
    by_url = {d.metadata["url"]: d for d in PagewashLoader([warc], to="txt").load()}
    assert sorted(by_url) == sorted(url_of(p) for p in PAGES)
    news = by_url[url_of(NEWS)]
    assert news.metadata["source"] == f"{warc}#0" and NEWS.phrase in news.page_content
    assert news.metadata["title"] == NEWS.title and not news.page_content.startswith("#")

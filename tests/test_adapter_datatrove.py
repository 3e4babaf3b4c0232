"""The DataTrove steps in a real LocalPipelineExecutor: WarcReader -> pagewash -> JsonlWriter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from datatrove.data import Document  # the datatrove extra is in `make test`: missing fails here
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.extractors.base import BaseExtractor
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter

from adapter_pages import BLOG, NEWS, PAGES, RUSSIAN, SHELL, url_of, write_warc
from pagewash.ingest.datatrove import PagewashExtractor, PagewashMetadataExtractor
from pagewash.ingest.records import clean_record


def run_pipeline(tmp_path: Path, extractor: BaseExtractor) -> dict[str, dict]:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_warc(crawl / "crawl.warc.gz")
    out = tmp_path / "clean"
    LocalPipelineExecutor(
        pipeline=[WarcReader(str(crawl)), extractor, JsonlWriter(str(out))],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    rows = [
        json.loads(line)
        for f in sorted(out.glob("*.jsonl.gz"))
        for line in gzip.decompress(f.read_bytes()).decode("utf-8").splitlines()
    ]
    return {row["metadata"]["url"]: row for row in rows}


def test_extractor_replaces_trafilatura_in_a_warc_pipeline(tmp_path: Path) -> None:
    rows = run_pipeline(tmp_path, PagewashExtractor())
    assert sorted(rows) == sorted(url_of(p) for p in PAGES)  # the empty shell page is dropped
    for page in PAGES:
        text = rows[url_of(page)]["text"]
        assert page.phrase in text
        assert text == clean_record({"html": page.html})["text"]
    assert rows[url_of(NEWS)]["metadata"]["date"] == "2024-05-01T10:00:00Z"  # the WARC's, kept


def test_metadata_extractor_writes_the_pages_metadata(tmp_path: Path) -> None:
    rows = run_pipeline(tmp_path, PagewashMetadataExtractor(to="txt"))
    assert sorted(rows) == sorted(url_of(p) for p in PAGES)
    for page in PAGES:
        meta = rows[url_of(page)]["metadata"]
        assert (meta["title"], meta["language"]) == (page.title, page.language)
    news = rows[url_of(NEWS)]
    assert news["metadata"]["date"] == "2024-04-09"  # the page's own date over the crawl date
    assert news["metadata"]["authors"] == ["Priya Raman"]
    assert not news["text"].startswith("#") and NEWS.phrase in news["text"]
    assert rows[url_of(BLOG)]["metadata"]["date"] == "2024-05-01T10:00:00Z"  # page has none
    assert rows[url_of(RUSSIAN)]["metadata"]["authors"] == ["Ольга Кравцова"]


def test_extract_is_the_plain_step_contract() -> None:
    step = PagewashExtractor()
    assert step.extract(SHELL.decode("utf-8")) == ""  # no main content: DataTrove drops it
    assert step.extract("\x00\x01" * 300) == ""  # not HTML: dropped, never an exception
    assert NEWS.phrase in step.extract(NEWS.html.decode("utf-8"))


def test_metadata_step_runs_its_own_loop_with_the_sandbox() -> None:
    docs = [
        Document(text=NEWS.html.decode("utf-8"), id="a", metadata={"url": url_of(NEWS)}),
        Document(text=SHELL.decode("utf-8"), id="b", metadata={}),
        Document(text="", id="c", metadata={}),
    ]
    out = list(PagewashMetadataExtractor().run(iter(docs)))
    assert [d.id for d in out] == ["a"]
    assert out[0].metadata["title"] == NEWS.title and out[0].metadata["url"] == url_of(NEWS)


def test_unknown_output_format_is_refused() -> None:
    with pytest.raises(ValueError, match="'md' or 'txt'"):
        PagewashExtractor(to="docx")

"""The NeMo Curator algorithm inside NeMo's own Common Crawl download-extract stage.

The stage is built as users build it (``html_extraction=PagewashHTMLExtractor()``); its
iterate-extract step then runs on a local WARC made in the test: NeMo's WARC iterator, its
HTML decoding, language detection and stop lists, then pagewash. Only the download step (which
fetches from Common Crawl) and the Ray executor are left out.
"""

from __future__ import annotations

from pathlib import Path

# nemo-curator[text-cpu] is in `make test` (the nemo extra): a missing one fails here
from nemo_curator.stages.text.download import CommonCrawlDownloadExtractStage
from nemo_curator.stages.text.download.base.iterator import DocumentIterateExtractStage
from nemo_curator.tasks import FileGroupTask

from adapter_pages import NEWS, PAGES, SHELL, url_of, write_warc
from pagewash.ingest.nemo_curator import PagewashHTMLExtractor
from pagewash.ingest.records import clean_record


def test_the_common_crawl_stage_extracts_with_pagewash(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "crawl.warc.gz")
    stage = CommonCrawlDownloadExtractStage(
        start_snapshot="2024-30",
        end_snapshot="2024-30",
        download_dir=str(tmp_path),
        html_extraction=PagewashHTMLExtractor(),
    )
    [iterate_extract] = [s for s in stage.decompose() if isinstance(s, DocumentIterateExtractStage)]
    batch = iterate_extract.process(FileGroupTask(dataset_name="crawl", data=[str(warc)]))
    rows = {row["url"]: row for row in batch.to_pandas().to_dict("records")}
    assert sorted(rows) == sorted(url_of(p) for p in PAGES)  # shell and 404 dropped
    for page in PAGES:
        expected = clean_record({"html": page.html})["text"].rstrip("\n")
        assert rows[url_of(page)]["text"] == expected  # NeMo's "\n\n" join gives it back
    assert rows[url_of(NEWS)]["language"] == "ENGLISH"


def test_extract_text_returns_paragraphs_or_none() -> None:
    algorithm = PagewashHTMLExtractor(to="txt")
    paragraphs = algorithm.extract_text(NEWS.html.decode("utf-8"), frozenset(), "ENGLISH")
    assert paragraphs is not None and len(paragraphs) > 3
    assert paragraphs[0] == NEWS.title and any(NEWS.phrase in p for p in paragraphs)
    assert algorithm.extract_text(SHELL.decode("utf-8"), frozenset(), "ENGLISH") is None
    assert algorithm.extract_text("\x00" * 100, frozenset(), "ENGLISH") is None

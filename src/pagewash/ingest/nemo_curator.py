"""NeMo Curator HTML extraction algorithm (``pip install 'pagewash[nemo]'``).

``PagewashHTMLExtractor`` is an ``HTMLExtractorAlgorithm``: pass it as ``html_extraction=`` of
``CommonCrawlDownloadExtractStage`` (or ``algorithm=`` of ``CommonCrawlHTMLExtractor``) in
place of ``"justext"``, ``"resiliparse"`` or ``"trafilatura"``:

    from nemo_curator.stages.text.download import CommonCrawlDownloadExtractStage
    from pagewash.ingest.nemo_curator import PagewashHTMLExtractor

    stage = CommonCrawlDownloadExtractStage("2024-30", "2024-30", "warcs/",
                                            html_extraction=PagewashHTMLExtractor())

NeMo Curator detects the page's language and hands the extractor that language's stop words;
the built-in algorithms keep paragraphs dense in stop words. pagewash ignores both: it tells
main content from boilerplate by the page's structure and its own rules (which work for
languages NeMo has no stop list for), and repairs the text it keeps. The result is the
page's paragraphs (Markdown blocks, or plain text with ``to="txt"``); NeMo joins them with a
blank line, which gives back pagewash's output exactly. ``None`` means no main content, and
NeMo drops the record.
"""

from __future__ import annotations

from dataclasses import replace

from pagewash.ingest.pages import log_skipped, missing_framework
from pagewash.ingest.records import clean_record
from pagewash.options import Options

try:
    from nemo_curator.stages.text.download.html_extractors import HTMLExtractorAlgorithm
except ImportError as exc:
    raise missing_framework("NeMo Curator", "nemo-curator", "nemo") from exc

__all__ = ["PagewashHTMLExtractor"]


class PagewashHTMLExtractor(HTMLExtractorAlgorithm):
    """pagewash as a NeMo Curator HTML extraction algorithm.

    ``to``: ``md`` (default) or ``txt``. ``options``: any pagewash ``Options``. ``timeout``:
    seconds per page (``None``: no limit); a slower page gives ``None`` like an empty one.
    """

    def __init__(self, to: str = "md", options: Options | None = None, timeout: float | None = 60) -> None:
        if to not in ("md", "txt"):
            raise ValueError(f"to must be 'md' or 'txt', got {to!r}")
        self.options = replace(options or Options(), to=to)
        self.timeout = timeout

    def extract_text(self, html: str, stop_words: frozenset[str], language: str) -> list[str] | None:
        """The page's paragraphs, or None when it has no main content or cannot be cleaned."""
        record = clean_record({"html": html}, self.options, timeout=self.timeout)
        if record["status"] != "ok" or not record["text"].strip():
            log_skipped("page", record)
            return None
        return record["text"].rstrip("\n").split("\n\n")

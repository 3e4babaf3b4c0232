"""DataTrove extractor steps (``pip install 'pagewash[datatrove]'``).

``PagewashExtractor`` takes the place of DataTrove's ``Trafilatura`` step: it receives each
document's decoded HTML in ``doc.text`` and replaces it with pagewash's Markdown (or plain
text); a page without main content becomes "" and DataTrove drops the document.

``PagewashMetadataExtractor`` does the same and also writes title, authors, language, date and
keywords into ``doc.metadata`` (DataTrove's ``extract`` sees only the text, so this step
overrides ``run``), and passes the document's URL to pagewash for relative links and metadata.

Both run each page in DataTrove's extractor sandbox (a child process, ``timeout`` seconds per
document, restarted when it hangs or dies). pagewash's lexicons are loaded in the step's
process before the sandbox starts, so the forked child does not spend its first document's
time limit loading them.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from pagewash.ingest.datatrove import PagewashExtractor

    LocalPipelineExecutor(pipeline=[WarcReader("crawl/"), PagewashExtractor(),
                                    JsonlWriter("clean/")], tasks=1).run()
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pagewash.ingest.pages import document_metadata, log_skipped, missing_framework
from pagewash.ingest.records import clean_record
from pagewash.options import Options

try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
    from datatrove.utils.logging import logger as datatrove_logger
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:
    raise missing_framework("DataTrove", "datatrove", "datatrove") from exc

__all__ = ["PagewashExtractor", "PagewashMetadataExtractor"]

# A small page with prose, cleaned once before the sandbox forks: it loads the parser, the
# boilerplate rules and the repair lexicons into the parent, so every child starts warm.
_WARMUP_PAGE = (
    "<html><head><title>Warm-up</title></head><body><article><p>The ferry crossed "
    "the harbour twice before noon, and the passengers said it was late.</p>"
    "</article></body></html>"
)


class PagewashExtractor(BaseExtractor):
    """DataTrove extractor: HTML in ``doc.text`` -> pagewash Markdown (or text with ``to="txt"``).

    ``timeout``: seconds per document (DataTrove's sandbox enforces it). ``options``: any
    pagewash ``Options`` (repair rules, protected words, ...); ``to`` picks ``md`` or ``txt``.
    """

    name = "🧼 pagewash"

    def __init__(self, timeout: float = 1, to: str = "md", options: Options | None = None) -> None:
        super().__init__(timeout)
        if to not in ("md", "txt"):
            raise ValueError(f"to must be 'md' or 'txt', got {to!r}")
        self.options = replace(options or Options(), to=to)
        self._warm = False

    def extract(self, text: str) -> str:
        """The page's main text; "" (document dropped) for no main content or a failure."""
        return self._clean(text, None)["text"]

    def _clean(self, html: str, url: str | None) -> dict[str, Any]:
        if not html:
            return {"text": "", "status": "empty", "errors": []}
        record = clean_record({"url": url, "html": html}, self.options)
        if record["status"] != "ok":
            log_skipped(url or "document", record)
        return record

    def _warm_up(self) -> None:
        """Load pagewash's lexicons here, before DataTrove forks its sandbox child."""
        if not self._warm:
            clean_record({"html": _WARMUP_PAGE}, self.options)
            self._warm = True

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        self._warm_up()
        yield from super().run(data, rank, world_size)


class PagewashMetadataExtractor(PagewashExtractor):
    """``PagewashExtractor`` that also fills ``doc.metadata`` with the page's metadata.

    Keys written: ``title``, ``authors``, ``language``, ``date``, ``url``, ``keywords`` (only
    those the page has; a value already in ``doc.metadata``, such as the WARC's ``url`` and
    crawl ``date``, is kept unless pagewash found the page's own). ``doc.metadata["url"]`` is
    passed to pagewash as the page URL.
    """

    name = "🧼 pagewash + metadata"

    def _extract_with_metadata(self, html: str, url: str | None) -> tuple[str, dict[str, Any]]:
        record = self._clean(html, url)
        if record["status"] != "ok":
            return "", {}
        return record["text"], document_metadata(record)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """DataTrove's extractor loop (sandbox, time limit, stats), keeping the metadata too."""
        self._warm_up()
        with ExtractorSandbox(timeout=self.timeout, warmup_text=("", None)) as sandbox:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    try:
                        url = doc.metadata.get("url")
                        text, metadata = sandbox.process_document(
                            (doc.text, url if isinstance(url, str) else None), self._extract_with_metadata
                        )
                        self.stat_update("extracted")
                    except TimeoutError:
                        self.stat_update("timeout")
                        datatrove_logger.warning("pagewash: timeout while cleaning a document; skipped")
                        continue
                    except EOFError:
                        self.stat_update("broken_process")
                        datatrove_logger.warning("pagewash: the extractor process died; restarting it")
                        continue
                    except Exception as exc:  # as DataTrove's own loop: count it, go on
                        self.stat_update("clean_error")
                        datatrove_logger.warning(f"pagewash: {type(exc).__name__}: {exc}; skipped")
                        continue
                if text:
                    doc.text = text
                    doc.metadata.update(metadata)
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.stat_update(StatHints.dropped)

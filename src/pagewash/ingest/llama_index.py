"""LlamaIndex reader (``pip install 'pagewash[llamaindex]'``).

``PagewashReader`` is a ``BaseReader`` for HTML files (also ``.html.gz``), folders, JSONL
records and WARC files. Use it alone or as ``SimpleDirectoryReader``'s reader for HTML:

    from llama_index.core import SimpleDirectoryReader
    from pagewash.ingest.llama_index import PagewashReader

    docs = PagewashReader().load_data("crawl.warc.gz")
    docs = SimpleDirectoryReader("pages/", file_extractor={".html": PagewashReader()}).load_data()

Each document's ``metadata`` has the page's ``title``, ``authors``, ``language``, ``date``,
``url`` and ``keywords`` (those it has), plus ``file_path`` and whatever ``extra_info``
holds. LlamaIndex vector stores accept only flat metadata (str, int, float), so authors and
keywords are joined with "; ". Pages without main content give no document (a warning on
the ``pagewash`` logger; ``errors="raise"`` raises instead).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from pagewash.errors import PagewashError, UsageError
from pagewash.ingest.pages import (
    DEFAULT_TIMEOUT,
    Page,
    PathInput,
    clean_page,
    document_metadata,
    iter_pages,
    log_skipped,
    missing_framework,
    skip_reason,
)
from pagewash.options import Options

try:
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import Document
except ImportError as exc:
    raise missing_framework("LlamaIndex", "llama-index-core", "llamaindex") from exc

__all__ = ["PagewashReader"]

LIST_SEPARATOR = "; "


class PagewashReader(BaseReader):
    """Clean pages into LlamaIndex ``Document`` objects (Markdown, or text with ``to="txt"``)."""

    def __init__(
        self,
        to: str = "md",
        options: Options | None = None,
        *,
        glob: str | None = None,
        errors: str = "skip",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        if to not in ("md", "txt"):
            raise ValueError(f"to must be 'md' or 'txt', got {to!r}")
        if errors not in ("skip", "raise"):
            raise ValueError(f"errors must be 'skip' or 'raise', got {errors!r}")
        self.options = replace(options or Options(), to=to)
        self.glob = glob
        self.errors = errors
        self.timeout = timeout

    def lazy_load_data(
        self, file: PathInput, extra_info: dict[str, Any] | None = None, fs: Any = None
    ) -> Iterator[Document]:
        """The documents of ``file`` (a page, a folder, a JSONL or WARC file), one at a time.

        ``fs`` is the fsspec filesystem ``SimpleDirectoryReader`` passes for remote folders;
        through it a single page is read.
        """
        pages = [_page_from_fs(Path(file), fs)] if fs is not None else iter_pages(file, self.glob)
        for page in pages:
            record = clean_page(page, self.options, self.timeout)
            if record["status"] != "ok":
                if self.errors == "raise":
                    raise PagewashError(f"{page.source}: {skip_reason(record)}")
                log_skipped(page.source, record)
                continue
            metadata = {"file_path": page.source, **_flat(document_metadata(record)), **(extra_info or {})}
            yield Document(text=record["text"], metadata=metadata)

    def load_data(
        self, file: PathInput, extra_info: dict[str, Any] | None = None, fs: Any = None
    ) -> list[Document]:
        """All documents of ``file``; see ``lazy_load_data``."""
        return list(self.lazy_load_data(file, extra_info, fs))


def _flat(metadata: dict[str, Any]) -> dict[str, Any]:
    return {k: LIST_SEPARATOR.join(v) if isinstance(v, list) else v for k, v in metadata.items()}


def _page_from_fs(path: Path, fs: Any) -> Page:
    from pagewash.batch.sources import HTML, kind_of

    if kind_of(path) != HTML:
        raise UsageError(f"{path}: JSONL and WARC files are read from local paths only")
    with fs.open(str(path), "rb") as handle:
        return Page(handle.read(), str(path))

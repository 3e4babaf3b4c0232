"""Haystack converter component (``pip install 'pagewash[haystack]'``).

``PagewashToDocument`` takes the place of Haystack's ``HTMLToDocument`` in an indexing
pipeline: ``run(sources, meta)`` with file paths or ``ByteStream`` objects (from
``LinkContentFetcher``, say) returns ``{"documents": [...]}`` with Markdown content:

    from haystack import Pipeline
    from pagewash.ingest.haystack import PagewashToDocument

    pipeline = Pipeline()
    pipeline.add_component("converter", PagewashToDocument())
    result = pipeline.run({"converter": {"sources": ["page.html", "crawl.warc.gz"]}})

A path may be a JSONL or WARC file: each of its pages becomes a document with that source's
``meta``. Each document's ``meta`` has the page's ``title``, ``authors``, ``language``,
``date``, ``url`` and ``keywords`` (those it has), ``file_path`` for files, the
``ByteStream``'s own meta, and the ``meta`` given to ``run``. As with Haystack's converters,
a source that cannot be read or cleaned is skipped with a warning, so one bad page does not
stop the pipeline. A ``ByteStream``'s ``mime_type`` (or ``meta["content_type"]``) gives the
charset and its ``meta["url"]`` the page URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from pagewash.ingest.pages import (
    DEFAULT_TIMEOUT,
    Page,
    clean_page,
    document_metadata,
    iter_pages,
    log_skipped,
    missing_framework,
)
from pagewash.options import Options

try:
    from haystack import Document, component, default_from_dict, default_to_dict
    from haystack.components.converters.utils import normalize_metadata
    from haystack.dataclasses import ByteStream
except ImportError as exc:
    raise missing_framework("Haystack", "haystack-ai", "haystack") from exc

__all__ = ["PagewashToDocument"]


@component
class PagewashToDocument:
    """Convert HTML sources to Haystack Documents with pagewash (Markdown, or text).

    ``to``: ``md`` or ``txt``; ``store_full_path``: keep the whole path in ``file_path``
    (default: the file name, as Haystack's converters do); ``timeout``: seconds per page.
    Options beyond these are pagewash's defaults, so the component serialises to YAML.
    """

    def __init__(
        self, to: str = "md", store_full_path: bool = False, timeout: float | None = DEFAULT_TIMEOUT
    ) -> None:
        if to not in ("md", "txt"):
            raise ValueError(f"to must be 'md' or 'txt', got {to!r}")
        self.to = to
        self.store_full_path = store_full_path
        self.timeout = timeout
        self._options = replace(Options(), to=to)

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, to=self.to, store_full_path=self.store_full_path, timeout=self.timeout)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PagewashToDocument:
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(
        self,
        sources: list[str | Path | ByteStream],
        meta: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> dict[str, list[Document]]:
        """Documents for every page of ``sources``; ``meta`` is one dict or one per source."""
        documents = []
        for source, extra in zip(sources, normalize_metadata(meta, len(sources)), strict=True):
            for page, base in self._pages(source):
                record = clean_page(page, self._options, self.timeout)
                if record["status"] != "ok":
                    log_skipped(page.source, record)
                    continue
                documents.append(
                    Document(content=record["text"], meta={**base, **document_metadata(record), **extra})
                )
        return {"documents": documents}

    def _pages(self, source: str | Path | ByteStream) -> Iterator[tuple[Page, dict[str, Any]]]:
        if isinstance(source, ByteStream):
            url = source.meta.get("url")
            content_type = source.meta.get("content_type") or source.mime_type
            page = Page(
                source.data,
                str(url or "bytestream"),
                url if isinstance(url, str) else None,
                content_type=content_type,
            )
            yield page, dict(source.meta)
            return
        if not Path(source).exists():  # skipped like Haystack's own converters skip it
            log_skipped(
                str(source),
                {"status": "error", "errors": [{"type": "InputError", "message": "no such file or folder"}]},
            )
            return
        for page in iter_pages(source):
            file_path = page.source.split("#", 1)[0]
            yield page, {"file_path": file_path if self.store_full_path else os.path.basename(file_path)}

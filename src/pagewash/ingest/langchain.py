"""LangChain document transformer and loader (``pip install 'pagewash[langchain]'``).

``PagewashTransformer`` cleans documents whose ``page_content`` is HTML (from any LangChain
loader: ``AsyncHtmlLoader``, ``RecursiveUrlLoader``, a WARC reader of your own) into Markdown;
``PagewashLoader`` reads HTML files, folders, JSONL records and WARC files itself:

    from pagewash.ingest.langchain import PagewashLoader, PagewashTransformer

    docs = PagewashLoader("pages/").load()          # or .lazy_load(), one page at a time
    clean = PagewashTransformer().transform_documents(html_docs)

Each document's metadata gets the page's ``title``, ``authors``, ``language``, ``date``,
``url`` and ``keywords`` (those it has) besides ``source``. Pages without main content, and
pages that cannot be cleaned, give no document; each is logged as one warning on the
``pagewash`` logger (``errors="raise"`` raises instead).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from pagewash.errors import PagewashError
from pagewash.ingest.pages import (
    DEFAULT_TIMEOUT,
    PathInput,
    clean_page,
    document_metadata,
    iter_pages,
    log_skipped,
    missing_framework,
    skip_reason,
)
from pagewash.ingest.records import clean_record
from pagewash.options import Options

try:
    from langchain_core.document_loaders import BaseLoader
    from langchain_core.documents import BaseDocumentTransformer, Document
except ImportError as exc:
    raise missing_framework("LangChain", "langchain-core", "langchain") from exc

__all__ = ["PagewashLoader", "PagewashTransformer"]


def _settings(to: str, options: Options | None, errors: str) -> Options:
    if to not in ("md", "txt"):
        raise ValueError(f"to must be 'md' or 'txt', got {to!r}")
    if errors not in ("skip", "raise"):
        raise ValueError(f"errors must be 'skip' or 'raise', got {errors!r}")
    return replace(options or Options(), to=to)


def _skip(source: str, record: dict[str, Any], errors: str) -> None:
    if errors == "raise":
        raise PagewashError(f"{source}: {skip_reason(record)}")
    log_skipped(source, record)


class PagewashTransformer(BaseDocumentTransformer):
    """HTML ``page_content`` -> clean Markdown (``to="txt"``: plain text), metadata added.

    The page URL is read from the document's metadata (``url_key``, default ``"source"`` as
    LangChain's web loaders set it) when it is an http(s) URL; the input metadata is kept and
    pagewash's fields are added over it.
    """

    def __init__(
        self,
        to: str = "md",
        options: Options | None = None,
        *,
        url_key: str = "source",
        errors: str = "skip",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.options = _settings(to, options, errors)
        self.url_key = url_key
        self.errors = errors
        self.timeout = timeout

    def transform_documents(self, documents: Sequence[Document], **kwargs: Any) -> Sequence[Document]:
        out = []
        for document in documents:
            url = document.metadata.get(self.url_key)
            url = url if isinstance(url, str) and url.startswith(("http://", "https://")) else None
            record = clean_record(
                {"url": url, "html": document.page_content}, self.options, timeout=self.timeout
            )
            if record["status"] != "ok":
                _skip(url or str(document.metadata.get(self.url_key, "document")), record, self.errors)
                continue
            metadata = {**document.metadata, **document_metadata(record)}
            out.append(Document(page_content=record["text"], metadata=metadata, id=document.id))
        return out


class PagewashLoader(BaseLoader):
    """Load HTML files, folders (recursively; ``glob`` filters), JSONL and WARC files.

    ``source`` in the metadata is the file's path, with ``#N`` for the N-th document of a
    JSONL or WARC file; ``url`` is the record's URL (or the page's canonical URL).
    """

    def __init__(
        self,
        paths: PathInput | Sequence[PathInput],
        *,
        glob: str | None = None,
        to: str = "md",
        options: Options | None = None,
        errors: str = "skip",
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        self.paths = paths
        self.glob = glob
        self.options = _settings(to, options, errors)
        self.errors = errors
        self.timeout = timeout

    def lazy_load(self) -> Iterator[Document]:
        for page in iter_pages(self.paths, self.glob):
            record = clean_page(page, self.options, self.timeout)
            if record["status"] != "ok":
                _skip(page.source, record, self.errors)
                continue
            metadata = {"source": page.source, **document_metadata(record)}
            yield Document(page_content=record["text"], metadata=metadata)

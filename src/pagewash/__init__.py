"""pagewash: scraped HTML in, clean repaired Markdown / DOCX / EPUB / records out.

>>> import pagewash
>>> md = pagewash.convert(html_bytes)             # Markdown with YAML front matter
>>> doc = pagewash.clean(html_bytes)              # the Document: metadata, blocks, changes
>>> epub = pagewash.convert(html_bytes, to="epub")
>>> text = pagewash.render_document(doc, pagewash.Options(to="txt"))
>>> text = pagewash.extract(html, output_format="markdown")  # as trafilatura.extract is called
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pagewash.compat import extract
from pagewash.document import Change, Document, Metadata
from pagewash.errors import PagewashError
from pagewash.options import Options
from pagewash.pipeline import clean, convert, render_document

try:
    __version__ = version("pagewash")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"


def clean_record(record: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Clean one ingestion record ``{"url", "html", "id"?}``; never raises for a bad page."""
    from pagewash.ingest.records import clean_record as _clean_record

    return _clean_record(record, **kwargs)


def clean_batch(records: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Clean many ingestion records; bad pages become records with status ``error``."""
    from pagewash.ingest.records import clean_batch as _clean_batch

    return _clean_batch(records, **kwargs)


__all__ = [
    "Change",
    "Document",
    "Metadata",
    "Options",
    "PagewashError",
    "__version__",
    "clean",
    "clean_batch",
    "clean_record",
    "convert",
    "extract",
    "render_document",
]

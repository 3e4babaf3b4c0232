"""A trafilatura-shaped entry point: ``extract(html, url=None, output_format="txt", ...)``.

Code written for ``trafilatura.extract`` switches to pagewash by changing the import. Every
keyword ``trafilatura.extract`` (2.x) takes is known here and is either used, ignored (it
asks for a behaviour pagewash has anyway, or a knob of trafilatura's own algorithm), or refused
with a ``UsageError`` saying what to do instead. An unknown keyword is refused too, so a typo
never passes silently.

Used:
    ``filecontent`` (str, bytes, or an lxml element, which is serialised), ``url``,
    ``record_id`` (JSON ``id``), ``output_format`` (``"txt"`` — the default, as in
    trafilatura —, ``"markdown"``/``"md"``, ``"json"``), ``include_comments`` (default False:
    pagewash drops comment sections unless asked, and keeps them in the body when asked, so
    JSON ``comments`` is always ""), ``with_metadata`` (txt/Markdown: a YAML front matter
    block; JSON: trafilatura's metadata keys), ``only_with_metadata`` (None unless the page
    has a title, a date and a URL), ``target_language`` (None unless the page's main language,
    ISO 639-1, is this one), ``url_blacklist`` (None for these URLs), ``author_blacklist``
    (these authors are left out of the metadata), ``include_tables=True``.

Ignored, and why:
    ``fast``, ``no_fallback``, ``favor_precision``, ``favor_recall``: pagewash runs one
    extraction algorithm; there is no fallback cascade to skip nor a precision/recall switch.
    ``include_formatting``, ``include_links``, ``include_images``: Markdown output always
    keeps emphasis, links and images of the main text; txt output has none of them (images
    as their alt text). ``deduplicate``: repeated boilerplate inside a page is removed anyway;
    deduplication across documents belongs to the pipeline's dedup step.
    ``date_extraction_params``: dates come from the page's metadata and markup.

Refused (``UsageError``) unless left at trafilatura's default:
    ``output_format`` ``xml``, ``xmltei``, ``html``, ``csv``, ``python``;
    ``include_tables=False``; ``tei_validation=True``; ``max_tree_size`` (bound work by page
    size or time in the batch: ``--max-document-mb``, ``--timeout``); ``prune_xpath`` (give
    boilerplate rules as a TOML file: ``Options(rules=...)``); ``settingsfile``, ``config``,
    ``options`` (trafilatura's settings; pass ``pagewash_options=Options(...)`` instead).

Returns the text, or None when the page has no main content (or a filter above rejects it),
as trafilatura does. Unlike trafilatura, input that is not a web page at all (binary data,
undecodable bytes) raises a ``PagewashError`` saying why instead of returning None.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

from pagewash.document import Document
from pagewash.errors import UsageError
from pagewash.pipeline import Options, clean

OUTPUT_FORMATS = {"txt": "txt", "markdown": "md", "md": "md", "json": "json"}
REFUSED_FORMATS = ("xml", "xmltei", "html", "csv", "python")
IGNORED = {
    "fast": "one extraction algorithm, no fallbacks to skip",
    "no_fallback": "one extraction algorithm, no fallbacks to skip",
    "favor_precision": "no precision/recall switch",
    "favor_recall": "no precision/recall switch",
    "include_formatting": "Markdown always keeps formatting; txt never has it",
    "include_links": "Markdown always keeps links; txt never has them",
    "include_images": "Markdown always keeps images; txt keeps their alt text",
    "deduplicate": "boilerplate repeated in a page is removed; cross-document dedup is the pipeline's",
    "date_extraction_params": "dates come from the page's metadata and markup",
}
# name -> (trafilatura's default, what to do instead)
REFUSED: dict[str, tuple[Any, str]] = {
    "include_tables": (True, "tables are always kept"),
    "tei_validation": (False, "there is no TEI output"),
    "max_tree_size": (None, "bound pages by size or time (batch --max-document-mb, --timeout)"),
    "prune_xpath": (None, "give boilerplate rules as a TOML file: pagewash_options=Options(rules=...)"),
    "settingsfile": (None, "pass pagewash_options=Options(...)"),
    "config": (None, "pass pagewash_options=Options(...)"),
    "options": (None, "pass pagewash_options=Options(...)"),
}
USED = frozenset({"record_id", "only_with_metadata", "target_language", "url_blacklist", "author_blacklist"})


def extract(
    filecontent: Any,
    url: str | None = None,
    output_format: str = "txt",
    include_comments: bool = False,
    with_metadata: bool = False,
    *,
    pagewash_options: Options | None = None,
    **trafilatura_args: Any,
) -> str | None:
    """Main text of ``filecontent`` in ``output_format``; None when there is none.

    See the module docstring for every trafilatura argument: which are used, ignored or
    refused. ``pagewash_options`` carries pagewash's own settings (repair rules, protected
    words, boilerplate rules); its ``url`` and ``keep_comments`` are set from the arguments.
    """
    fmt = _output_format(output_format)
    args = _check_arguments(trafilatura_args)
    if url is not None and url in (args.get("url_blacklist") or ()):
        return None
    options = replace(pagewash_options or Options(), url=url, keep_comments=include_comments)
    doc = clean(_page_data(filecontent), options)
    if doc.is_empty:
        return None
    doc = _without_authors(doc, args.get("author_blacklist"))
    meta = doc.metadata
    language = args.get("target_language")
    if language and (meta.language or "").lower() != str(language).lower():
        return None
    if args.get("only_with_metadata") and not (meta.title and meta.date and (meta.url or url)):
        return None
    return _render(doc, fmt, with_metadata, url, args.get("record_id"))


def _output_format(name: str) -> str:
    key = str(name).strip().lower()
    if key in OUTPUT_FORMATS:
        return OUTPUT_FORMATS[key]
    if key in REFUSED_FORMATS:
        raise UsageError(
            f"output_format {name!r} is not supported; use 'txt', 'markdown' or "
            "'json' (pagewash.convert writes DOCX, EPUB, HTML and other pandoc formats)"
        )
    raise UsageError(f"unknown output_format {name!r}; use 'txt', 'markdown' or 'json'")


def _check_arguments(args: dict[str, Any]) -> dict[str, Any]:
    """The used arguments; refuses unknown ones and refused ones set away from their default."""
    for name, value in args.items():
        if name in USED or name in IGNORED:
            continue
        if name in REFUSED:
            default, instead = REFUSED[name]
            if value is not default and value != default:
                raise UsageError(f"{name}={value!r} is not supported by pagewash; {instead}")
            continue
        raise UsageError(f"extract() got an unknown argument {name!r}; see pagewash.compat")
    return {name: value for name, value in args.items() if name in USED}


def _page_data(filecontent: Any) -> bytes | str:
    if isinstance(filecontent, (bytes, str)):
        return filecontent
    if hasattr(filecontent, "getroottree"):  # an lxml element, as trafilatura accepts
        from lxml import html

        return str(html.tostring(filecontent, encoding="unicode"))
    raise UsageError(f"filecontent must be str, bytes or an lxml element, not {type(filecontent).__name__}")


def _without_authors(doc: Document, blacklist: Any) -> Document:
    if not blacklist:
        return doc
    banned = {str(name).casefold() for name in blacklist}
    authors = tuple(a for a in doc.metadata.authors if a.casefold() not in banned)
    return replace(doc, metadata=replace(doc.metadata, authors=authors))


def _render(doc: Document, fmt: str, with_metadata: bool, url: str | None, record_id: str | None) -> str:
    from pagewash.render.front_matter import render_front_matter
    from pagewash.render.markdown import render_markdown
    from pagewash.render.text import render_text

    if fmt == "md":
        return render_markdown(doc, front_matter=with_metadata)
    text = render_text(doc)
    if fmt == "txt":
        header = render_front_matter(doc.metadata) if with_metadata else ""
        return f"{header}\n{text}" if header else text
    return json.dumps(_json_fields(doc, text, with_metadata, url, record_id), ensure_ascii=False)


def _json_fields(
    doc: Document, text: str, with_metadata: bool, url: str | None, record_id: str | None
) -> dict[str, Any]:
    """trafilatura's JSON keys, filled from pagewash's metadata."""
    if not with_metadata:
        return {"text": text, "comments": ""}
    meta = doc.metadata
    source = meta.url or url
    return {
        "title": meta.title,
        "author": "; ".join(meta.authors) or None,
        "hostname": urlparse(source).hostname if source else None,
        "date": meta.date,
        "id": record_id,
        "language": meta.language,
        "source": source,
        "source-hostname": meta.site,
        "excerpt": meta.description,
        "categories": "",
        "tags": ";".join(meta.keywords),
        "text": text,
        "comments": "",
    }

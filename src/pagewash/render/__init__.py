"""Render a Document: own writers for md/txt/json, pandoc for DOCX, EPUB and the rest."""

from __future__ import annotations

from pagewash.document import Document
from pagewash.options import Options, RenderOptions, rendering

TEXT_FORMATS: tuple[str, ...] = ("md", "txt", "json")
FORMAT_ALIASES: dict[str, str] = {
    "markdown": "md",
    "gfm": "md",
    "text": "txt",
    "plain": "txt",
    "epub3": "epub",
}
SUFFIX_FORMATS: dict[str, str] = {
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".json": "json",
    ".docx": "docx",
    ".epub": "epub",
    ".odt": "odt",
    ".html": "html",
    ".htm": "html",
    ".tex": "latex",
    ".rst": "rst",
    ".rtf": "rtf",
    ".org": "org",
    ".adoc": "asciidoc",
    ".jsonl": "jsonl",
}


def normalise_format(name: str) -> str:
    name = name.strip().lower().lstrip(".")
    return FORMAT_ALIASES.get(name, name)


def check_format(name: str) -> str:
    """The normalised format name; an unknown one is a ``UsageError`` raised before any work."""
    to = normalise_format(name)
    if to in TEXT_FORMATS:
        return to
    from pagewash.render.pandoc import pandoc_format

    pandoc_format(to)
    return to


def is_text_format(name: str) -> bool:
    """True when the output is UTF-8 text that can go to stdout (md, html, rst, latex, …)."""
    to = normalise_format(name)
    if to in TEXT_FORMATS:
        return True
    from pagewash.render.pandoc import is_binary_format

    return not is_binary_format(to)


def render(doc: Document, options: Options | RenderOptions, *, persistent: bool = False) -> str | bytes:
    """Text formats come back as ``str``; pandoc formats as ``bytes``.

    ``persistent`` renders pandoc formats on this process's warm pandoc worker instead of
    starting pandoc per document: batch workers use it, a one-off conversion does not need it.
    """
    options = rendering(options)
    to = normalise_format(options.to)
    if to == "md":
        from pagewash.render.markdown import render_markdown

        return render_markdown(doc, front_matter=options.front_matter)
    if to == "txt":
        from pagewash.render.text import render_text

        return render_text(doc)
    if to == "json":
        from pagewash.render.document_json import render_json

        return render_json(doc)
    if persistent:
        from pagewash.render.pandoc.worker import default_pool

        return default_pool().render(doc, to, options)
    from pagewash.render.pandoc import render_pandoc

    return render_pandoc(doc, to, options)

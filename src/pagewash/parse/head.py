"""What the parser keeps from a page before pruning: metadata carriers and removals.

``<meta>``, ``<title>``, ``<link rel=canonical>`` and JSON-LD scripts are read from the lxml
tree before scripts are stripped, so the metadata step never depends on what pruning left.
The result travels to the extractor in the ``ParsedPage``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Removal:
    """A page part the parser dropped before the tree was built, for the Change log."""

    rule: str
    quote: str
    reason: str
    origin: str


@dataclass(frozen=True, slots=True)
class PageHead:
    """Metadata carriers read from the raw page."""

    title: str | None = None
    metas: tuple[tuple[str, str], ...] = ()
    canonical: str | None = None
    jsonld: tuple[str, ...] = ()
    lang: str | None = None

    def meta(self, *names: str) -> list[str]:
        """Every non-empty ``content`` of meta tags whose name/property is one of ``names``."""
        wanted = {n.lower() for n in names}
        return [value for key, value in self.metas if key in wanted and value]

    def first(self, *names: str) -> str | None:
        """The first value among ``names``, tried in the order given."""
        for name in names:
            values = self.meta(name)
            if values:
                return values[0]
        return None


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def quote(text: str, limit: int = 80) -> str:
    """A short quote of dropped text for a Change record."""
    text = collapse(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def read_head(root: etree._Element) -> PageHead:
    """Collect title, meta tags, canonical link, JSON-LD and the page language."""
    metas: list[tuple[str, str]] = []
    for meta in root.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop")
        content = meta.get("content")
        if key and content:
            metas.append((key.strip().lower(), collapse(content)))
    title_el = next(root.iter("title"), None)
    title = collapse(title_el.text_content()) if title_el is not None else None
    canonical = None
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href"):
            canonical = link.get("href").strip()
            break
    jsonld = tuple(
        script.text
        for script in root.iter("script")
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text
    )
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    return PageHead(
        title=title or None,
        metas=tuple(metas),
        canonical=canonical,
        jsonld=jsonld,
        lang=(lang or "").strip().lower() or None,
    )

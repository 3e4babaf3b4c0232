"""Metadata from the carriers a page offers, most specific first.

Order of trust: Highwire ``citation_*`` tags (written for scholarly indexers), JSON-LD
(ScholarlyArticle / Article / NewsArticle / BlogPosting ...), Dublin Core, Open Graph, then
``<title>`` and the visible text. Each field takes the first source that has it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

from pagewash.document import Metadata
from pagewash.extraction.lang import normalise
from pagewash.parse.head import PageHead, collapse

ARTICLE_TYPES = frozenset(
    {
        "scholarlyarticle",
        "article",
        "newsarticle",
        "blogposting",
        "report",
        "techarticle",
        "analysisnewsarticle",
        "reportagenewsarticle",
        "opinionnewsarticle",
        "medicalscholarlyarticle",
        "posting",
        "socialmediaposting",
        "creativework",
        "webpage",
        "book",
        "chapter",
        "thesis",
        "howto",
        "qapage",
        "review",
        "liveblogposting",
        "backgroundnewsarticle",
    }
)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})(?:[-/](\d{1,2}))?$")
_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ", " · ", " « ")


def from_head(head: PageHead, url: str | None) -> Metadata:
    """Metadata from meta tags, JSON-LD and ``<title>`` (before the body is read)."""
    ld = _jsonld_article(head.jsonld)
    site = head.first("og:site_name", "application-name") or _ld_name(ld.get("publisher"))
    title = (
        head.first("citation_title", "dc.title", "dcterms.title")
        or _ld_text(ld.get("headline"))
        or _ld_text(ld.get("name"))
        or head.first("og:title", "twitter:title")
        or _strip_site(head.title, site)
    )
    page_url = url or head.canonical or head.first("og:url") or _ld_text(ld.get("url"))
    return Metadata(
        title=title,
        subtitle=_ld_text(ld.get("alternativeHeadline")) or _ld_text(ld.get("alternateName")),
        authors=tuple(_authors(head, ld)),
        date=_first_date(
            *(value for name in _DATE_META for value in head.meta(name)),
            _ld_text(ld.get("datePublished")),
            _ld_text(ld.get("dateCreated")),
        ),
        doi=_doi(head, ld),
        url=page_url,
        site=site or (urlparse(page_url).hostname if page_url else None),
        journal=head.first(
            "citation_journal_title", "citation_conference_title", "dc.source", "prism.publicationname"
        )
        or _ld_periodical(ld),
        publisher=head.first("citation_publisher", "dc.publisher", "dcterms.publisher")
        or _ld_name(ld.get("publisher")),
        description=head.first("description", "og:description", "dc.description", "twitter:description")
        or _ld_text(ld.get("description")),
        keywords=tuple(_keywords(head, ld)),
        languages=tuple(_declared_languages(head, ld)),
    )


def declared_language(head: PageHead) -> str | None:
    """The content language the page declares (scholarly tags first, then ``<html lang>``)."""
    ld = _jsonld_article(head.jsonld)
    langs = _declared_languages(head, ld)
    return langs[0] if langs else normalise(head.lang)


def _declared_languages(head: PageHead, ld: dict[str, Any]) -> list[str]:
    raw = head.first("citation_language", "dc.language", "dcterms.language", "content-language")
    raw = raw or _ld_text(ld.get("inLanguage"))
    lang = normalise(raw)
    return [lang] if lang else []


# ------------------------------------------------------------------ JSON-LD


def _jsonld_article(scripts: tuple[str, ...]) -> dict[str, Any]:
    """The first JSON-LD object whose type is an article-like CreativeWork."""
    fallback: dict[str, Any] = {}
    for script in scripts:
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        for node in _nodes(data):
            types = node.get("@type")
            names = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
            if names & ARTICLE_TYPES:
                if names & {"webpage", "creativework"}:
                    fallback = fallback or node
                    continue
                return node
    return fallback


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _nodes(graph)
        main = data.get("mainEntity")
        if isinstance(main, dict):
            yield from _nodes(main)


def _ld_text(value: Any) -> str | None:
    if isinstance(value, str):
        return collapse(value) or None
    if isinstance(value, list) and value:
        return _ld_text(value[0])
    if isinstance(value, dict):
        return _ld_text(value.get("@value") or value.get("name"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return _ld_text(value)


def _ld_periodical(ld: dict[str, Any]) -> str | None:
    node = ld.get("isPartOf")
    for _ in range(4):
        if not isinstance(node, dict):
            return None
        types = node.get("@type")
        names = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
        if "periodical" in names:
            return _ld_text(node.get("name"))
        node = node.get("isPartOf")
    return None


# ------------------------------------------------------------------ fields


def _authors(head: PageHead, ld: dict[str, Any]) -> list[str]:
    names = head.meta("citation_author") or head.meta("dc.creator", "dcterms.creator")
    if not names:
        names = _ld_people(ld.get("author")) or _ld_people(ld.get("creator"))
    if not names:
        names = [
            n
            for n in head.meta("author", "article:author", "sailthru.author")
            if not n.startswith(("http://", "https://"))
        ]
    seen: dict[str, None] = {}
    for name in names:
        for part in _split_names(name):
            seen.setdefault(_natural_order(part), None)
    return [n for n in seen if n]


def _ld_people(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for item in value for n in _ld_people(item)]
    name = _ld_name(value)
    return [name] if name else []


def _split_names(value: str) -> list[str]:
    if ";" in value:
        return [p.strip() for p in value.split(";") if p.strip()]
    return [value.strip()]


def _natural_order(name: str) -> str:
    """ "Smith, John" -> "John Smith"; names without one comma stay as written."""
    name = collapse(name)
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if first and last and " " not in last:
            return f"{first} {last}"
    return name


def _doi(head: PageHead, ld: dict[str, Any]) -> str | None:
    candidates = [
        *head.meta("citation_doi", "dc.identifier", "dcterms.identifier", "prism.doi", "bepress_citation_doi")
    ]
    identifier = ld.get("identifier")
    for item in identifier if isinstance(identifier, list) else [identifier]:
        text = _ld_text(item) if not isinstance(item, dict) else _ld_text(item.get("value"))
        if text:
            candidates.append(text)
    same_as = ld.get("sameAs")
    candidates.extend(s for s in (same_as if isinstance(same_as, list) else [same_as]) if isinstance(s, str))
    for candidate in candidates:
        doi = find_doi(candidate)
        if doi:
            return doi
    return None


def find_doi(text: str) -> str | None:
    """A DOI inside ``text`` (a bare DOI, ``doi:`` or a doi.org URL), without trailing dots."""
    match = _DOI.search(text)
    return match.group(1).rstrip(".,;)]") if match else None


def _keywords(head: PageHead, ld: dict[str, Any]) -> list[str]:
    raw = head.meta("citation_keywords", "dc.subject", "dcterms.subject")
    if not raw:
        value = ld.get("keywords")
        raw = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
    out: dict[str, None] = {}
    for item in raw:
        if not isinstance(item, str):
            continue
        separator = ";" if ";" in item else ","
        for word in item.split(separator):
            word = collapse(word).strip(" .")
            if word:
                out.setdefault(word, None)
    return list(out)


_DATE_META = (
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "dc.date",
    "dcterms.issued",
    "dcterms.date",
    "article:published_time",
    "date",
    "pubdate",
    "publish-date",
)
# Content systems write these when a date is unset; they are never a publication date.
_PLACEHOLDER_YEARS = range(0, 1400)
_PLACEHOLDER_DATES = frozenset({"1970-01-01", "1900-01-01"})


def _first_date(*values: str | None) -> str | None:
    """The first value that is a real date, skipping placeholders such as 0001-01-01."""
    for value in values:
        date = _date(value)
        if date and _plausible(date):
            return date
    return None


def _plausible(date: str) -> bool:
    if date in _PLACEHOLDER_DATES:
        return False
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", date)
    if not match:
        return True  # free text as the page wrote it ("Spring 2019"): keep
    year, month, day = (int(g) if g else 1 for g in match.groups())
    if year in _PLACEHOLDER_YEARS or year > dt.date.today().year + 1:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _date(value: str | None) -> str | None:
    """ISO ``YYYY-MM-DD`` when the date is recognisable, else the text as given."""
    if not value:
        return None
    value = value.strip()
    match = _DATE.match(value)
    if match:
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    match = _DATE_DMY.match(value)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    match = _YEAR_MONTH.match(value)
    if match:
        year, month = match.groups()
        return f"{year}-{int(month):02d}" if month else year
    return value


def _strip_site(title: str | None, site: str | None) -> str | None:
    """ "Article title | Site" -> "Article title"."""
    if not title:
        return None
    for separator in _TITLE_SEPARATORS:
        if separator in title:
            head, _, tail = title.rpartition(separator)
            if (site and site.casefold() in tail.casefold()) or len(tail) < len(head) / 2:
                return head.strip() or title
    return title

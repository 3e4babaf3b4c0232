"""DOM -> units: cut the pruned page into paragraphs, headings, list items, code and tables.

One walk over the BeautifulSoup tree. Block-level elements end the current paragraph, a run
of two or more ``<br>`` ends it too, inline elements become formats around the text. Each
unit records its ancestors (for choosing the main container), its structural frames (lists,
quotes), the scholarly hints of the classes above it, its ``lang`` attribute and a short
CSS-like origin.
"""

from __future__ import annotations

import re
import sys
from types import FrameType
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

from pagewash.document import Code, CodeBlock, FootnoteRef, Image
from pagewash.extraction import tables
from pagewash.extraction.inlines import BREAK, Format, Formats, Piece, nest, plain, tidy
from pagewash.extraction.scholarly import hints_of
from pagewash.extraction.units import Frame, Kind, Unit
from pagewash.parse.elements import holds_block, is_block
from pagewash.parse.head import Removal, quote
from pagewash.parse.marks import AREA_ATTR, CAPTION_ATTR, CONTINUATION_ATTR, NOTE_ATTR, REF_ATTR
from pagewash.parse.prune import CONTENT_ROOTS
from pagewash.rules import SelectorRule, name_token

_SPACE = re.compile(r"\s+")
_ELLIPSIS_END = re.compile(r"\s*(…|\.\.\.)\s*$")
_FILENAME = re.compile(r"\.(jpe?g|png|gif|webp|svg|bmp|avif)$|^(img|dsc|image)[-_]?\d", re.I)
_DULL_ALT = frozenset({"image", "photo", "picture", "logo", "icon", "img", "фото", "изображение"})

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
FORMATS = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "strong": "strong",
    "b": "strong",
    "sup": "sup",
    "sub": "sub",
}
CODE = frozenset({"code", "kbd", "samp", "tt"})
TRANSPARENT = frozenset(
    {
        "span",
        "font",
        "small",
        "big",
        "u",
        "mark",
        "abbr",
        "acronym",
        "time",
        "s",
        "strike",
        "del",
        "ins",
        "bdi",
        "bdo",
        "data",
        "nobr",
        "q",
        "label",
        "output",
        "meter",
        "progress",
        "ruby",
        "rb",
        "rt",
        "rp",
        "wbr",
        "blink",
        "o:p",
    }
)
SKIP = frozenset(
    {
        "head",
        "title",
        "meta",
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "area",
    }
)
# Nesting the walk follows element by element (three Python frames a level); below it an
# element's text joins the current paragraph. Real pages nest content under 40 levels after
# pruning (the extraction benchmark's deepest: 37). The walk also stays within the recursion
# limit left by its caller, so a page of 100,000 nested elements cannot raise RecursionError.
MAX_DEPTH = 150
FRAMES_PER_LEVEL = 3
STACK_RESERVE = 250  # frames kept free for the caller and for nesting blocks and inline runs
MAX_FRAMES = 16  # list and quote nesting kept as structure; deeper ones read as their parent
PERMALINK_MARKS = frozenset({"¶", "#", "§", "🔗", "⚓", "link", "permalink"})
# Link targets that only the page's own script turns into a working link: Cloudflare's e-mail
# obfuscation points every address at this path and decodes it in the browser. Outside the
# page such a link leads nowhere, so its text stays and the link goes.
SCRIPT_ONLY_PATHS = ("/cdn-cgi/l/email-protection",)


# Class/id token -> indexes of the selector rules naming it, per selector table. Sites share
# their framework's tokens ("container", "col-md-8"), so the answers are kept across pages.
_NAME_HITS: dict[tuple[SelectorRule, ...], dict[str, tuple[int, ...]]] = {}
_NAME_HITS_LIMIT = 50_000


def _name_hits_for(selectors: tuple[SelectorRule, ...]) -> dict[str, tuple[int, ...]]:
    """The kept token answers for ``selectors`` (emptied when it grows past the limit)."""
    hits = _NAME_HITS.get(selectors)
    if hits is None or len(hits) > _NAME_HITS_LIMIT:
        if len(_NAME_HITS) >= 8:
            _NAME_HITS.clear()  # a caller making up selector tables page by page
        hits = _NAME_HITS[selectors] = {}
    return hits


_NOTES: dict[str, Any] = {NOTE_ATTR: True}  # a bs4 filter: elements marked as notes


class Segmenter:
    """Walks a (pruned) tree once and collects units."""

    def __init__(
        self,
        base_url: str | None = None,
        selectors: tuple[SelectorRule, ...] = (),
        wrapper_share: float = 0.4,
    ) -> None:
        self.base_url = base_url
        self.selectors = selectors
        self.wrapper_share = wrapper_share
        self.wrapper_chars: float | None = None
        self.root: Tag | None = None
        self.removals: list[Removal] = []
        self.name_cache = _name_hits_for(selectors)
        self.inside: frozenset[str] = frozenset()
        self.units: list[Unit] = []
        self.notes: list[tuple[str, list[Unit]]] = []  # (label, the note's units)
        self.pieces: list[Piece] = []
        self.formats: Formats = ()
        self.frames: tuple[Frame, ...] = ()
        self.ancestors: list[int] = []
        self.steps: list[str] = []
        self.hints: frozenset[str] = frozenset()
        self.lang: str | None = None
        self.heading = 0
        self.continuation = False
        self.depth = 0
        self.max_depth = MAX_DEPTH
        # depth of the nearest element marked as a byline; only its own text and its
        # children's is a byline (a page wrapper with an "author-x" class is not)
        self.byline_at: int | None = None

    # ------------------------------------------------------------ walking

    def run(self, root: Tag) -> list[Unit]:
        self.root = root
        self.max_depth = _depth_budget()
        self.walk_children(root)
        self.flush()
        return self.units

    def walk_children(self, tag: Tag) -> None:
        self.depth += 1
        for child in tag.contents:
            if isinstance(child, Tag):
                if self.depth > self.max_depth:
                    self.text(child.get_text(" "))
                else:
                    self.element(child)
            elif type(child) is NavigableString:
                self.text(child)
        self.depth -= 1

    def text(self, value: str) -> None:
        if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
            value = _SPACE.sub(" ", value)
        self.pieces.append((value, self.formats))

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name in SKIP:
            return
        attrs = tag.attrs
        if attrs and self.marked(tag, attrs):
            return
        if attrs.get(CONTINUATION_ATTR):
            self.reveal(tag)
            return
        if name in FORMATS or name == "a":
            self.inline(tag, name)
        elif name in TRANSPARENT:
            self.walk_children(tag)
        elif name == "br":
            self.line_break()
        elif name == "img":
            self.image(tag)
        elif name in CODE:
            self.pieces.append((Code(tag.get_text()), self.formats))
        elif name == "hr":
            self.flush()
        elif is_block(name) or _holds_block(tag):
            self.block(tag, name)
        else:
            self.walk_children(tag)  # inline by default: unknown and custom elements too

    def marked(self, tag: Tag, attrs: dict) -> bool:
        """Handle an element the parser marked (note mark, note, notes area, numbered
        caption); False for any other element."""
        if REF_ATTR in attrs:
            label = attrs[REF_ATTR]
            if label:
                self.pieces.append((FootnoteRef(label), self.formats))
            else:
                self.walk_children(tag)  # a superscript holding several marks
            return True
        if AREA_ATTR in attrs:
            self.flush()
            if attrs[AREA_ATTR] != "label":
                for note in tag.find_all(True, attrs=_NOTES):
                    if note.find_parent(attrs=_NOTES) is None:
                        self.collect_note(note)
            return True
        if NOTE_ATTR in attrs:
            self.flush()
            self.collect_note(tag)
            return True
        if CAPTION_ATTR in attrs and (tag.name in TRANSPARENT or tag.name in FORMATS):
            self.block(tag, tag.name)  # a caption is a paragraph of its own
            return True
        return False

    def collect_note(self, tag: Tag) -> None:
        """A footnote's content, segmented on its own, goes to ``notes``, not the body."""
        sub = Segmenter(self.base_url)
        sub.lang = self.lang
        units = sub.run(tag)
        self.notes.append((str(tag.attrs[NOTE_ATTR]), units))
        self.notes.extend(sub.notes)

    def inline(self, tag: Tag, name: str) -> None:
        if name == "a":
            href = _attr(tag, "href")
            if href.startswith("#") and tag.get_text().strip() in PERMALINK_MARKS:
                return  # a heading's permalink anchor
            if not href or href.lower().startswith(("javascript:", "data:")) or _script_only(href):
                self.walk_children(tag)
                return
            if self.base_url:
                href = urljoin(self.base_url, href)
            fmt = Format("a", href, _attr(tag, "title") or None)
        else:
            fmt = Format(FORMATS[name])
        if any(f.kind == fmt.kind for f in self.formats):
            self.walk_children(tag)  # <b> inside <b>, a link inside a link: one is enough
            return
        saved = self.formats
        self.formats = (*saved, fmt)
        self.walk_children(tag)
        self.formats = saved

    def line_break(self) -> None:
        """One ``<br>`` is a line break; two in a row end the paragraph."""
        for index in range(len(self.pieces) - 1, -1, -1):
            item = self.pieces[index][0]
            if isinstance(item, str) and not item.strip():
                continue
            if item is BREAK:
                del self.pieces[index:]
                self.flush()
                return
            break
        self.pieces.append((BREAK, self.formats))

    def image(self, tag: Tag) -> None:
        alt = _SPACE.sub(" ", _attr(tag, "alt")).strip()
        if len(alt) < 3 or alt.casefold() in _DULL_ALT or _FILENAME.search(alt):
            return
        src = _attr(tag, "src").strip()
        if not src or src.lower().startswith("data:"):
            src = _attr(tag, "data-src").strip() or src  # a lazy-loading placeholder in src
        if self.base_url and src:
            src = urljoin(self.base_url, src)
        self.pieces.append((Image(alt, src), self.formats))

    def reveal(self, tag: Tag) -> None:
        """Text behind a "Read more" toggle: drop the visible ellipsis and read on."""
        self.strip_ellipsis()
        if not is_block(tag.name) and not _holds_block(tag):  # an inline run goes on the line
            self.walk_children(tag)
            return
        self.flush()
        saved = self.continuation
        self.continuation = True
        self.block(tag, tag.name)
        self.continuation = saved

    def strip_ellipsis(self) -> None:
        for index in range(len(self.pieces) - 1, -1, -1):
            item, fmts = self.pieces[index]
            if not isinstance(item, str):
                return
            if not item.strip():
                continue
            trimmed = _ELLIPSIS_END.sub("", item)
            if trimmed != item:
                self.pieces[index] = (trimmed, fmts)
            return

    def block(self, tag: Tag, name: str) -> None:
        self.flush()
        if self.selectors and self.selected(tag, name):
            return
        if name == "pre":
            self.code_block(tag)
            return
        if name == "table" and not tables.is_layout(tag):
            self.table(tag)
            return
        saved = (self.frames, self.hints, self.lang, self.heading, self.inside, self.byline_at)
        if name in CONTENT_ROOTS:
            self.inside = self.inside | {name}
        self.ancestors.append(id(tag))
        self.steps.append(_step(tag))
        hints = hints_of(tag)
        if CAPTION_ATTR in tag.attrs:
            hints = hints | {"caption"}
        if "byline" in hints:
            hints = hints - {"byline"}
            if self.byline_at is None:
                self.byline_at = len(self.ancestors)
        self.hints = self.hints | hints
        lang = tag.attrs.get("lang")
        if isinstance(lang, str) and lang.strip():
            self.lang = lang.strip().lower()
        if name in HEADINGS:
            self.heading = HEADINGS[name]
        elif len(self.frames) >= MAX_FRAMES:
            pass
        elif name in ("ul", "ol", "menu"):
            self.frames = (*self.frames, _list_frame(tag, name))
        elif name == "li":
            if not self.frames or self.frames[-1].kind != "list":
                self.frames = (*self.frames, Frame("list"))
            self.frames = (*self.frames, Frame("item"))
        elif name == "blockquote":
            self.frames = (*self.frames, Frame("quote"))
        self.walk_children(tag)
        self.flush()
        self.ancestors.pop()
        self.steps.pop()
        self.frames, self.hints, self.lang, self.heading, self.inside, self.byline_at = saved

    def token_hits(self, token: str) -> tuple[int, ...]:
        """Indexes of this walk's selector rules whose name patterns match a class or id."""
        hits = self.name_cache.get(token)
        if hits is None:
            normal = name_token(token)
            hits = tuple(
                i
                for i, rule in enumerate(self.selectors)
                if rule.names is not None and rule.names.search(normal)
            )
            self.name_cache[token] = hits
        return hits

    def wrapper_limit(self) -> float:
        """Text length at which a name match is a wrapper around the article (computed once)."""
        if self.wrapper_chars is None:
            total = len(self.root.get_text()) if self.root is not None else 0
            self.wrapper_chars = self.wrapper_share * total if total else float("inf")
        return self.wrapper_chars

    def selected(self, tag: Tag, name: str) -> bool:
        """True (and logged) when a tree-level selector rule drops this element."""
        role = _attr(tag, "role").lower()
        named: set[int] = set()
        for token in (*(tag.attrs.get("class") or ()), _attr(tag, "id")):
            if token:
                named.update(self.token_hits(token))
        for index, rule in enumerate(self.selectors):
            if rule.not_inside and rule.not_inside & self.inside:
                continue
            by_tag = name in rule.tags or (role and role in rule.roles)
            by_name = index in named
            if not (by_tag or by_name):
                continue
            text = tag.get_text(" ")
            if not by_tag and len(text) >= self.wrapper_limit():
                continue
            self.removals.append(Removal(rule.rule, quote(text), rule.reason, _step(tag)))
            return True
        return False

    # ------------------------------------------------------------ units

    def flush(self) -> None:
        if not self.pieces:
            return
        pieces = tidy(self.pieces)
        self.pieces = []
        if not pieces:
            return
        text, link_chars = plain(pieces)
        if not text.strip() and not any(isinstance(p[0], Image) for p in pieces):
            return
        kind: Kind = "h" if self.heading else "p"
        self.add(kind, text=text, link_chars=link_chars, inlines=nest(pieces), level=self.heading)

    def add(self, kind: Kind, **fields: object) -> None:
        hints = self.hints
        if self.byline_at is not None and len(self.ancestors) - self.byline_at <= 1:
            hints = hints | {"byline"}
        unit = Unit(
            kind=kind,
            frames=self.frames,
            ancestors=tuple(self.ancestors),
            hints=hints,
            origin=" > ".join(self.steps[-3:]),
            lang_attr=self.lang,
            continuation=self.continuation,
            **fields,  # type: ignore[arg-type]
        )
        self.units.append(unit)

    def code_block(self, tag: Tag) -> None:
        text = tag.get_text().strip("\n")
        if not text.strip():
            return
        language = _code_language(tag)
        self.add("pre", text=text, block=CodeBlock(text, language=language))

    def table(self, tag: Tag) -> None:
        block, text, link_chars = tables.convert(tag, self.inline_runs)
        if block is not None:
            self.add("table", text=text, link_chars=link_chars, block=block)

    def inline_runs(self, tag: Tag) -> tuple[list[Piece], str, int]:
        """Tidy pieces of one table cell, its blocks flattened into line breaks."""
        sub = Segmenter(self.base_url)
        sub.flush = sub.flatten  # type: ignore[method-assign]
        sub.code_block = sub.code_lines  # type: ignore[method-assign]
        sub.walk_children(tag)
        pieces = tidy(sub.pieces)
        text, link_chars = plain(pieces)
        return pieces, text, link_chars

    def code_lines(self, tag: Tag) -> None:
        """A code block inside a table cell, whose content is inline runs: each line of it
        as code, with a line break between lines."""
        text = tag.get_text().strip("\n")
        if not text.strip():
            return
        for index, line in enumerate(text.split("\n")):
            if index:
                self.pieces.append((BREAK, ()))
            if line:
                self.pieces.append((Code(line), ()))
        self.pieces.append((BREAK, ()))

    def flatten(self) -> None:
        if self.pieces:
            self.pieces.append((BREAK, ()))


def segment_page(
    soup: BeautifulSoup,
    base_url: str | None = None,
    selectors: tuple[SelectorRule, ...] = (),
    wrapper_share: float = 0.4,
) -> tuple[list[Unit], list[Removal], list[tuple[str, list[Unit]]]]:
    """Cut the body of ``soup`` into units, in document order, and its footnotes apart.

    ``selectors`` are applied while walking (rules the parser could not apply: optional ones
    such as comment sections, and a user's rules); their removals are returned too. Notes come
    as (label, units) pairs in page order.
    """
    root = soup.body or soup
    segmenter = Segmenter(base_url, selectors, wrapper_share)
    return segmenter.run(root), segmenter.removals, segmenter.notes


def _depth_budget() -> int:
    """How deep the walk may go from here without nearing the interpreter's recursion limit."""
    used = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        used += 1
        frame = frame.f_back
    spare = sys.getrecursionlimit() - used - STACK_RESERVE
    return max(0, min(MAX_DEPTH, spare // FRAMES_PER_LEVEL))


def _script_only(href: str) -> bool:
    """True for a link target that works only with the page's own script running."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    return path.endswith(SCRIPT_ONLY_PATHS)


def _holds_block(tag: Tag) -> bool:
    """True when an element that is inline by default holds block content (a custom
    ``<my-card>`` around paragraphs), which a browser lays out as a block."""
    return holds_block(child.name for child in tag.descendants if isinstance(child, Tag))


def _attr(tag: Tag, name: str) -> str:
    value = tag.attrs.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value or ""


def _step(tag: Tag) -> str:
    ident = tag.attrs.get("id")
    if isinstance(ident, str) and ident:
        return f"{tag.name}#{ident}"
    classes = tag.attrs.get("class")
    if classes:
        return f"{tag.name}.{classes[0]}"
    return tag.name


def _list_frame(tag: Tag, name: str) -> Frame:
    start = 1
    raw = tag.attrs.get("start")
    if isinstance(raw, str) and raw.strip().isdigit():
        start = int(raw.strip())
    return Frame("list", ordered=name == "ol", start=start)


def _code_language(tag: Tag) -> str | None:
    """The language ``extract.code`` found for a code block: its first ``language-`` class."""
    for cls in tag.attrs.get("class") or ():
        if cls.startswith("language-") and len(cls) > len("language-"):
            return cls[len("language-") :]
    return None

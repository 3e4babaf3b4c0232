"""A page's own footnotes, found on the lxml tree and marked for the segmenter.

Sites write notes as a mark in the text (``<sup><a href="#fn1">1</a></sup>``, a classed
``footnote-ref`` link, ``role="doc-noteref"``) pointing at an element further down (``<li
id="fn1">`` in an ``<ol class="footnotes">`` or a ``role="doc-endnotes"`` section) that links
back with an arrow. Here the marks and the notes are recognised and labelled with attributes,
back-links are dropped, and the notes area is set apart, so the segmenter emits
``FootnoteRef(label)`` in the text and collects the notes instead of reading them as body
text. A mark is a note mark only when its target is a note: a superscript link to a section
heading stays a superscript link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from pagewash.parse.head import Removal
from pagewash.parse.marks import AREA_ATTR, NOTE_ATTR, REF_ATTR
from pagewash.rules import NoteRules, fold, name_token

MARK_MAX_CHARS = 8  # a note mark is a number, a letter or a symbol, maybe in brackets
AREA_NOTE_SHARE = 0.7  # a notes area is mostly notes; a wrapper around the article is not
NOTE_BLOCKS = frozenset({"li", "p", "div", "dd", "dt", "aside", "section", "td", "footer", "blockquote"})
_LABEL = re.compile(r"^[\w*†‡§¶#]{1,10}$")
_BRACKETS = "[]()<>{} \t\n\xa0.,;:"
_VARIATION = str.maketrans("", "", "\ufe0e\ufe0f")


@dataclass(slots=True)
class _Found:
    """Marks and notes found on one page, keyed by the note element."""

    labels: dict[etree._Element, str] = field(default_factory=dict)
    marks: list[tuple[etree._Element, etree._Element]] = field(default_factory=list)
    mark_ids: set[str] = field(default_factory=set)


def mark_notes(root: etree._Element, rules: NoteRules) -> list[Removal]:
    """Label note marks, notes and notes areas in place; drop back-links inside notes."""
    marks = [
        a
        for a in root.iter("a")
        if (a.get("href") or "").startswith("#") and len(a.get("href")) > 1 and _is_mark(a, rules)
    ]
    if not marks:
        return []
    targets, order = _targets(root)
    found = _Found()
    for anchor in marks:
        fragment = anchor.get("href")[1:]
        target = targets.get(fragment)
        if target is None:
            target = targets.get(unquote(fragment))
        if target is None:
            continue
        note = _note_element(target)
        if note is None or order[note] < order[anchor] or _contains(note, anchor):
            continue  # a note follows its mark; a link back up the page is no mark
        if not _is_note(note, anchor, rules):
            continue
        found.marks.append((anchor, note))
        found.mark_ids.update(_ids_around(anchor))
    if not found.marks:
        return []
    _label_notes(found)
    for anchor, note in found.marks:
        _set_mark(anchor, found.labels[note])
    dropped = sum(_drop_backlinks(note, label, found.mark_ids, rules) for note, label in found.labels.items())
    _set_areas(found, rules)
    if not dropped:
        return []
    return [Removal("note-backlink", f"↩ ×{dropped}", "links from a note back to its mark", "notes")]


def _targets(root: etree._Element) -> tuple[dict[str, etree._Element], dict[etree._Element, int]]:
    """Elements by id (and old-style ``<a name>`` anchors, first one wins), and the document
    position of every element."""
    targets: dict[str, etree._Element] = {}
    order: dict[etree._Element, int] = {}
    for position, el in enumerate(root.iter()):
        if not isinstance(el.tag, str):
            continue
        order[el] = position
        ident = el.get("id") or (el.get("name") if el.tag == "a" else None)
        if ident and ident not in targets:
            targets[ident] = el
    return targets, order


def _is_mark(anchor: etree._Element, rules: NoteRules) -> bool:
    """A short link that looks like a note mark: in or around a superscript, or classed so."""
    text = anchor.text_content().strip(_BRACKETS)
    if not text or len(text) > MARK_MAX_CHARS or _is_backlink(anchor, set(), rules):
        return False
    if (anchor.get("role") or "").lower() in rules.ref_roles or (
        (anchor.get("rel") or "").lower() == "footnote"
    ):
        return True
    if _has_token(anchor, rules.refs):
        return True
    parent = anchor.getparent()
    in_sup = parent is not None and parent.tag == "sup"
    return in_sup or anchor.find(".//sup") is not None


def _note_element(target: etree._Element) -> etree._Element | None:
    """The block a target id names: the element itself, or the block around an inline anchor."""
    node: etree._Element | None = target
    while node is not None and node.tag not in NOTE_BLOCKS:
        if node.tag in ("body", "html"):
            return None
        node = node.getparent()
    return node


def _contains(outer: etree._Element, inner: etree._Element) -> bool:
    return any(a is outer for a in inner.iterancestors()) or outer is inner


def _is_note(note: etree._Element, anchor: etree._Element, rules: NoteRules) -> bool:
    """In a notes area, or linking back to the mark that points at it; never an entry of a
    reference list (that is the paper's bibliography, kept as its own section)."""
    if any(_has_token(node, rules.not_in) for node in (note, *note.iterancestors())):
        return False
    if _in_area(note, rules):
        return True
    back_ids = _ids_around(anchor)
    for link in note.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#") and href[1:] in back_ids:
            return True
        if _is_backlink(link, set(), rules):
            return True
    return False


def _in_area(note: etree._Element, rules: NoteRules) -> bool:
    for node in (note, *note.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if _is_area(node, rules):
            return True
    return False


def _is_area(node: etree._Element, rules: NoteRules) -> bool:
    return (node.get("role") or "").lower() in rules.container_roles or _has_token(node, rules.containers)


def _ids_around(anchor: etree._Element) -> set[str]:
    """Ids a back-link may point at: the mark's own and its superscript's."""
    ids = {anchor.get("id") or "", anchor.get("name") or ""}
    parent = anchor.getparent()
    if parent is not None and parent.tag == "sup":
        ids.add(parent.get("id") or "")
    ids.discard("")
    return ids


def _has_token(el: etree._Element, pattern: re.Pattern[str]) -> bool:
    tokens = (el.get("class") or "").split()
    ident = el.get("id")
    if ident:
        tokens.append(ident)
    return any(pattern.search(name_token(t)) for t in tokens)


def _label_notes(found: _Found) -> None:
    """One label per note, in the order of first mention: the mark's own text when it is a
    plain token ("1", "a", "*"), else the note's number."""
    used: set[str] = set()
    for anchor, note in found.marks:
        if note in found.labels:
            continue
        text = anchor.text_content().strip(_BRACKETS)
        label = text if _LABEL.match(text) else str(len(found.labels) + 1)
        base, suffix = label, 2
        while label in used:
            label, suffix = f"{base}-{suffix}", suffix + 1
        used.add(label)
        found.labels[note] = label


def _set_mark(anchor: etree._Element, label: str) -> None:
    """Mark the link, or the superscript around it when the link is all it holds."""
    parent = anchor.getparent()
    if parent is not None and parent.tag == "sup":
        rest = (parent.text_content() or "").replace(anchor.text_content(), "", 1)
        if not rest.strip(_BRACKETS):
            parent.set(REF_ATTR, label)
            return
        if parent.get(REF_ATTR) is None:
            parent.set(REF_ATTR, "")  # a superscript holding several marks: keep the marks only
    anchor.set(REF_ATTR, label)


def _drop_backlinks(note: etree._Element, label: str, mark_ids: set[str], rules: NoteRules) -> int:
    """Remove links back to the text and a leading copy of the label; count the links."""
    note.set(NOTE_ATTR, label)
    doomed = [a for a in note.iter("a") if _is_backlink(a, mark_ids, rules)]
    for link in doomed:
        link.drop_tree()
    _drop_leading_label(note, label)
    return len(doomed)


def _is_backlink(link: etree._Element, mark_ids: set[str], rules: NoteRules) -> bool:
    href = link.get("href") or ""
    if not href.startswith("#"):
        return False
    if href[1:] in mark_ids or (link.get("role") or "").lower() in rules.backlink_roles:
        return True
    if _has_token(link, rules.backlinks):
        return True
    text = link.text_content().translate(_VARIATION).strip().casefold()
    return bool(text) and (text in rules.backlink_marks or all(c in "↩↑^⤴⇑ " for c in text))


def _drop_leading_label(note: etree._Element, label: str) -> None:
    """``<p id="fn1"><sup>1</sup> Text`` repeats the label the note already carries; what a
    dropped back-link leaves of a ``[1]`` label is empty brackets."""
    if (note.text or "").strip():
        return
    first = next((c for c in note if isinstance(c.tag, str)), None)
    if first is None or first.tag not in ("sup", "span", "a", "b", "strong", "small", "label"):
        return
    if first.text_content().strip(_BRACKETS) in ("", label):
        first.drop_tree()


def _set_areas(found: _Found, rules: NoteRules) -> None:
    """Set apart the element holding the notes (the list, or the notes section around it)."""
    areas: set[etree._Element] = set()
    verdicts: dict[etree._Element, bool] = {}
    for note in found.labels:
        area = _area_of(note, rules, verdicts)
        if area is not None:
            areas.add(area)
    for area in areas:
        area.set(AREA_ATTR, "area")
        heading = _label_heading(area, rules)
        if heading is not None:
            heading.set(AREA_ATTR, "label")


def _area_of(
    note: etree._Element, rules: NoteRules, verdicts: dict[etree._Element, bool]
) -> etree._Element | None:
    """The highest element around ``note`` that is a list or a notes area and mostly notes
    (``verdicts`` remembers the elements already measured)."""
    best = None
    for node in note.iterancestors():
        if node.tag in ("body", "html"):
            break
        if node.tag in ("ol", "ul", "dl") or _is_area(node, rules):
            if node not in verdicts:
                verdicts[node] = _mostly_notes(node)
            if not verdicts[node]:
                break
            best = node
    return best


def _mostly_notes(node: etree._Element) -> bool:
    total = len(node.text_content().strip())
    if not total:
        return True
    in_notes = sum(
        len(n.text_content().strip())
        for n in node.iter()
        if n.get(NOTE_ATTR) is not None and not any(a.get(NOTE_ATTR) is not None for a in n.iterancestors())
    )
    heading = sum(len(h.text_content().strip()) for h in node.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    return in_notes + heading >= AREA_NOTE_SHARE * total


def _label_heading(area: etree._Element, rules: NoteRules) -> etree._Element | None:
    """A "Notes" heading just before the notes area."""
    previous = area.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    if previous is None or previous.tag not in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "hr"):
        return None
    if previous.tag == "hr":
        return previous
    return previous if fold(previous.text_content()) in rules.labels else None

"""The attributes the parser writes into the page for the extractor, and nothing else.

The parser marks what it recognised on the lxml tree — note marks, notes and the notes area,
numbered captions, text a "Read more" toggle hides — with attributes of its own namespace
(``data-pw-*``), which the BeautifulSoup tree carries to the segmenter. A page may carry such
attributes itself (by accident or to steer the extractor: a ``data-pw-notes`` on a content
``<div>`` would make its paragraphs vanish as a notes area), so ``strip_incoming`` removes
every ``data-pw-*`` attribute the page brought before any mark is set.
"""

from __future__ import annotations

from lxml import etree

_CARRIERS = etree.XPath("//*[@*[starts-with(name(), 'data-pw-')]]")  # searched in C
PREFIX = "data-pw-"
REF_ATTR = "data-pw-noteref"  # on a note mark: the note's label ("" on a superscript holding marks)
NOTE_ATTR = "data-pw-note"  # on a note's element: its label
AREA_ATTR = "data-pw-notes"  # on the notes area (or its label heading): not body text
CONTINUATION_ATTR = "data-pw-continuation"  # hidden text a toggle reveals: the rest of it
CAPTION_ATTR = "data-pw-caption"  # a numbered caption, kept or dropped once the page is known
MARKS = frozenset({REF_ATTR, NOTE_ATTR, AREA_ATTR, CONTINUATION_ATTR, CAPTION_ATTR})


def strip_incoming(root: etree._Element) -> int:
    """Remove every ``data-pw-*`` attribute the page itself carries; how many were removed."""
    removed = 0
    for el in _CARRIERS(root):
        for name in [n for n in el.attrib if n.startswith(PREFIX)]:
            del el.attrib[name]
            removed += 1
    return removed

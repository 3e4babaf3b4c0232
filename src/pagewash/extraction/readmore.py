"""Text behind a "Read more" toggle becomes one complete paragraph, never a duplicate.

Pages hide the rest of an abstract in two ways: the visible part plus a hidden remainder
(merged here into the paragraph before it), or a truncated preview plus a hidden full copy
(the preview is dropped). Inline remainders are already joined while segmenting.
"""

from __future__ import annotations

import re

from pagewash.document import Change, Text
from pagewash.extraction.units import Unit
from pagewash.parse.head import quote

_ELLIPSIS_END = re.compile(r"\s*(…|\.\.\.)\s*$")
_SENTENCE_END = re.compile(r"[.!?…)\]\"»”]\s*$")
PREFIX_CHARS = 120  # how much of a preview must match the full text to call it a preview


def merge_continuations(units: list[Unit], changes: list[Change]) -> list[Unit]:
    """Join or de-duplicate each hidden continuation with the paragraph before it."""
    out: list[Unit] = []
    for unit in units:
        first_of_run = unit.continuation and not (out and out[-1].continuation)
        previous = out[-1] if out else None
        if not first_of_run or previous is None or previous.kind != "p" or unit.kind != "p":
            out.append(unit)
            continue
        visible = _ELLIPSIS_END.sub("", previous.text).strip()
        if visible and unit.text.startswith(visible[:PREFIX_CHARS]):
            out.pop()
            changes.append(
                Change(
                    "extract",
                    "truncated-preview",
                    quote(previous.text),
                    "",
                    "a shortened copy of the text revealed by 'Read more'",
                )
            )
            out.append(unit)
        elif _ELLIPSIS_END.search(previous.text) or not _SENTENCE_END.search(previous.text):
            _join(previous, unit)
            previous.continuation = True
        else:
            out.append(unit)
    return out


def _join(head: Unit, tail: Unit) -> None:
    runs = list(head.inlines)
    if runs and isinstance(runs[-1], Text):
        runs[-1] = Text(_ELLIPSIS_END.sub("", runs[-1].text))
    head.inlines = (*runs, Text(" "), *tail.inlines)
    head.text = f"{_ELLIPSIS_END.sub('', head.text)} {tail.text}"
    head.link_chars += tail.link_chars
    head._script = "?"

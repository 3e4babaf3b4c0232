"""The language gate: word rules run only where the text is confidently Russian or English.

A rule that knows English "corrects" German, Portuguese or Indonesian into English
("Gesundheitswesens" → "Gesundheitswesen's", "composto" → "compost"), so under a preset
with ``language_gate`` each text is cut into segments with a language, and word rules see
only the segments whose language the repair supports:

* a block (or a line of plain text) identified with confidence is one segment in its
  language, or in none when that language is unsupported; a word edit inside it is still
  refused when its own sentence is confidently another language (a German quotation in an
  English paragraph);
* a block the identifier is unsure about (mixed, or short) is cut into sentences: each
  sentence identified with confidence gets its language, and a sentence too short to tell
  takes the declared language (the block's ``lang``, a record's ``lang``, or the language
  of the whole text), unless the identifier leans to another language.

Character rules (mojibake, invisible characters, look-alike letters) do not pass the gate:
they are right in every language.
"""

from __future__ import annotations

from pagewash.repair.lexicon import SUPPORTED
from pagewash.text import Identified, identify, sentences

# A text the identifier gives to another language with at least this probability does not
# take the declared language either (too unsure to open the gate, too sure to ignore).
LEANING = 0.5

# (start, end, language or None, identified with confidence)
Segment = tuple[int, int, str | None, bool]


def decide(ident: Identified, hint: str | None) -> tuple[str | None, bool]:
    """The language word rules may assume for a text, and whether the identifier was sure."""
    if ident.confident:
        return (ident.lang if ident.lang in SUPPORTED else None), True
    if hint in SUPPORTED and (ident.lang in (None, hint) or ident.confidence < LEANING):
        return hint, False
    return None, False


def segments(text: str, hint: str | None, block: Identified | None = None) -> list[Segment]:
    """``text`` cut into (start, end, language) segments covering it; language None means
    no word rule may run there. ``block`` is the identification of the whole block the
    text belongs to (None for plain text, whose lines are judged one by one)."""
    if block is not None:
        return _block_segments(text, 0, len(text), hint, block)
    out: list[Segment] = []
    start = 0
    for line in text.splitlines(keepends=True):
        end = start + len(line)
        out += _block_segments(text, start, end, hint, identify(line))
        start = end
    return _merged(out) or [(0, len(text), None, False)]


def _block_segments(text: str, start: int, end: int, hint: str | None, ident: Identified) -> list[Segment]:
    lang, sure = decide(ident, hint)
    if sure:
        return [(start, end, lang, True)]
    out: list[Segment] = []
    piece = text[start:end]
    for s_start, s_end in sentences(piece):
        sentence = identify(piece[s_start:s_end])
        s_lang, s_sure = decide(sentence, lang or hint) if sentence.lang else (lang, False)
        out.append((start + s_start, start + s_end, s_lang, s_sure))
    return _merged(out)


def _merged(spans: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for span in spans:
        if out and out[-1][2:] == span[2:] and out[-1][1] == span[0]:
            out[-1] = (out[-1][0], span[1], span[2], span[3])
        else:
            out.append(span)
    return out


def sentence_vetoes(text: str, start: int, lang: str) -> bool:
    """The sentence around ``start`` is confidently in another language than ``lang``."""
    for s_start, s_end in sentences(text):
        if s_start <= start < s_end or (start == s_end == len(text)):
            found = identify(text[s_start:s_end])
            return found.confident and found.lang != lang
    return False

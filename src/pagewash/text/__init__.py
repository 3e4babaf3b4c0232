"""Text facts every stage asks the same way: which script, which language tag, which language.

``scripts`` is the one script detector (a block's, a word's, the lexicon a word belongs to);
``languages`` the one reader of language tags; ``identify(text) -> Identified(lang,
confidence)`` wraps one statistical identifier (see ``langid.py`` for the measurement
behind the choice), and ``sentences(text)`` cuts a text where a mixed block may change
language.
"""

from pagewash.text.langid import CONFIDENT, Identified, identify, sentences

__all__ = ["CONFIDENT", "Identified", "identify", "sentences"]

"""Text facts every stage asks the same way: which language a text is in.

``identify(text) -> Identified(lang, confidence)`` wraps one statistical identifier (see
``langid.py`` for the measurement behind the choice); ``sentences(text)`` cuts a text where
a mixed block may change language.
"""

from pagewash.text.langid import CONFIDENT, Identified, identify, sentences

__all__ = ["CONFIDENT", "Identified", "identify", "sentences"]

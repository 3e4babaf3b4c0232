"""Language tags, read the one way every stage needs: primary subtags and BCP 47 tags.

Pages declare languages sloppily ("en_US", "ru-RU", "ru_RU.UTF-8", "C", "und"); metadata and
the repair stage want the primary subtag ("ru"), the writers a well-formed BCP 47 tag
("ru-RU"). Placeholders that name no language give None.
"""

from __future__ import annotations

import re

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
NOT_LANGUAGES = frozenset({"c", "posix", "und", "mul", "zxx", "xx"})


def primary(tag: str | None) -> str | None:
    """``en-US`` -> ``en``; empty, malformed and placeholder tags -> None."""
    if not tag:
        return None
    head = tag.strip().replace("_", "-").split("-")[0].split(".")[0].lower()
    if not head.isalpha() or not 2 <= len(head) <= 3 or head in NOT_LANGUAGES:
        return None
    return head


def bcp47(value: str | None) -> str | None:
    """A BCP 47 tag from what pages and locales say ("ru_RU.UTF-8" -> "ru-RU"), or None."""
    if not value:
        return None
    tag = value.strip().split(".")[0].split("@")[0].replace("_", "-")
    if not LANGUAGE_TAG.match(tag) or tag.lower() in NOT_LANGUAGES:
        return None
    parts = tag.split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def base_language(tag: str) -> str:
    """The primary subtag of a well-formed tag ("ru-RU" -> "ru")."""
    return tag.split("-")[0]

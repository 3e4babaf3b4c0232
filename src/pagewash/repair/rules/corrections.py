"""The ``corrections`` rule: the bundled and the user's corrections (``wrong<TAB>right``).

A corrections list is evidence of its own kind (``list``): the user or the bundled list
says the word is wrong, so no dictionary is asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache

from pagewash.repair import data, evidence
from pagewash.repair.engine import Context, Edit
from pagewash.repair.rules.tokens import match_case


def corrections(text: str, ctx: Context) -> list[Edit]:
    """Apply the bundled and the user's corrections (``wrong<TAB>right``), whole words only;
    an all-lower-case entry matches any capitalisation and keeps it."""
    user = ctx.config.corrections
    pattern, exact, folded = _correction_pattern(_merged(user)) if user else _bundled_correction_pattern()
    if pattern is None:
        return []
    edits = []
    for m in pattern.finditer(text):
        wrong = m.group()
        right = exact.get(wrong)
        if right is None and wrong.lower() in folded:
            right = match_case(wrong, folded[wrong.lower()])
        if right is not None:
            edits.append(
                Edit(
                    m.start(),
                    m.end(),
                    right,
                    evidence.reason(evidence.LIST, "correction from the corrections list"),
                )
            )
    return edits


def _merged(user: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    bundled = dict(data.pairs("corrections.tsv"))
    bundled.update(user)
    return tuple(sorted(bundled.items()))


@cache
def _bundled_correction_pattern() -> tuple[re.Pattern[str] | None, dict[str, str], dict[str, str]]:
    """The pattern without user corrections, looked up once instead of merged per run."""
    return _correction_pattern(_merged({}))


@lru_cache(maxsize=16)
def _correction_pattern(
    entries: tuple[tuple[str, str], ...],
) -> tuple[re.Pattern[str] | None, dict[str, str], dict[str, str]]:
    if not entries:
        return None, {}, {}
    exact = dict(entries)
    folded = {k: v for k, v in entries if k == k.lower()}
    alternatives = "|".join(re.escape(k) for k in sorted(exact, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w\-])(?:{alternatives})(?![\w\-])", re.IGNORECASE)
    return pattern, exact, folded

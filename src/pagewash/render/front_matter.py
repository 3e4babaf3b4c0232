"""YAML front matter for Markdown: the document's metadata, every string JSON-quoted.

JSON strings are valid YAML scalars and never ambiguous (a title "No" stays a string, a
colon or a leading dash cannot start a mapping or a list), so any metadata round-trips.
"""

from __future__ import annotations

import json

from pagewash.document import Metadata


def render_front_matter(meta: Metadata) -> str:
    """YAML front matter; every string is JSON-quoted, which is valid YAML and never ambiguous."""
    fields: list[tuple[str, object]] = [
        ("title", meta.title),
        ("subtitle", meta.subtitle),
        ("authors", list(meta.authors)),
        ("date", meta.date),
        ("journal", meta.journal),
        ("publisher", meta.publisher),
        ("doi", meta.doi),
        ("url", meta.url),
        ("site", meta.site),
        ("language", meta.language),
        ("languages", list(meta.languages) if len(meta.languages) > 1 else []),
        ("keywords", list(meta.keywords)),
    ]
    lines = ["---"]
    for key, value in fields:
        if not value:
            continue
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {json.dumps(item, ensure_ascii=False)}" for item in value)
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) if len(lines) > 2 else ""

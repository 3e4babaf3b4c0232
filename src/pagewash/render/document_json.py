"""The Document as JSON: a documented, versioned schema (see docs/json-schema.md).

Every node is an object with a ``type`` (the class name in snake case) and its fields, so the
tree round-trips losslessly through ``document_from_dict``.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass
from typing import Any

from pagewash import document as model
from pagewash.document import SCHEMA_VERSION, Document

_NODE_TYPES: dict[str, type] = {
    re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower(): cls
    for cls in (
        *model.INLINE_TYPES,
        *model.BLOCK_TYPES,
        model.ListItem,
        model.TableRow,
        model.TableCell,
        model.Note,
        model.Abstract,
        model.Change,
        model.Metadata,
    )
}
_TYPE_NAMES: dict[type, str] = {cls: name for name, cls in _NODE_TYPES.items()}


def document_to_dict(doc: Document) -> dict[str, Any]:
    """A plain dict of the whole document, schema version first."""
    return {
        "schema": "pagewash.document",
        "schema_version": SCHEMA_VERSION,
        "status": doc.status,
        "reason": doc.reason,
        "metadata": _fields(doc.metadata),
        "blocks": [_node(b) for b in doc.blocks],
        "notes": [_node(n) for n in doc.notes],
        "changes": [c.to_dict() for c in doc.changes],
    }


def render_json(doc: Document) -> str:
    return json.dumps(document_to_dict(doc), ensure_ascii=False, indent=2) + "\n"


def document_from_dict(data: dict[str, Any]) -> Document:
    """Rebuild a Document from ``document_to_dict`` output (types are checked again)."""
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ValueError(f"unsupported schema_version {version!r}; expected {SCHEMA_VERSION}")
    return Document(
        metadata=_build(model.Metadata, data["metadata"]),
        blocks=tuple(_from_node(b) for b in data["blocks"]),
        notes=tuple(_from_node(n) for n in data["notes"]),
        changes=tuple(model.Change(**c) for c in data["changes"]),
        status=data["status"],
        reason=data["reason"],
    )


def _node(obj: Any) -> Any:
    if is_dataclass(obj):
        return {"type": _TYPE_NAMES[type(obj)], **_fields(obj)}
    return obj


def _fields(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        out[f.name] = [_node(v) for v in value] if isinstance(value, tuple) else _node(value)
    return out


def _from_node(data: Any) -> Any:
    if isinstance(data, dict) and "type" in data:
        cls = _NODE_TYPES.get(data["type"])
        if cls is None:
            raise ValueError(f"unknown node type {data['type']!r}")
        return _build(cls, {k: v for k, v in data.items() if k != "type"})
    if isinstance(data, list):
        return tuple(_from_node(v) for v in data)
    return data


def _build(cls: type, data: dict[str, Any]) -> Any:
    return cls(**{k: _from_node(v) for k, v in data.items()})

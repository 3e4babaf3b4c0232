"""Where each input's output goes: names mirrored from the inputs, collisions resolved.

``plan_outputs`` gives every input file a ``PlannedInput``: its output file (a page) or output
folder (a JSONL/WARC file, one file per document named by its index), and the key naming its
resume marker. Two inputs that would share a name both keep their full name; names are
compared case-insensitively, since outputs may land on a case-insensitive disk, so names
that still differ only in case (``A.html`` and ``a.html``) each get a short tag made from
their input name (``A.html-3f2a91c0.md``): every input is converted, and its name is the
same in every run.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from pagewash.batch.settings import RESERVED_NAMES
from pagewash.batch.sources import InputFile, SourceDocument
from pagewash.errors import UsageError
from pagewash.output import printable_path

SUFFIXES = {
    "latex": "tex",
    "markdown": "md",
    "gfm": "md",
    "plain": "txt",
    "epub3": "epub",
    "html5": "html",
    "asciidoc": "adoc",
}
CONTAINER_SUFFIXES = (".warc.gz", ".warc", ".jsonl.gz", ".jsonl", ".ndjson.gz", ".ndjson")


@dataclass(frozen=True, slots=True)
class PlannedInput:
    """One input file and where its output goes (relative to the output folder).

    ``target`` is the output file for a page, the output folder for a JSONL/WARC file.
    """

    number: int
    source: InputFile
    target: PurePosixPath
    key: str


def output_suffix(to: str) -> str:
    return SUFFIXES.get(to, to)


def plan_outputs(files: Sequence[InputFile], suffix: str) -> list[PlannedInput]:
    """Output names for every input; colliding names fall back to the full input name, and
    full names equal but for case get a tag from the input name.

    Raises ``UsageError`` if names still collide (the job would overwrite its own outputs).
    """
    natural = {f.rel: _natural_target(f, suffix) for f in files}
    folders = Counter(_fold(a) for target in natural.values() for a in _ancestors(target))
    groups: dict[str, list[InputFile]] = {}
    for f in files:
        groups.setdefault(_fold(natural[f.rel]), []).append(f)
    targets: dict[PurePosixPath, PurePosixPath] = {}
    for f in files:
        target = natural[f.rel]
        clash = len(groups[_fold(target)]) > 1 or _fold(target.parts[0]) in RESERVED_NAMES
        if f.is_container:
            clash = clash or folders[_fold(target)] > 0
        targets[f.rel] = _full_target(f, suffix) if clash else target
    _tag_case_twins(files, targets)
    _refuse_collisions(files, targets)
    return [PlannedInput(i, f, targets[f.rel], _unit_key(f)) for i, f in enumerate(files)]


def _natural_target(source: InputFile, suffix: str) -> PurePosixPath:
    name = source.rel.name
    lowered = name.lower()
    if source.is_container:
        for container_suffix in CONTAINER_SUFFIXES:
            if lowered.endswith(container_suffix):
                return source.rel.with_name(name[: -len(container_suffix)] or name)
    if lowered.endswith(".gz"):
        name = name[:-3]
    stem = PurePosixPath(name).stem or name
    return source.rel.with_name(f"{stem}.{suffix}")


def _full_target(source: InputFile, suffix: str) -> PurePosixPath:
    if source.is_container:
        return source.rel
    return source.rel.with_name(f"{source.rel.name}.{suffix}")


def _tag_case_twins(files: Sequence[InputFile], targets: dict[PurePosixPath, PurePosixPath]) -> None:
    """Targets that still fold to one name each get the tag of their input's name."""
    groups: dict[str, list[InputFile]] = {}
    for f in files:
        groups.setdefault(_fold(targets[f.rel]), []).append(f)
    for group in groups.values():
        if len(group) > 1:
            for f in group:
                targets[f.rel] = _tagged(targets[f.rel], f)


def _tagged(target: PurePosixPath, source: InputFile) -> PurePosixPath:
    tag = _unit_key(source)[:8]
    if source.is_container:
        return target.with_name(f"{target.name}-{tag}")
    stem, dot, suffix = target.name.rpartition(".")
    name = f"{stem}-{tag}.{suffix}" if dot else f"{target.name}-{tag}"
    return target.with_name(name)


def _ancestors(path: PurePosixPath) -> list[PurePosixPath]:
    return [p for p in path.parents if str(p) != "."]


def _refuse_collisions(files: Sequence[InputFile], targets: dict[PurePosixPath, PurePosixPath]) -> None:
    seen: dict[str, PurePosixPath] = {}
    for f in files:
        key = _fold(targets[f.rel])
        if key in seen or _fold(targets[f.rel].parts[0]) in RESERVED_NAMES:
            other = seen.get(key)
            raise UsageError(
                f"inputs {printable_path(str(other))} and {printable_path(str(f.rel))} "
                f"would both be written to {printable_path(str(targets[f.rel]))}; "
                "rename one or convert them separately"
            )
        seen[key] = f.rel


def _fold(path: PurePosixPath | str) -> str:
    """Names compared case-insensitively: outputs may land on a case-insensitive disk."""
    return str(path).casefold()


def _unit_key(source: InputFile) -> str:
    """A stable key from the input's name, whatever bytes the name holds (a file name need
    not be UTF-8: its undecodable bytes are kept as surrogate escapes and hashed as bytes)."""
    return hashlib.sha1(os.fsencode(source.rel.as_posix())).hexdigest()[:20]


def record_output(unit: PlannedInput, index: int, suffix: str) -> PurePosixPath:
    """Output name of document ``index`` of a JSONL/WARC input."""
    return unit.target / f"{index:06d}.{suffix}"


def with_default_id(unit: PlannedInput, doc: SourceDocument) -> SourceDocument:
    """Records from page files are named by their path; JSONL records without id by position."""
    if doc.id is not None:
        return doc
    rel = printable_path(unit.source.rel.as_posix())
    return replace(doc, id=f"{rel}#{doc.index}" if unit.source.is_container else rel)

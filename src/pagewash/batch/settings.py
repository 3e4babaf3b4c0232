"""How a batch runs and what it reports: the settings, the summary, the output folder's names.

Kept apart from the machinery so that every engine (the local pool, Ray) and the CLI share
them without importing one another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pagewash.ingest.records import DEFAULT_FIELDS

STATE_DIR = ".pagewash"
ERRORS_FILE = "errors.jsonl"
RECORDS_FILE = "documents.jsonl"
RECORDS_FORMAT = "jsonl"
RESERVED_NAMES = frozenset({STATE_DIR, ERRORS_FILE, RECORDS_FILE})
PROGRESS_INTERVAL = 10.0
SKIPPED_SHOWN = 3
MiB = 1024 * 1024


@dataclass(frozen=True)
class BatchSettings:
    """How a batch runs; the per-document conversion is described by ``Options``.

    ``workers``: processes (None: one per core). ``glob``: filter for files found in folders.
    ``timeout``: seconds one document may take before its worker is killed (None: no limit).
    ``max_memory_mb``: address-space limit per worker (None: physical memory / workers).
    The size limit of one document is ``Options.max_document_mb``: the batch applies it to
    files, JSONL lines and WARC payloads before they reach memory whole.
    ``resume``: skip work a killed run finished. ``quiet``: no progress and no summary line.
    ``follow_symlinks``: convert files that links in input folders lead to outside those
    folders (by default such links are skipped and counted in the summary).
    ``jsonl_fields``: the keys of URL, HTML and id in JSONL input records.
    ``engine``: "local" (process pool) or "ray" (``pagewash.ingest.ray``; ``address`` of the cluster).
    """

    out_dir: Path
    workers: int | None = None
    glob: str | None = None
    timeout: float | None = 60
    max_memory_mb: int | None = None
    resume: bool = False
    quiet: bool = False
    jsonl_fields: tuple[str, str, str] = DEFAULT_FIELDS
    engine: str = "local"
    address: str | None = None
    progress_interval: float = PROGRESS_INTERVAL
    follow_symlinks: bool = False


@dataclass(frozen=True)
class BatchSummary:
    """Counts for the whole job; ``resumed`` of them were finished by an earlier run.

    ``skipped``: links in input folders that lead outside them, not followed (their names
    relative to the inputs, as in ``errors.jsonl``).
    """

    converted: int
    empty: int
    failed: int
    resumed: int
    seconds: float
    out_dir: Path
    skipped: tuple[str, ...] = ()

    @property
    def documents(self) -> int:
        return self.converted + self.empty + self.failed

    @property
    def docs_per_second(self) -> float:
        """Documents handled by this run per wall-clock second."""
        done = self.documents - self.resumed
        return done / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_status(self) -> int:
        """1 if any document failed, else 0 (empty pages are not failures)."""
        return 1 if self.failed else 0

    def line(self) -> str:
        resumed = f" ({self.resumed} from an earlier run)" if self.resumed else ""
        errors = f"; see {self.out_dir / ERRORS_FILE}" if self.failed or self.empty else ""
        return (
            f"pagewash: {self.converted} converted, {self.empty} empty, {self.failed} failed"
            f"{resumed} in {self.seconds:.1f} s, {self.docs_per_second:.1f} documents/s"
            f"{errors}{self._skipped_note()}"
        )

    def _skipped_note(self) -> str:
        if not self.skipped:
            return ""
        count = len(self.skipped)
        names = ", ".join(self.skipped[:SKIPPED_SHOWN]) + (", ..." if count > SKIPPED_SHOWN else "")
        links = "symbolic link" if count == 1 else "symbolic links"
        return (
            f"; {count} {links} leaving the input folder skipped ({names}); --follow-symlinks converts them"
        )


def memory_limit(settings: BatchSettings) -> int | None:
    """Address-space limit per worker: the setting, else physical memory shared by the
    workers (at least 1 GiB)."""
    if settings.max_memory_mb is not None:
        return settings.max_memory_mb * MiB
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return max(physical // worker_count(settings), 1024 * MiB)


def worker_count(settings: BatchSettings) -> int:
    """Worker processes: the setting, else one per core."""
    return settings.workers or os.cpu_count() or 1

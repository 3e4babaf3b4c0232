"""The worker side of a batch: one process converting the documents it is sent, one at a time.

A worker leads a process group of its own (so stopping it stops its pandoc child too), runs
under an address-space limit, and reports every document as a ``Result``; a document that
fails is a result, never an exception that ends the worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from pagewash.batch.settings import MiB
from pagewash.batch.sources import SourceDocument
from pagewash.errors import InputError, TooLargeError
from pagewash.ingest.records import Stages, clean_record, describe_error, error_entry, error_record
from pagewash.output import atomic_write
from pagewash.pipeline import Options


@dataclass(frozen=True, slots=True)
class Task:
    """One document sent to a worker; ``output`` None means: return a record line."""

    unit: int
    index: int
    path: str | None
    doc: SourceDocument
    output: str | None


@dataclass(frozen=True, slots=True)
class Result:
    """What a worker reports for one document (also built by the parent for lost ones)."""

    unit: int
    index: int
    status: str
    problem: dict[str, str] | None = None
    line: str | None = None
    pid: int = 0
    max_rss_kb: int = 0
    cpu_seconds: float = 0.0
    rss_kb: int = 0


@dataclass(frozen=True)
class WorkerConfig:
    stages: Stages
    options: Options
    tmp_dir: str
    max_document_bytes: int | None
    memory_limit_bytes: int | None


def worker_main(conn: Connection, config: WorkerConfig) -> None:
    """Convert documents until told to stop; the parent owns interrupts and restarts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "setsid"):
        with contextlib.suppress(OSError):
            os.setsid()  # a group of its own: stopping it stops its pandoc child too
    _limit_address_space(config.memory_limit_bytes)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = _convert(task, config)
        conn.send(result)
        if result.problem is not None and result.problem["type"] == "MemoryError":
            return  # the heap may be damaged: let the parent start a fresh worker


def _limit_address_space(limit: int | None) -> None:
    if limit is None:
        return
    try:
        import resource
    except ImportError:  # not on this platform: the parent's timeout still guards
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _convert(task: Task, config: WorkerConfig) -> Result:
    doc = task.doc
    status, problem, line = "ok", None, None
    try:
        if doc.data is None:
            path = Path(task.path or "")
            _check_file_size(path, config.max_document_bytes)
            data = _read_page(path)
        else:
            data = doc.data
        _check_size(data, config.max_document_bytes)
        options = replace(config.options, url=doc.url or config.options.url,
                          content_type=doc.content_type or config.options.content_type)
        if task.output is None:
            status, problem, line = _to_record(data, doc, options, config)
        else:
            status, problem = _to_file(data, Path(task.output), options, config)
    except Exception as exc:  # reported in the result, the job goes on
        status, problem = "error", describe_error(exc)
        if task.output is None:
            line = json.dumps(error_record(doc.id or "", doc.url, problem), ensure_ascii=False)
    return Result(task.unit, task.index, status, problem, line, os.getpid(), _max_rss_kb(),
                  time.process_time(), _rss_kb())


def _to_file(data: bytes | str, output: Path, options: Options,
             config: WorkerConfig) -> tuple[str, dict[str, str] | None]:
    document = config.stages.clean(data, options)
    if document.is_empty:
        return "empty", error_entry("extract", "NoContent", document.reason or "no main content")
    atomic_write(output, config.stages.render(document, options), Path(config.tmp_dir))
    return "ok", None


def _to_record(data: bytes | str, doc: SourceDocument, options: Options,
               config: WorkerConfig) -> tuple[str, dict[str, str] | None, str]:
    record = clean_record({"url": doc.url, "html": data, "id": doc.id, "date": doc.date,
                           "content_type": doc.content_type}, options, stages=config.stages)
    problem = record["errors"][0] if record["errors"] else None
    return record["status"], problem, json.dumps(record, ensure_ascii=False)


def _read_page(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc


def _check_file_size(path: Path, limit: int | None) -> None:
    """Refuse an oversized page file before reading it into memory."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # reading it reports the reason
    _refuse_large(size, limit)


def _check_size(data: bytes | str, limit: int | None) -> None:
    _refuse_large(len(data), limit)


def _refuse_large(size: int, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise TooLargeError(f"the page is {size / MiB:.1f} MB, above the {limit / MiB:g} MB "
                            "limit (max_document_mb); raise it to convert such pages")


def _max_rss_kb() -> int:
    try:
        import resource
    except ImportError:
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _rss_kb() -> int:
    """Resident memory now (Linux ``/proc``); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024

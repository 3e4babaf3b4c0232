"""The worker side of a batch: one process converting the documents it is sent, one at a time.

A worker leads a process group of its own (so stopping it stops its pandoc child too), runs
under an address-space limit, says ``READY`` once it is set up (so the parent can tell a
worker that cannot start from a document that kills its worker), and reports every document
as a ``Result``; a document that fails is a result, never an exception that ends the worker.
A thread watches the parent: when the parent is gone (killed, say), the worker stops itself
and its children at once instead of finishing a page nobody will collect.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath

from pagewash.batch.sources import SourceDocument
from pagewash.bounded import decompressed, read_page_file
from pagewash.ingest.records import Stages, clean_record, describe_error, error_entry, error_record
from pagewash.options import Options
from pagewash.output import json_line, write_within

READY = "ready"


@dataclass(frozen=True, slots=True)
class Task:
    """One document sent to a worker; ``output`` (relative to the output folder) None means:
    return a record line."""

    unit: int
    index: int
    path: str | None
    doc: SourceDocument
    output: str | None


@dataclass(frozen=True, slots=True)
class Result:
    """What a worker reports for one document (also built by the parent for lost ones).

    ``last``: the worker exits after this result (its heap may be damaged), so the parent
    gives the next document to a fresh worker.
    """

    unit: int
    index: int
    status: str
    problem: dict[str, str] | None = None
    line: str | None = None
    pid: int = 0
    max_rss_kb: int = 0
    cpu_seconds: float = 0.0
    rss_kb: int = 0
    last: bool = False


@dataclass(frozen=True)
class WorkerConfig:
    stages: Stages
    options: Options
    out_dir: str
    tmp_dir: str
    max_document_bytes: int | None
    memory_limit_bytes: int | None


def worker_main(conn: Connection, lifeline: Connection, config: WorkerConfig) -> None:
    """Convert documents until told to stop; the parent owns interrupts and restarts.

    ``lifeline`` is a pipe the parent never writes to: it reads end-of-file when the parent
    is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "setsid"):
        with contextlib.suppress(OSError):
            os.setsid()  # a group of its own: stopping it stops its pandoc child too
    threading.Thread(
        target=_watch_parent, args=(lifeline,), name="pagewash-parent-watch", daemon=True
    ).start()
    _limit_address_space(config.memory_limit_bytes)
    conn.send(READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        result = _convert(task, config)
        last = result.problem is not None and result.problem["type"] == "MemoryError"
        conn.send(replace(result, last=True) if last else result)
        if last:
            return  # the heap may be damaged: the parent starts a fresh worker


def _watch_parent(lifeline: Connection) -> None:
    """Block until the parent's end of ``lifeline`` closes, then stop this worker's group."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()  # the parent never writes: this returns at its end of file
    if hasattr(os, "killpg") and os.getpgid(0) == os.getpid():
        with contextlib.suppress(OSError):
            os.killpg(os.getpid(), signal.SIGKILL)  # this worker and its pandoc
    os._exit(1)


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
        limit = config.max_document_bytes
        if doc.data is None:
            data: bytes | str = read_page_file(task.path or "", limit)
        elif isinstance(doc.data, bytes):
            data = decompressed(doc.data, limit)
        else:
            data = doc.data
        options = replace(
            config.options,
            url=doc.url or config.options.url,
            content_type=doc.content_type or config.options.content_type,
        )
        if task.output is None:
            status, problem, line = _to_record(data, doc, options, config)
        else:
            status, problem = _to_file(data, PurePosixPath(task.output), options, config)
    except Exception as exc:  # reported in the result, the job goes on
        status, problem = "error", describe_error(exc)
        if task.output is None:
            line = json_line(error_record(doc.id or "", doc.url, problem))
    return Result(
        task.unit,
        task.index,
        status,
        problem,
        line,
        os.getpid(),
        _max_rss_kb(),
        time.process_time(),
        _rss_kb(),
    )


def _to_file(
    data: bytes | str, output: PurePosixPath, options: Options, config: WorkerConfig
) -> tuple[str, dict[str, str] | None]:
    document = config.stages.clean(data, options)
    if document.is_empty:
        return "empty", error_entry("extract", "NoContent", document.reason or "no main content")
    write_within(Path(config.out_dir), output, config.stages.render(document, options), Path(config.tmp_dir))
    return "ok", None


def _to_record(
    data: bytes | str, doc: SourceDocument, options: Options, config: WorkerConfig
) -> tuple[str, dict[str, str] | None, str]:
    record = clean_record(
        {"url": doc.url, "html": data, "id": doc.id, "date": doc.date, "content_type": doc.content_type},
        options,
        stages=config.stages,
    )
    problem = record["errors"][0] if record["errors"] else None
    return record["status"], problem, json_line(record)


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

"""Batch conversion: many inputs to an output folder, in parallel, with nothing lost.

``run_batch`` expands the inputs (files, folders, JSONL, WARC; see ``sources``), streams
their documents to a pool of worker processes (one per core by default) one document at a
time, so one huge JSONL or WARC file is spread over every worker, and writes:

- page outputs mirroring the input tree (``a/b.html`` -> ``a/b.md``); the documents of a
  JSONL or WARC file go to a folder named after it, one file per document named by its
  index (``crawl.warc.gz`` -> ``crawl/000000.md``). When two inputs would get the same name
  (``a.html`` and ``a.htm``), both keep their full name (``a.html.md``, ``a.htm.md``);
- with ``to="jsonl"``, one ``documents.jsonl`` holding one record per document (the
  ``records`` schema, status ok/empty/error), in input order;
- ``errors.jsonl``: one line per document that failed *or was empty*, in input order, with
  ``input``, ``record`` (document index in the input file), ``offset`` (byte offset of the
  JSONL line or WARC record), ``url``, ``id``, ``status`` (``error`` or ``empty``),
  ``stage``, ``type`` and ``message``. Empty pages are listed with stage ``extract`` and type
  ``NoContent``; they are counted as empty, not failed, and do not change the exit status;
- ``.pagewash/``: the resume state (``job.json``, a ``done/<key>.json`` marker per finished
  JSONL/WARC file and per page file that failed or was empty; a converted page file's output
  is its own marker; temporary files). Nothing else is written in the output folder.

Every file is written to ``.pagewash/tmp`` and moved into place with ``os.replace``, so a
killed job never leaves a half-written output. With ``resume=True`` input files with a valid
marker are skipped, and in files not finished, documents whose output exists are skipped; the
finished folder is the same as an uninterrupted run's.

A worker that exceeds ``timeout`` on one document is killed and replaced; a worker that dies
(segfault, out of memory) is replaced; either way only that document becomes an error.
Each worker runs under an address-space limit (``max_memory_mb``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from pagewash.errors import InputError, PagewashError, TooLargeError, UsageError
from pagewash.output import atomic_write
from pagewash.pipeline import Options
from pagewash.records import (
    DEFAULT_FIELDS,
    PIPELINE,
    Stages,
    clean_record,
    describe_error,
    error_entry,
    error_record,
)
from pagewash.sources import HTML, InputFile, SourceDocument, expand_inputs, iter_documents

STATE_DIR = ".pagewash"
ERRORS_FILE = "errors.jsonl"
RECORDS_FILE = "documents.jsonl"
RECORDS_FORMAT = "jsonl"
RESERVED_NAMES = frozenset({STATE_DIR, ERRORS_FILE, RECORDS_FILE})
SUFFIXES = {"latex": "tex", "markdown": "md", "gfm": "md", "plain": "txt", "epub3": "epub",
            "html5": "html", "asciidoc": "adoc"}
CONTAINER_SUFFIXES = (".warc.gz", ".warc", ".jsonl.gz", ".jsonl", ".ndjson.gz", ".ndjson")
PROGRESS_INTERVAL = 10.0
SHUTDOWN_GRACE = 5.0
MiB = 1024 * 1024


@dataclass(frozen=True)
class BatchSettings:
    """How a batch runs; the per-document conversion is described by ``Options``.

    ``workers``: processes (None: one per core). ``glob``: filter for files found in folders.
    ``timeout``: seconds one document may take before its worker is killed (None: no limit).
    ``max_memory_mb``: address-space limit per worker (None: physical memory / workers).
    ``max_document_mb``: larger pages are refused as ``TooLarge`` before parsing (None: no
    limit; 20 MB follows trafilatura's default, pages above it are data dumps in practice).
    ``resume``: skip work a killed run finished. ``quiet``: no progress and no summary line.
    ``jsonl_fields``: the keys of URL, HTML and id in JSONL input records.
    ``engine``: "local" (process pool) or "ray" (``pagewash.ray``; ``address`` of the cluster).
    """

    out_dir: Path
    workers: int | None = None
    glob: str | None = None
    timeout: float | None = 60
    max_memory_mb: int | None = None
    max_document_mb: float | None = 20
    resume: bool = False
    quiet: bool = False
    jsonl_fields: tuple[str, str, str] = DEFAULT_FIELDS
    engine: str = "local"
    address: str | None = None
    progress_interval: float = PROGRESS_INTERVAL


@dataclass(frozen=True)
class BatchSummary:
    """Counts for the whole job; ``resumed`` of them were finished by an earlier run."""

    converted: int
    empty: int
    failed: int
    resumed: int
    seconds: float
    out_dir: Path

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
        return (f"pagewash: {self.converted} converted, {self.empty} empty, {self.failed} failed"
                f"{resumed} in {self.seconds:.1f} s, {self.docs_per_second:.1f} documents/s"
                f"{errors}")


@dataclass(frozen=True, slots=True)
class Unit:
    """One input file and where its output goes (relative to the output folder).

    ``target`` is the output file for a page, the output folder for a JSONL/WARC file.
    """

    number: int
    source: InputFile
    target: PurePosixPath
    key: str


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
class _WorkerConfig:
    stages: Stages
    options: Options
    tmp_dir: str
    max_document_bytes: int | None
    memory_limit_bytes: int | None


def run_batch(inputs: Sequence[Path], options: Options, settings: BatchSettings, *,
              stages: Stages = PIPELINE,
              observer: Callable[[Result], None] | None = None) -> BatchSummary:
    """Convert every document of ``inputs`` into ``settings.out_dir``; see the module doc.

    ``options.to`` is the output format (``jsonl`` for one record file). ``stages`` replaces
    the per-document functions (tests); ``observer`` sees every worker result (benchmarks).
    Raises ``InputError``/``UsageError`` before any work for missing inputs or bad settings;
    never for a bad document. Workers start with the forkserver method, so a script calling
    this needs the usual ``if __name__ == "__main__":`` guard.
    """
    if settings.engine == "ray":
        from pagewash.ray import run_batch as run_on_ray

        return run_on_ray(inputs, options, settings, stages=stages)
    if settings.engine != "local":
        raise UsageError(f"unknown engine {settings.engine!r}; use 'local' or 'ray'")
    if settings.workers is not None and settings.workers < 1:
        raise UsageError("workers must be at least 1")
    out_dir = Path(settings.out_dir)
    files = expand_inputs(inputs, settings.glob, exclude=out_dir)
    record_mode = options.to == RECORDS_FORMAT
    units = plan_outputs(files, output_suffix(options.to))
    job = _Job(units, options, settings, out_dir, record_mode, observer)
    return job.run(stages)


def output_suffix(to: str) -> str:
    return SUFFIXES.get(to, to)


# ---------------------------------------------------------------- output names


def plan_outputs(files: Sequence[InputFile], suffix: str) -> list[Unit]:
    """Output names for every input; colliding names fall back to the full input name.

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
    _refuse_collisions(files, targets)
    return [Unit(i, f, targets[f.rel], _unit_key(f)) for i, f in enumerate(files)]


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


def _ancestors(path: PurePosixPath) -> list[PurePosixPath]:
    return [p for p in path.parents if str(p) != "."]


def _refuse_collisions(files: Sequence[InputFile],
                       targets: dict[PurePosixPath, PurePosixPath]) -> None:
    seen: dict[str, PurePosixPath] = {}
    for f in files:
        key = _fold(targets[f.rel])
        if key in seen or _fold(targets[f.rel].parts[0]) in RESERVED_NAMES:
            other = seen.get(key)
            raise UsageError(f"inputs {other} and {f.rel} would both be written to "
                             f"{targets[f.rel]}; rename one or convert them separately")
        seen[key] = f.rel


def _fold(path: PurePosixPath | str) -> str:
    """Names compared case-insensitively: outputs may land on a case-insensitive disk."""
    return str(path).casefold()


def _unit_key(source: InputFile) -> str:
    return hashlib.sha1(source.rel.as_posix().encode("utf-8")).hexdigest()[:20]


def record_output(unit: Unit, index: int, suffix: str) -> PurePosixPath:
    """Output name of document ``index`` of a JSONL/WARC input."""
    return unit.target / f"{index:06d}.{suffix}"


# ---------------------------------------------------------------- the job (parent side)


@dataclass
class _UnitState:
    unit: Unit
    seen: int = 0
    done: int = 0
    exhausted: bool = False
    converted: int = 0
    empty: int = 0
    failed: int = 0
    problems: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict)
    next_line: int = 0
    part: TextIO | None = None


class _Job:
    """Bookkeeping of one run: unit states, markers, error log, progress, final files."""

    def __init__(self, units: list[Unit], options: Options, settings: BatchSettings,
                 out_dir: Path, record_mode: bool,
                 observer: Callable[[Result], None] | None) -> None:
        self.units = units
        self.options = options
        self.settings = settings
        self.out_dir = out_dir
        self.record_mode = record_mode
        self.observer = observer
        self.suffix = output_suffix(options.to)
        self.state_dir = out_dir / STATE_DIR
        self.tmp_dir = self.state_dir / "tmp"
        self.states: dict[int, _UnitState] = {}
        self.totals = {"ok": 0, "empty": 0, "error": 0}
        self.resumed = 0
        self.error_log: TextIO | None = None
        self.progress: _Progress | None = None

    # -- run

    def run(self, stages: Stages) -> BatchSummary:
        started = time.monotonic()
        self._prepare_state()
        pages = sum(1 for u in self.units if not u.source.is_container)
        total = pages if pages == len(self.units) else None
        self.progress = _Progress(total, self.settings.quiet, self.settings.progress_interval)
        self.error_log = open(self.out_dir / ERRORS_FILE, "w", encoding="utf-8")  # noqa: SIM115
        try:
            _Pool(self, stages).run(self._tasks())
        finally:
            self.error_log.close()
            self.progress.close()
        self._finish_files()
        summary = BatchSummary(self.totals["ok"], self.totals["empty"], self.totals["error"],
                               self.resumed, time.monotonic() - started, self.out_dir)
        if not self.settings.quiet:
            print(summary.line(), file=sys.stderr)
        return summary

    def worker_config(self, stages: Stages) -> _WorkerConfig:
        limit = self.settings.max_document_mb
        return _WorkerConfig(stages, self.options, str(self.tmp_dir),
                             None if limit is None else int(limit * MiB),
                             _memory_limit(self.settings))

    def _prepare_state(self) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fingerprint = self._fingerprint()
        job_file = self.state_dir / "job.json"
        if self.settings.resume and job_file.exists():
            if _read_json(job_file) != fingerprint:
                raise UsageError(f"{self.out_dir} holds a job run with other options or format; "
                                 "use a new output folder or run without resume")
        elif self.state_dir.exists():
            shutil.rmtree(self.state_dir)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)
        for sub in ("done", "parts", "tmp"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
        atomic_write(job_file, json.dumps(fingerprint, sort_keys=True) + "\n", self.tmp_dir)

    def _fingerprint(self) -> dict[str, Any]:
        options = replace(self.options, url=None)
        return {"format": self.options.to, "options": repr(options),
                "jsonl_fields": list(self.settings.jsonl_fields),
                "max_document_mb": self.settings.max_document_mb}

    # -- task stream

    def _tasks(self) -> Iterator[Task]:
        for unit in self.units:
            if self.settings.resume and self._restore(unit):
                continue
            state = self.states[unit.number] = _UnitState(unit)
            for doc in iter_documents(unit.source, self.settings.jsonl_fields):
                state.seen += 1
                task = self._task_for(unit, doc)
                if task is not None:
                    yield task
            state.exhausted = True
            self._maybe_complete(state)

    def _task_for(self, unit: Unit, doc: SourceDocument) -> Task | None:
        """A task for a worker, or None when the document is settled here (unreadable/done)."""
        doc = with_default_id(unit, doc)
        if doc.problem is not None:
            problem = error_entry("load", *doc.problem)
            self.finish(Result(unit.number, doc.index, "error", problem,
                               self.error_line(doc, problem)), doc)
            return None
        output = None
        if not self.record_mode:
            rel = unit.target if not unit.source.is_container else record_output(
                unit, doc.index, self.suffix)
            output = self.out_dir / rel
            if self.settings.resume and output.exists():
                self.resumed += 1
                self.finish(Result(unit.number, doc.index, "ok"), doc)
                return None
        path = str(unit.source.path) if unit.source.kind == HTML else None
        return Task(unit.number, doc.index, path, doc, None if output is None else str(output))

    def error_line(self, doc: SourceDocument, problem: dict[str, str]) -> str | None:
        """The error record for ``documents.jsonl`` (record mode only)."""
        if not self.record_mode:
            return None
        return json.dumps(error_record(doc.id or "", doc.url, problem), ensure_ascii=False)

    # -- results

    def finish(self, result: Result, doc: SourceDocument) -> None:
        state = self.states[result.unit]
        state.done += 1
        self.totals[result.status] += 1
        if result.status == "ok":
            state.converted += 1
        elif result.status == "empty":
            state.empty += 1
        else:
            state.failed += 1
        if result.problem is not None:
            self._log_problem(state, result, doc)
        if result.line is not None:
            self._add_line(state, result.index, result.line)
        if self.observer is not None and result.pid:
            self.observer(result)
        if self.progress is not None:
            self.progress.update(result.status)
        self._maybe_complete(state)

    def _log_problem(self, state: _UnitState, result: Result, doc: SourceDocument) -> None:
        problem = result.problem or {}
        entry = {"input": state.unit.source.rel.as_posix(), "record": doc.index
                 if state.unit.source.is_container else None, "offset": doc.offset,
                 "url": doc.url, "id": doc.id,
                 "status": "empty" if result.status == "empty" else "error", **problem}
        state.problems.append((doc.index, entry))
        if self.error_log is not None:
            self.error_log.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.error_log.flush()

    def _add_line(self, state: _UnitState, index: int, line: str) -> None:
        state.lines[index] = line
        if state.part is None:
            path = self.state_dir / "parts" / f"{state.unit.key}.jsonl.tmp"
            state.part = open(path, "w", encoding="utf-8")  # noqa: SIM115
        while state.next_line in state.lines:
            state.part.write(state.lines.pop(state.next_line) + "\n")
            state.next_line += 1

    def _maybe_complete(self, state: _UnitState) -> None:
        if not state.exhausted or state.done < state.seen:
            return
        parts = self.state_dir / "parts"
        if self.record_mode:
            if state.part is not None:
                state.part.close()
                os.replace(parts / f"{state.unit.key}.jsonl.tmp", parts / f"{state.unit.key}.jsonl")
            else:
                (parts / f"{state.unit.key}.jsonl").write_text("", encoding="utf-8")
        del self.states[state.unit.number]
        if not (self.record_mode or state.unit.source.is_container or state.problems):
            return  # a converted page file: its output is its marker
        marker = {"input": state.unit.source.rel.as_posix(), **_stat(state.unit.source.path),
                  "converted": state.converted, "empty": state.empty, "failed": state.failed,
                  "problems": [entry for _, entry in sorted(state.problems,
                                                              key=lambda p: p[0])]}
        atomic_write(self._marker(state.unit), json.dumps(marker, ensure_ascii=False) + "\n",
                     self.tmp_dir)

    def _marker(self, unit: Unit) -> Path:
        return self.state_dir / "done" / f"{unit.key}.json"

    def _restore(self, unit: Unit) -> bool:
        """Count a unit finished by an earlier run; False when it must be (re)done."""
        marker = self._marker(unit)
        if not marker.exists():
            return False
        data = _read_json(marker)
        if not isinstance(data, dict) or {k: data.get(k) for k in ("size", "mtime_ns")} != _stat(
                unit.source.path):
            return False
        if self.record_mode and not (self.state_dir / "parts" / f"{unit.key}.jsonl").exists():
            return False
        counts = {"ok": data["converted"], "empty": data["empty"], "error": data["failed"]}
        for status, count in counts.items():
            self.totals[status] += count
        self.resumed += sum(counts.values())
        if self.progress is not None:
            self.progress.skip(sum(counts.values()))
        return True

    # -- final files

    def _finish_files(self) -> None:
        """errors.jsonl (and documents.jsonl) rebuilt in input order from the markers."""
        errors = self.tmp_dir / ERRORS_FILE
        with open(errors, "w", encoding="utf-8") as handle:
            for unit in self.units:
                for entry in _read_json(self._marker(unit)).get("problems", []):
                    handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        os.replace(errors, self.out_dir / ERRORS_FILE)
        if self.record_mode:
            records = self.tmp_dir / RECORDS_FILE
            parts = self.state_dir / "parts"
            with open(records, "wb") as handle:
                for unit in self.units:
                    with open(parts / f"{unit.key}.jsonl", "rb") as part:
                        shutil.copyfileobj(part, handle)
            os.replace(records, self.out_dir / RECORDS_FILE)
            shutil.rmtree(parts)
            parts.mkdir()
        shutil.rmtree(self.tmp_dir, ignore_errors=True)


def with_default_id(unit: Unit, doc: SourceDocument) -> SourceDocument:
    """Records from page files are named by their path; JSONL records without id by position."""
    if doc.id is not None:
        return doc
    rel = unit.source.rel.as_posix()
    return replace(doc, id=f"{rel}#{doc.index}" if unit.source.is_container else rel)


def _stat(path: Path) -> dict[str, int]:
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _memory_limit(settings: BatchSettings) -> int | None:
    if settings.max_memory_mb is not None:
        return settings.max_memory_mb * MiB
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return max(physical // _worker_count(settings), 1024 * MiB)


def _worker_count(settings: BatchSettings) -> int:
    return settings.workers or os.cpu_count() or 1


# ---------------------------------------------------------------- the pool


class _Worker:
    """One worker process, its pipe, and the task it is on (None when idle)."""

    def __init__(self, context: Any, config: _WorkerConfig) -> None:
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child_end, config), daemon=True)
        self.process.start()
        child_end.close()
        self.conn: Connection = parent_end
        self.task: Task | None = None
        self.started = 0.0

    def send(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def kill(self) -> None:
        """Stop the worker and whatever it started (its warm pandoc): it leads a process
        group of its own, so a worker stopped mid-conversion leaves no child behind."""
        _kill_group(self.process.pid)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(SHUTDOWN_GRACE)
        self.conn.close()


def _kill_group(pid: int | None) -> None:
    """SIGKILL the process group the worker ``pid`` made with setsid, and so whatever is left
    of it (its pandoc child, even after the worker itself died and was reaped: a group id is
    not given to a new process while the group has members). No such group: nothing to do.
    """
    if pid is None or not hasattr(os, "killpg"):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class _Pool:
    """Feeds one task at a time to each worker; kills the slow, replaces the dead."""

    def __init__(self, job: _Job, stages: Stages) -> None:
        self.job = job
        self.config = job.worker_config(stages)
        self.context = _context(stages)
        self.timeout = job.settings.timeout
        self.size = _worker_count(job.settings)
        self.workers: list[_Worker] = []
        self.results = 0
        self.deaths_in_row = 0

    def run(self, tasks: Iterator[Task]) -> None:
        self.workers = [_Worker(self.context, self.config) for _ in range(self.size)]
        try:
            self._loop(tasks)
        finally:
            self._shutdown()

    def _loop(self, tasks: Iterator[Task]) -> None:
        exhausted = False
        while True:
            for slot, worker in enumerate(self.workers):
                if worker.task is None and not exhausted:
                    task = next(tasks, None)
                    if task is None:
                        exhausted = True
                    else:
                        self._assign(slot, task)
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                return
            handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(wait(handles, timeout=self._wait_time(busy)))
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    self._collect(worker)
            self._kill_overdue()

    def _assign(self, slot: int, task: Task) -> None:
        worker = self.workers[slot]
        if not worker.process.is_alive():
            worker.kill()
            worker = self.workers[slot] = _Worker(self.context, self.config)
        try:
            worker.send(task)
        except (BrokenPipeError, OSError):
            self._lose(slot, "the worker process could not take the document")

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        if self.timeout is None:
            return None
        now = time.monotonic()
        return max(0.0, min(w.started + self.timeout for w in busy) - now) + 0.01

    def _collect(self, worker: _Worker) -> None:
        task = worker.task
        if task is None:
            return
        try:
            if worker.conn.poll():
                result: Result = worker.conn.recv()
                worker.task = None
                self.results += 1
                self.deaths_in_row = 0
                self.job.finish(result, task.doc)
                return
        except (EOFError, OSError):
            wait([worker.process.sentinel], SHUTDOWN_GRACE)  # its pipe closed: it is exiting
        if wait([worker.process.sentinel], 0):
            _kill_group(worker.process.pid)  # it exited: stop its children before reaping
            worker.process.join(SHUTDOWN_GRACE)
        if not worker.process.is_alive():
            worker.process.join(SHUTDOWN_GRACE)
            self._lose(self.workers.index(worker), _death_message(worker.process.exitcode))

    def _kill_overdue(self) -> None:
        if self.timeout is None:
            return
        now = time.monotonic()
        for slot, worker in enumerate(self.workers):
            if worker.task is not None and now - worker.started > self.timeout:
                self._lose(slot, f"the document took longer than {self.timeout:g} s; its "
                                 "worker was stopped (raise timeout if such pages are wanted)",
                           "Timeout")

    def _lose(self, slot: int, message: str, error_type: str = "WorkerDied") -> None:
        """Record the worker's document as failed and put a fresh worker in its place."""
        self.deaths_in_row += 1
        if not self.results and self.deaths_in_row >= 3 * self.size:
            raise PagewashError("worker processes die before converting anything; run with "
                                "workers=1 and look at the error they print")
        worker = self.workers[slot]
        task = worker.task
        worker.task = None
        worker.kill()
        self.workers[slot] = _Worker(self.context, self.config)
        if task is not None:
            problem = error_entry("pipeline", error_type, message)
            self.job.finish(Result(task.unit, task.index, "error", problem,
                                   self.job.error_line(task.doc, problem)), task.doc)

    def _shutdown(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        how = f"was killed by {name}"
    else:
        how = f"exited with status {exitcode}"
    return (f"the worker process {how} while converting this document (out of memory or a "
            "crash in a parser); only this document is lost")


def _context(stages: Stages) -> Any:
    """forkserver where available: workers start fast and do not inherit the parent's threads."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    preload = ["pagewash.batch", "pagewash.pipeline", "pagewash.load", "pagewash.extract",
               "pagewash.repair", "pagewash.render", stages.clean.__module__,
               stages.render.__module__]
    context.set_forkserver_preload(list(dict.fromkeys(preload)))
    return context


# ---------------------------------------------------------------- the worker (child side)


def _worker_main(conn: Connection, config: _WorkerConfig) -> None:
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


def _convert(task: Task, config: _WorkerConfig) -> Result:
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
             config: _WorkerConfig) -> tuple[str, dict[str, str] | None]:
    document = config.stages.clean(data, options)
    if document.is_empty:
        return "empty", error_entry("extract", "NoContent", document.reason or "no main content")
    atomic_write(output, config.stages.render(document, options), Path(config.tmp_dir))
    return "ok", None


def _to_record(data: bytes | str, doc: SourceDocument, options: Options,
               config: _WorkerConfig) -> tuple[str, dict[str, str] | None, str]:
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


# ---------------------------------------------------------------- progress


class _Progress:
    """A tqdm bar on a terminal; a plain line every ``interval`` seconds otherwise."""

    def __init__(self, total: int | None, quiet: bool, interval: float) -> None:
        self.quiet = quiet
        self.interval = interval
        self.counts = {"ok": 0, "empty": 0, "error": 0}
        self.started = self.last = time.monotonic()
        self.bar: Any = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def update(self, status: str) -> None:
        self.counts[status] += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=self.counts["error"], empty=self.counts["empty"],
                                 refresh=False)
        elif not self.quiet and time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            print(self._line(), file=sys.stderr, flush=True)

    def skip(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def _line(self) -> str:
        done = sum(self.counts.values())
        rate = done / max(time.monotonic() - self.started, 1e-9)
        return (f"pagewash: {done} documents ({self.counts['ok']} converted, "
                f"{self.counts['empty']} empty, {self.counts['error']} failed), {rate:.1f}/s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

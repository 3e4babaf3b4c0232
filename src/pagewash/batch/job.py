"""One run of a batch, parent side: the task stream, results, resume state and final files.

``Job`` walks the planned inputs, streams their documents as tasks to the pool, and settles
each result: counts, the error log, record lines in input order, a resume marker per input
file, and at the end ``errors.jsonl`` (and ``documents.jsonl``) rebuilt in input order.
Every file is written to ``.pagewash/tmp`` and moved into place, so a killed job never
leaves a half-written output; nothing is written or removed through a symbolic link found
in the output folder. The caller holds the folder's lock (``lock.OutputLock``).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from pagewash.batch.lock import LOCK_FILE, real_subfolder, require_real_folder, reset_entry
from pagewash.batch.plan import PlannedInput, output_suffix, record_output, with_default_id
from pagewash.batch.pool import Pool
from pagewash.batch.progress import Progress
from pagewash.batch.settings import (
    ERRORS_FILE,
    RECORDS_FILE,
    STATE_DIR,
    BatchSettings,
    BatchSummary,
    memory_limit,
)
from pagewash.batch.sources import HTML, SourceDocument, iter_documents
from pagewash.batch.worker import Result, Task, WorkerConfig
from pagewash.bounded import megabytes
from pagewash.errors import OutputError, UsageError
from pagewash.ingest.records import Stages, error_entry, error_record
from pagewash.options import Options
from pagewash.output import (
    atomic_write,
    json_line,
    open_no_follow,
    printable_path,
    regular_file_within,
)


@dataclass
class InputState:
    unit: PlannedInput
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


class Job:
    """Bookkeeping of one run: unit states, markers, error log, progress, final files."""

    def __init__(
        self,
        units: list[PlannedInput],
        options: Options,
        settings: BatchSettings,
        out_dir: Path,
        record_mode: bool,
        observer: Callable[[Result], None] | None,
        skipped: tuple[str, ...] = (),
    ) -> None:
        self.units = units
        self.options = options
        self.settings = settings
        self.out_dir = out_dir
        self.record_mode = record_mode
        self.observer = observer
        self.skipped = skipped
        self.max_bytes = megabytes(options.max_document_mb)
        self.suffix = output_suffix(options.to)
        self.state_dir = out_dir / STATE_DIR
        self.tmp_dir = self.state_dir / "tmp"
        self.states: dict[int, InputState] = {}
        self.totals = {"ok": 0, "empty": 0, "error": 0}
        self.resumed = 0
        self.error_log: TextIO | None = None
        self.progress: Progress | None = None

    # -- run

    def run(self, stages: Stages) -> BatchSummary:
        started = time.monotonic()
        self._prepare_state()
        pages = sum(1 for u in self.units if not u.source.is_container)
        total = pages if pages == len(self.units) else None
        self.progress = Progress(total, self.settings.quiet, self.settings.progress_interval)
        self.error_log = open_no_follow(self.out_dir / ERRORS_FILE)
        try:
            Pool(self, stages).run(self._tasks())
        finally:
            self.error_log.close()
            self.progress.close()
        self._finish_files()
        summary = BatchSummary(
            self.totals["ok"],
            self.totals["empty"],
            self.totals["error"],
            self.resumed,
            time.monotonic() - started,
            self.out_dir,
            self.skipped,
        )
        if not self.settings.quiet:
            print(summary.line(), file=sys.stderr)
        return summary

    def worker_config(self, stages: Stages) -> WorkerConfig:
        return WorkerConfig(
            stages,
            self.options,
            str(self.out_dir),
            str(self.tmp_dir),
            self.max_bytes,
            memory_limit(self.settings),
        )

    def _prepare_state(self) -> None:
        """A fresh state folder, or (resume) the earlier run's with its temporary files gone.

        Whatever the folder holds is removed without following links; the lock file stays.
        """
        require_real_folder(self.state_dir, create=True)
        for name in (ERRORS_FILE, RECORDS_FILE) if self.record_mode else (ERRORS_FILE,):
            if (self.out_dir / name).is_dir() and not (self.out_dir / name).is_symlink():
                raise UsageError(
                    f"{printable_path(self.out_dir / name)} is a folder; the job "
                    "writes a file of that name: move it away"
                )
        fingerprint = self._fingerprint()
        job_file = self.state_dir / "job.json"
        if self.settings.resume and _is_regular(job_file):
            if _read_json(job_file) != fingerprint:
                raise UsageError(
                    f"{printable_path(self.out_dir)} holds a job run with other "
                    "options or format; use a new output folder or run without "
                    "resume"
                )
        else:
            for entry in os.listdir(self.state_dir):
                if entry != LOCK_FILE:
                    reset_entry(self.state_dir / entry)
        reset_entry(self.tmp_dir)
        for sub in ("done", "parts", "tmp"):
            real_subfolder(self.state_dir / sub)
        atomic_write(job_file, json.dumps(fingerprint, sort_keys=True) + "\n", self.tmp_dir)

    def _fingerprint(self) -> dict[str, Any]:
        options = replace(self.options, url=None)
        return {
            "format": self.options.to,
            "options": repr(options),
            "jsonl_fields": list(self.settings.jsonl_fields),
        }

    # -- task stream

    def _tasks(self) -> Iterator[Task]:
        for unit in self.units:
            if self.settings.resume and self._restore(unit):
                continue
            state = self.states[unit.number] = InputState(unit)
            for doc in iter_documents(unit.source, self.settings.jsonl_fields, self.max_bytes):
                state.seen += 1
                task = self._task_for(unit, doc)
                if task is not None:
                    yield task
            state.exhausted = True
            self._maybe_complete(state)

    def _task_for(self, unit: PlannedInput, doc: SourceDocument) -> Task | None:
        """A task for a worker, or None when the document is settled here (unreadable/done)."""
        doc = with_default_id(unit, doc)
        if doc.problem is not None:
            problem = error_entry("load", *doc.problem)
            self.finish(Result(unit.number, doc.index, "error", problem, self.error_line(doc, problem)), doc)
            return None
        output: PurePosixPath | None = None
        if not self.record_mode:
            output = (
                unit.target if not unit.source.is_container else record_output(unit, doc.index, self.suffix)
            )
            if self.settings.resume and regular_file_within(self.out_dir, output):
                self.resumed += 1
                self.finish(Result(unit.number, doc.index, "ok"), doc)
                return None
        path = str(unit.source.path) if unit.source.kind == HTML else None
        return Task(unit.number, doc.index, path, doc, None if output is None else str(output))

    def error_line(self, doc: SourceDocument, problem: dict[str, str]) -> str | None:
        """The error record for ``documents.jsonl`` (record mode only)."""
        if not self.record_mode:
            return None
        return json_line(error_record(doc.id or "", doc.url, problem))

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

    def _log_problem(self, state: InputState, result: Result, doc: SourceDocument) -> None:
        problem = result.problem or {}
        entry = {
            "input": printable_path(state.unit.source.rel.as_posix()),
            "record": doc.index if state.unit.source.is_container else None,
            "offset": doc.offset,
            "url": doc.url,
            "id": doc.id,
            "status": "empty" if result.status == "empty" else "error",
            **problem,
        }
        state.problems.append((doc.index, entry))
        if self.error_log is not None:
            self.error_log.write(json_line(entry) + "\n")
            self.error_log.flush()

    def _add_line(self, state: InputState, index: int, line: str) -> None:
        state.lines[index] = line
        if state.part is None:
            path = self.state_dir / "parts" / f"{state.unit.key}.jsonl.tmp"
            state.part = open_no_follow(path)
        while state.next_line in state.lines:
            state.part.write(state.lines.pop(state.next_line) + "\n")
            state.next_line += 1

    def _maybe_complete(self, state: InputState) -> None:
        if not state.exhausted or state.done < state.seen:
            return
        parts = self.state_dir / "parts"
        if self.record_mode:
            if state.part is not None:
                state.part.close()
                os.replace(parts / f"{state.unit.key}.jsonl.tmp", parts / f"{state.unit.key}.jsonl")
            else:
                open_no_follow(parts / f"{state.unit.key}.jsonl").close()
        del self.states[state.unit.number]
        if not (self.record_mode or state.unit.source.is_container or state.problems):
            return  # a converted page file: its output is its marker
        marker = {
            "input": printable_path(state.unit.source.rel.as_posix()),
            **_stat(state.unit.source.path),
            "converted": state.converted,
            "empty": state.empty,
            "failed": state.failed,
            "problems": [entry for _, entry in sorted(state.problems, key=lambda p: p[0])],
        }
        atomic_write(self._marker(state.unit), json_line(marker) + "\n", self.tmp_dir)

    def _marker(self, unit: PlannedInput) -> Path:
        return self.state_dir / "done" / f"{unit.key}.json"

    def _restore(self, unit: PlannedInput) -> bool:
        """Count a unit finished by an earlier run; False when it must be (re)done."""
        data = _read_json(self._marker(unit))
        if not isinstance(data, dict) or {k: data.get(k) for k in ("size", "mtime_ns")} != _stat(
            unit.source.path
        ):
            return False
        if self.record_mode and not _is_regular(self.state_dir / "parts" / f"{unit.key}.jsonl"):
            return False
        if not all(isinstance(data.get(k), int) for k in ("converted", "empty", "failed")):
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
                    handle.write(json_line(entry) + "\n")
        _move_into_place(errors, self.out_dir / ERRORS_FILE)
        if self.record_mode:
            records = self.tmp_dir / RECORDS_FILE
            parts = self.state_dir / "parts"
            with open(records, "wb") as handle:
                for unit in self.units:
                    with _open_part(parts / f"{unit.key}.jsonl") as part:
                        shutil.copyfileobj(part, handle)
            _move_into_place(records, self.out_dir / RECORDS_FILE)
            reset_entry(parts)
            parts.mkdir()
        reset_entry(self.tmp_dir)


def _move_into_place(temp: Path, final: Path) -> None:
    """Rename a finished file into the output folder (a link there is replaced, not followed)."""
    try:
        os.replace(temp, final)
    except OSError as exc:
        raise OutputError(f"cannot write {printable_path(final)} ({exc.strerror})") from exc


def _stat(path: Path) -> dict[str, int]:
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _read_json(path: Path) -> Any:
    """The JSON in a state file; {} when missing, unreadable or a link (never followed)."""
    try:
        with open_no_follow(path, "r") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):
        return {}


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _open_part(path: Path) -> Any:
    return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb")

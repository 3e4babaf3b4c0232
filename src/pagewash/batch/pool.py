"""The parent side of the worker pool: feed one document at a time to each worker, kill the
slow, replace the dead, and hand every result to the job.

A worker says ``READY`` once it is set up. One that exits (or hangs) before that cannot
start: its document goes to another worker, and after ``START_FAILURES`` such workers in a
row the job stops with one reason, since no document would ever be converted. Once a
worker is ready, its death or a timeout is its document's failure alone, however many
there are in a row. A document's time limit counts from the moment its worker is ready.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from pagewash.batch.settings import BatchSettings, worker_count
from pagewash.batch.sources import SourceDocument
from pagewash.batch.worker import READY, Result, Task, WorkerConfig, worker_main
from pagewash.errors import PagewashError
from pagewash.ingest.records import Stages, error_entry

SHUTDOWN_GRACE = 5.0
START_TIMEOUT = 120.0
START_FAILURES = 3


class ResultSink(Protocol):
    """What the pool needs of the job it works for (``job.Job``)."""

    settings: BatchSettings

    def worker_config(self, stages: Stages) -> WorkerConfig: ...

    def finish(self, result: Result, doc: SourceDocument) -> None: ...

    def error_line(self, doc: SourceDocument, problem: dict[str, str]) -> str | None: ...


class _Worker:
    """One worker process, its pipe, and the task it is on (None when idle)."""

    def __init__(self, context: Any, config: WorkerConfig, lifeline: Connection) -> None:
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child_end, lifeline, config), daemon=True)
        try:
            self.process.start()
        except OSError as exc:
            parent_end.close()
            raise PagewashError(
                f"cannot start a worker process ({exc.strerror or exc}); "
                "free some memory or processes, or run with fewer workers"
            ) from exc
        finally:
            child_end.close()
        self.conn: Connection = parent_end
        self.task: Task | None = None
        self.ready = False
        self.spawned = self.started = time.monotonic()

    def send(self, task: Task) -> None:
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def deadline(self, timeout: float | None) -> float | None:
        """When this worker is overdue: starting up, or on its document."""
        if not self.ready:
            return self.spawned + START_TIMEOUT
        if timeout is None or self.task is None:
            return None
        return self.started + timeout

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


class Pool:
    """Feeds one task at a time to each worker; kills the slow, replaces the dead."""

    def __init__(self, job: ResultSink, stages: Stages) -> None:
        self.job = job
        self.config = job.worker_config(stages)
        self.context = _context(stages)
        self.timeout = job.settings.timeout
        self.size = worker_count(job.settings)
        self.workers: list[_Worker] = []
        self.pending: deque[Task] = deque()
        self.start_failures = 0
        # Workers read ``lifeline``; only this process holds ``keep_alive``, the writing end,
        # so they see end-of-file the moment this process is gone.
        self.lifeline, self.keep_alive = self.context.Pipe(duplex=False)

    def run(self, tasks: Iterator[Task]) -> None:
        try:
            self.workers = [self._spawn() for _ in range(self.size)]
            self._loop(tasks)
        finally:
            self._shutdown()

    def _spawn(self) -> _Worker:
        return _Worker(self.context, self.config, self.lifeline)

    def _next_task(self, tasks: Iterator[Task]) -> Task | None:
        return self.pending.popleft() if self.pending else next(tasks, None)

    def _loop(self, tasks: Iterator[Task]) -> None:
        exhausted = False
        while True:
            for slot, worker in enumerate(self.workers):
                if worker.task is None and not (exhausted and not self.pending):
                    task = self._next_task(tasks)
                    if task is None:
                        exhausted = True
                    else:
                        self._assign(slot, task)
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                if exhausted and not self.pending:
                    return
                continue
            handles = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(wait(handles, timeout=self._wait_time(busy)))
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    self._collect(worker)
            self._kill_overdue()

    def _assign(self, slot: int, task: Task) -> None:
        worker = self.workers[slot]
        if not worker.process.is_alive():
            self._replace(slot)
            worker = self.workers[slot]
        try:
            worker.send(task)
        except (BrokenPipeError, OSError):
            self._lose(slot, "the worker process could not take the document")

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        deadlines = [d for w in busy if (d := w.deadline(self.timeout)) is not None]
        if not deadlines:
            return None
        return max(0.0, min(deadlines) - time.monotonic()) + 0.01

    def _collect(self, worker: _Worker) -> None:
        task = worker.task
        if task is None:
            return
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message == READY:
                    worker.ready = True
                    worker.started = time.monotonic()  # the time limit starts now
                    self.start_failures = 0
                    continue
                result: Result = message
                worker.task = None
                self.job.finish(result, task.doc)
                if result.last:
                    self._replace(self.workers.index(worker))
                return
        except (EOFError, OSError):
            wait([worker.process.sentinel], SHUTDOWN_GRACE)  # its pipe closed: it is exiting
        if wait([worker.process.sentinel], 0):
            _kill_group(worker.process.pid)  # it exited: stop its children before reaping
            worker.process.join(SHUTDOWN_GRACE)
        if not worker.process.is_alive():
            worker.process.join(SHUTDOWN_GRACE)
            slot = self.workers.index(worker)
            if worker.ready:
                self._lose(slot, _death_message(worker.process.exitcode))
            else:
                self._failed_start(slot, f"exited with status {worker.process.exitcode}")

    def _kill_overdue(self) -> None:
        now = time.monotonic()
        for slot, worker in enumerate(self.workers):
            deadline = worker.deadline(self.timeout)
            if worker.task is None or deadline is None or now <= deadline:
                continue
            if not worker.ready:
                self._failed_start(slot, f"did not start within {START_TIMEOUT:g} s")
            else:
                self._lose(
                    slot,
                    f"the document took longer than {self.timeout:g} s; its "
                    "worker was stopped (raise timeout if such pages are wanted)",
                    "Timeout",
                )

    def _failed_start(self, slot: int, how: str) -> None:
        """A worker that never became ready: its document waits for another worker."""
        self.start_failures += 1
        task = self.workers[slot].task
        self.workers[slot].task = None
        if task is not None:
            self.pending.appendleft(task)
        if self.start_failures >= START_FAILURES:
            raise PagewashError(
                f"worker processes cannot start: {START_FAILURES} in a row "
                f"{how} before taking a document; run with workers=1 and "
                "look at the error they print"
            )
        self._replace(slot)

    def _replace(self, slot: int) -> None:
        self.workers[slot].kill()
        self.workers[slot] = self._spawn()

    def _lose(self, slot: int, message: str, error_type: str = "WorkerDied") -> None:
        """Record the worker's document as failed and put a fresh worker in its place."""
        worker = self.workers[slot]
        task = worker.task
        worker.task = None
        self._replace(slot)
        if task is not None:
            problem = error_entry("pipeline", error_type, message)
            self.job.finish(
                Result(task.unit, task.index, "error", problem, self.job.error_line(task.doc, problem)),
                task.doc,
            )

    def _shutdown(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()
        self.keep_alive.close()
        self.lifeline.close()


def _death_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        how = f"was killed by {name}"
    else:
        how = f"exited with status {exitcode}"
    return (
        f"the worker process {how} while converting this document (out of memory or a "
        "crash in a parser); only this document is lost"
    )


def _context(stages: Stages) -> Any:
    """forkserver where available: workers start fast and do not inherit the parent's threads."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    preload = [
        "pagewash.batch.worker",
        "pagewash.pipeline",
        "pagewash.load",
        "pagewash.extraction",
        "pagewash.repair",
        "pagewash.render",
        _module_of(stages.clean),
        _module_of(stages.render),
    ]
    context.set_forkserver_preload(list(dict.fromkeys(preload)))
    return context


def _module_of(function: Any) -> str:
    """The module defining ``function``, looking through ``functools.partial``."""
    return str(getattr(getattr(function, "func", function), "__module__", "pagewash"))

"""Persistent pandoc workers: many documents without paying pandoc's start-up per document.

Each worker is one ``pandoc lua`` process running ``WORKER_LUA``: it reads a request (a JSON
header line, then the document's JSON AST) from stdin, writes the document with
``pandoc.write`` and answers ``OK <size>`` or ``ERR <size>`` followed by that many bytes.
The output goes through the same ``finish`` step as the one-shot renderer, so a worker and
``render_pandoc`` give the same bytes.

``pandoc lua`` has no ``--sandbox``; the same guarantee comes from the input instead: the AST
never holds a raw block or an image that is not an inline ``data:`` URI (``pandoc_ast``), and
the worker replaces any other image by its alt text again before writing. Cover and CSS are
applied afterwards by ``finish``, exactly as for the sandboxed CLI.

A worker that crashes, stops answering within the timeout, or breaks the protocol is killed;
only the document it was writing fails, and the next document starts a fresh worker.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import select
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import IO

from pagewash.document import Document
from pagewash.errors import PagewashError, RenderError
from pagewash.options import Options, RenderOptions
from pagewash.render.pandoc.binary import PANDOC_TIMEOUT_SECONDS, pandoc_path, summarise
from pagewash.render.pandoc.job import RenderJob
from pagewash.render.pandoc.oneshot import build_job
from pagewash.render.pandoc.package import finish

WORKER_LUA = r"""
local templates = {}

local function template_for(format)
  if templates[format] == nil then
    local ok, compiled = pcall(function()
      return pandoc.template.compile(pandoc.template.default(format))
    end)
    templates[format] = ok and compiled or false
  end
  return templates[format] or nil
end

-- Never let a writer fetch a resource: only inline data: images survive.
local no_fetch = {
  Image = function(image)
    if image.src:sub(1, 5) == 'data:' then return nil end
    return image.caption
  end,
}

local function writer_options(request)
  local options = {}
  local template = template_for(request.to)
  if template then options.template = template end
  local settings = request.options or {}
  if settings.toc then options.table_of_contents = true end
  if settings.reference_doc then options.reference_doc = settings.reference_doc end
  if settings.split_level then options.split_level = settings.split_level end
  if settings.css then options.variables = {css = {settings.css}} end
  return options
end

local function answer(status, body)
  io.stdout:write(status, ' ', tostring(#body), '\n', body)
  io.stdout:flush()
end

while true do
  local line = io.stdin:read('l')
  if not line then break end
  local request = pandoc.json.decode(line, false)
  local payload = io.stdin:read(request.size)
  if not payload or #payload ~= request.size then break end
  local ok, result = pcall(function()
    local doc = pandoc.read(payload, 'json'):walk(no_fetch)
    return pandoc.write(doc, request.to, writer_options(request))
  end)
  if ok then answer('OK', result) else answer('ERR', tostring(result)) end
end
"""


class WorkerFailed(RenderError):
    """The worker process died, hung or broke the protocol; it has been stopped."""


class PandocWorker:
    """One ``pandoc lua`` process; not thread-safe (the pool hands it to one thread at once)."""

    def __init__(self, timeout: float = PANDOC_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def _start(self) -> subprocess.Popen[bytes]:
        # Lives as long as the process and is closed in stop(); a pipe could fill and block.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LUA_", "PANDOC_"))}
        self._process = subprocess.Popen(
            [pandoc_path(), "lua", "-e", WORKER_LUA],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self.starts += 1
        return self._process

    def _alive(self) -> subprocess.Popen[bytes]:
        process = self._process
        if process is None or process.poll() is not None:
            self.stop()
            process = self._start()
        return process

    def write(self, job: RenderJob) -> bytes:
        """Pandoc's raw output for ``job``; raises ``RenderError`` for this document only."""
        process = self._alive()
        header = json.dumps({"to": job.to, "size": len(job.ast), "options": job.worker_options()}).encode(
            "utf-8"
        )
        deadline = time.monotonic() + self.timeout
        try:
            _write_all(process, header + b"\n" + job.ast, deadline)
            status, size = _read_header(process, deadline)
            body = _read_exact(process, size, deadline)
        except (OSError, WorkerFailed) as exc:
            reason = self._failure_reason(exc)
            self.stop()
            raise WorkerFailed(f"pandoc worker failed on this document: {reason}") from exc
        except BaseException:
            self.stop()  # interrupted mid-exchange (a time limit, ^C): the pipe is out of step
            raise
        if status != b"OK":
            raise RenderError(f"pandoc failed: {summarise(body)}")
        return body

    def _failure_reason(self, exc: BaseException) -> str:
        process, stderr = self._process, self._stderr
        if stderr is not None and process is not None and process.poll() is not None:
            stderr.seek(0)
            tail = summarise(stderr.read()[-2000:])
            return f"{exc} (exit {process.returncode}: {tail})"
        return str(exc)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise WorkerFailed("no answer within the time limit; the worker was stopped")
    return left


def _write_all(process: subprocess.Popen[bytes], data: bytes, deadline: float) -> None:
    if process.stdin is None:
        raise WorkerFailed("worker has no input pipe")
    fd = process.stdin.fileno()
    os.set_blocking(fd, False)
    view = memoryview(data)
    while view:
        _, writable, _ = select.select([], [fd], [], _remaining(deadline))
        if writable:
            try:
                sent = os.write(fd, view[:65536])
            except BlockingIOError:
                continue
            view = view[sent:]


def _read_some(process: subprocess.Popen[bytes], limit: int, deadline: float) -> bytes:
    if process.stdout is None:
        raise WorkerFailed("worker has no output pipe")
    fd = process.stdout.fileno()
    while True:
        readable, _, _ = select.select([fd], [], [], _remaining(deadline))
        if readable:
            chunk = os.read(fd, limit)
            if not chunk:
                raise WorkerFailed("the worker exited")
            return chunk


def _read_header(process: subprocess.Popen[bytes], deadline: float) -> tuple[bytes, int]:
    line = b""
    while not line.endswith(b"\n"):
        line += _read_some(process, 1, deadline)
        if len(line) > 64:
            raise WorkerFailed(f"unexpected answer {line[:64]!r}")
    status, _, size = line.strip().partition(b" ")
    if status not in (b"OK", b"ERR") or not size.isdigit():
        raise WorkerFailed(f"unexpected answer {line[:64]!r}")
    return status, int(size)


def _read_exact(process: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
    parts: list[bytes] = []
    missing = size
    while missing:
        chunk = _read_some(process, min(missing, 1 << 20), deadline)
        parts.append(chunk)
        missing -= len(chunk)
    return b"".join(parts)


class PandocPool:
    """A few persistent pandoc workers (one per core by default), safe to share by threads.

    >>> with PandocPool() as pool:                       # doctest: +SKIP
    ...     epub = pool.render(doc, "epub", Options())
    """

    def __init__(self, size: int | None = None, timeout: float = PANDOC_TIMEOUT_SECONDS) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.workers = [PandocWorker(timeout) for _ in range(self.size)]
        self._idle: queue.SimpleQueue[PandocWorker] = queue.SimpleQueue()
        for worker in self.workers:
            self._idle.put(worker)
        self._closed = False

    def __enter__(self) -> PandocPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def render(self, doc: Document, to: str, options: Options | RenderOptions) -> bytes:
        """The same bytes as ``render_pandoc(doc, to, options)``, from a warm worker."""
        if self._closed:
            raise RenderError("the pandoc pool is closed")
        job = build_job(doc, to, options)
        worker = self._idle.get()
        try:
            raw = worker.write(job)
        finally:
            self._idle.put(worker)
        return finish(job, raw)

    def render_many(
        self, docs: Iterable[Document], to: str, options: Options | RenderOptions
    ) -> list[bytes | PagewashError]:
        """Render in parallel, in order; a failed document yields its error, not an abort."""

        def one(doc: Document) -> bytes | PagewashError:
            try:
                return self.render(doc, to, options)
            except PagewashError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=self.size) as executor:
            return list(executor.map(one, docs))

    def close(self) -> None:
        self._closed = True
        for worker in self.workers:
            worker.stop()


_DEFAULT: tuple[int, PandocPool] | None = None
_DEFAULT_LOCK = threading.Lock()


def default_pool(size: int = 1) -> PandocPool:
    """This process's shared pool, started on first use and closed when the process exits.

    Meant for batch workers that are processes already (one worker each is enough there). A
    forked child never reuses its parent's pool: the pipes belong to the parent.
    """
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None or _DEFAULT[0] != os.getpid():
            pool = PandocPool(size=size)
            atexit.register(pool.close)
            _DEFAULT = (os.getpid(), pool)
        return _DEFAULT[1]

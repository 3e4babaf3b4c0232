"""A per-document time limit for code that runs pages in its own process (records, Ray).

The contract:

* SIGALRM is the only way to interrupt pure-Python work in the same thread, so the limit
  works in the **main thread of a POSIX process** (Ray, Spark and Dask *process* workers run
  tasks there). Anywhere else (a thread pool, ``dask.distributed`` worker threads, Windows)
  it cannot work: it is off, and a ``RuntimeWarning`` says so once per process. Run pages in
  processes there, or use pagewash's batch engine, which kills a slow page's worker.
* The host's own interval timer (``ITIMER_REAL``) and handler are kept: the time spent in
  the limit is taken off the host's timer, and a host alarm due inside the limit is handed
  to the host's handler on time (what it raises reaches the host, see ``raised_by_host``;
  with the default action the process ends as it would have).
* A page stuck inside a C library (libxml2, a pipe to pandoc) is stopped when control comes
  back to Python.
"""

from __future__ import annotations

import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SOONEST = 1e-6  # setitimer(0) disarms: an alarm already due is re-armed this soon instead
_EARLY = 0.002  # timers may fire a little before the due time

_warned = False
_host_raised: BaseException | None = None


class DocumentTimeout(BaseException):
    """A page took longer than the record's time limit. Not an ``Exception``, so that no
    ``except Exception`` on the way out can swallow it."""


def raised_by_host(exc: BaseException) -> bool:
    """True when ``exc`` came from the host's own alarm handler, called inside the limit:
    it belongs to the host, and must not be reported as the page's failure."""
    return exc is _host_raised


def warned_off_main_thread() -> bool:
    """Whether this process has warned that the limit is off (tests, diagnostics)."""
    return _warned


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``DocumentTimeout`` in this thread after ``seconds``; see the module doc."""
    if seconds is None or seconds <= 0:
        yield
        return
    why = _unusable()
    previous = signal.getsignal(signal.SIGALRM) if why is None else None
    if why is None and previous is None:
        why = "the SIGALRM handler was set outside Python and could not be given back"
    if why is not None or previous is None:
        _warn_once(why or "")
        yield
        return
    global _host_raised
    _host_raised = None
    alarm = _Alarm(seconds, previous)
    signal.signal(signal.SIGALRM, alarm.expire)
    alarm.arm()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        alarm.restore_host()


class _Alarm:
    """Our deadline and the host's, on the one real-time timer a process has."""

    def __init__(self, seconds: float, previous: Callable[..., Any] | int) -> None:
        now = time.monotonic()
        self.seconds = seconds
        self.deadline = now + seconds
        self.previous = previous
        host_delay, self.host_interval = signal.getitimer(signal.ITIMER_REAL)
        self.host_deadline: float | None = now + host_delay if host_delay > 0 else None

    def arm(self) -> None:
        due = self.deadline
        if self.host_deadline is not None:
            due = min(due, self.host_deadline)
        signal.setitimer(signal.ITIMER_REAL, max(due - time.monotonic(), SOONEST))

    def expire(self, signum: int, frame: Any) -> None:
        now = time.monotonic()
        host = self.host_deadline
        if host is not None and host <= self.deadline and now >= host - _EARLY:
            self.host_deadline = host + self.host_interval if self.host_interval else None
            self.arm()
            self._hand_over(signum, frame)
            return
        if now < self.deadline - _EARLY:  # woken early: wait on
            self.arm()
            return
        raise DocumentTimeout(f"the document took longer than {self.seconds:g} s")

    def _hand_over(self, signum: int, frame: Any) -> None:
        """The host's alarm is due: run its handler now, as if we were not there."""
        global _host_raised
        if callable(self.previous):
            try:
                self.previous(signum, frame)
            except BaseException as exc:
                _host_raised = exc
                raise
        elif self.previous == signal.SIG_DFL:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGALRM)  # the default action: the process ends

    def restore_host(self) -> None:
        """The host's timer as it would be had we not been there: less the time spent."""
        if self.host_deadline is None:
            return
        remaining = max(self.host_deadline - time.monotonic(), SOONEST)
        signal.setitimer(signal.ITIMER_REAL, remaining, self.host_interval)


def _unusable() -> str | None:
    if not hasattr(signal, "setitimer"):
        return "no SIGALRM on this platform"
    if threading.current_thread() is not threading.main_thread():
        return f"called from thread {threading.current_thread().name!r}, not the main thread"
    return None


def _warn_once(why: str) -> None:
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn(
        f"pagewash: the per-document time limit is off ({why}); it needs SIGALRM "
        "in the main thread of a POSIX process: run pages in worker processes "
        "or use pagewash's batch engine to bound each page's time",
        RuntimeWarning,
        stacklevel=5,
    )

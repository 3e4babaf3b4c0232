"""A per-document time limit for code that runs pages in its own process (records, Ray).

SIGALRM is the only way to interrupt pure-Python work in the same thread; it needs the main
thread of a POSIX process (Ray, Spark and Dask process workers run tasks there).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DocumentTimeout(BaseException):
    """A page took longer than the record's time limit. Not an ``Exception``, so that no
    ``except Exception`` on the way out can swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``DocumentTimeout`` in this thread after ``seconds`` (SIGALRM), restoring any
    alarm handler and timer the host had set; no limit off the main thread or off POSIX."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise DocumentTimeout(f"the document took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, outer)  # the host's own alarm, still pending

"""Progress of a batch: a tqdm bar on a terminal, a plain line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
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
            self.bar.set_postfix(failed=self.counts["error"], empty=self.counts["empty"], refresh=False)
        elif not self.quiet and time.monotonic() - self.last >= self.interval:
            self.last = time.monotonic()
            print(self._line(), file=sys.stderr, flush=True)

    def skip(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def _line(self) -> str:
        done = sum(self.counts.values())
        rate = done / max(time.monotonic() - self.started, 1e-9)
        return (
            f"pagewash: {done} documents ({self.counts['ok']} converted, "
            f"{self.counts['empty']} empty, {self.counts['error']} failed), {rate:.1f}/s"
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

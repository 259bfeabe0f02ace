"""A one-line progress bar on stderr: done/total, rate and time left.

On a terminal the line is redrawn in place (at most 10 times a second); otherwise (a log
file, CI) a plain line is printed every ``log_every`` seconds and at the end.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _hms(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Progress of a batch; the rate counts only candidates computed in this run.

    Parameters
    ----------
    total : int
        Candidates in the batch.
    done : int
        Already finished before this run (``--resume``).
    """

    def __init__(self, total: int, done: int = 0, file: TextIO | None = None, enabled: bool = True,
                 label: str = "screen", log_every: float = 10.0) -> None:
        self.total, self.start_done, self.done = total, done, done
        self.errors = 0
        self.file = file if file is not None else sys.stderr
        self.enabled = enabled
        self.label = label
        self.tty = bool(getattr(self.file, "isatty", lambda: False)())
        self.t0 = time.perf_counter()
        self._last = 0.0
        self.log_every = log_every

    def rate(self) -> float:
        dt = time.perf_counter() - self.t0
        return (self.done - self.start_done) / dt if dt > 0 else 0.0

    def line(self) -> str:
        n, total = self.done, self.total
        frac = n / total if total else 1.0
        width = 24
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        rate = self.rate()
        left = (total - n) / rate if rate > 0 else None
        eta = _hms(left) if left is not None else "?"
        errs = f"  {self.errors} error(s)" if self.errors else ""
        return (f"{self.label} [{bar}] {n}/{total} {100 * frac:3.0f}%  {rate:6.1f} cand/s  "
                f"left {eta}  elapsed {_hms(time.perf_counter() - self.t0)}{errs}")

    def update(self, n: int, errors: int = 0) -> None:
        self.done += n
        self.errors += errors
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty and now - self._last >= 0.1:
            self.file.write("\r" + self.line() + "\x1b[K")
            self.file.flush()
            self._last = now
        elif not self.tty and now - self._last >= self.log_every:
            self.file.write(self.line() + "\n")
            self.file.flush()
            self._last = now

    def close(self) -> None:
        if not self.enabled:
            return
        self.file.write(("\r" + self.line() + "\x1b[K\n") if self.tty else self.line() + "\n")
        self.file.flush()

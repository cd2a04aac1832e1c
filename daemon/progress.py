"""Progress of long catalog commands on a terminal: one counter line per step, silent otherwise.

`catalog import` of a 100,000-item bundle and `catalog sync` from K3 take tens of seconds; a
person at a terminal sees the rows of each step counted on one line rewritten in place, with
the seconds the step took. Piped into a file or run by systemd (stderr not a TTY) nothing is
printed, so logs and scripts stay clean.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_EVERY_S = 0.1   # a counter is redrawn at most this often


class Progress:
    """Call `progress(step, rows so far)`; `close()` ends the last line. Does nothing when off."""

    def __init__(self, enabled: bool | None = None, *, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._step: str | None = None
        self._started = 0.0
        self._drawn = 0.0
        self._count = 0
        self._last: float | None = None   # when the previous report came: where a new step starts

    def __call__(self, step: str, count: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if step != self._step:
            self._finish()
            # A step reported only when done (checking 300,000 prices) began when the one before ended.
            self._step, self._started = step, self._last if self._last is not None else now
        self._count, self._last = count, now
        if time.monotonic() - self._drawn >= REDRAW_EVERY_S:
            self._draw()

    def close(self) -> None:
        if self.enabled:
            self._finish()

    def _draw(self) -> None:
        seconds = (self._last or self._started) - self._started
        self.stream.write(f"\r  {self._step:<28} {self._count:>10,} rows  {seconds:6.1f} s")
        self.stream.flush()
        self._drawn = time.monotonic()

    def _finish(self) -> None:
        if self._step is not None:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
        self._step = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

"""Progress of long catalog commands on a terminal: one tqdm counter per step, silent otherwise.

`catalog import` of a 100,000-item bundle and `catalog sync` from K3 take tens of seconds; a
person at a terminal sees rows counted per step. Piped into a file or run by systemd (stderr
not a TTY) nothing is printed, so logs and scripts stay clean.
"""
from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class Progress:
    """Call `progress(step, rows so far)`; `close()` ends the counters. Does nothing when off."""

    def __init__(self, enabled: bool | None = None, *, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._bars: dict[str, tqdm] = {}

    def __call__(self, step: str, count: int) -> None:
        if not self.enabled:
            return
        bar = self._bars.get(step)
        if bar is None:
            bar = self._bars[step] = tqdm(desc=f"{step:<26}", unit=" rows", file=self.stream,
                                          dynamic_ncols=True, leave=True)
        bar.update(count - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

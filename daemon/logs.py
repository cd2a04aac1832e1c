"""Log lines that say which document and which PO they are about (doc=, po=), for grep and journald.

`bind(doc=12)` puts ids in a context variable for the block; a filter appends them to every
record of that thread. Under systemd (JOURNAL_STREAM set) lines carry a <priority> prefix
and no time stamp, because journald adds its own.
"""
from __future__ import annotations

import contextvars
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_IDS: contextvars.ContextVar[tuple[tuple[str, object], ...]] = contextvars.ContextVar("log_ids", default=())
_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


@contextmanager
def bind(**ids: object) -> Iterator[None]:
    """Within the block, every log record of this thread ends with these key=value ids."""
    merged = dict(_IDS.get())
    merged.update({k: v for k, v in ids.items() if v is not None})
    token = _IDS.set(tuple(merged.items()))
    try:
        yield
    finally:
        _IDS.reset(token)


class IdsFilter(logging.Filter):
    """Adds `ids` (" doc=12 po=4500") and `priority` attributes to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        pairs = _IDS.get()
        present = record.getMessage()
        record.ids = "".join(f" {k}={v}" for k, v in pairs if f"{k}=" not in present)
        record.priority = _PRIORITY.get(record.levelno, 6)
        return True


def setup_logging(level: str = "INFO", *, journald: bool | None = None) -> None:
    """Configure the root logger of this process (call once in every process)."""
    if journald is None:
        journald = bool(os.environ.get("JOURNAL_STREAM"))
    fmt = ("<%(priority)s>%(processName)s %(name)s: %(message)s%(ids)s" if journald else
           "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s%(ids)s")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt))
    handler.addFilter(IdsFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)

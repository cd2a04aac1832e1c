"""The watchers' door into the ledger: store an arrival (`pipeline.service.arrive`), then ring the workers.

Watchers call `ingest` and acknowledge their source (move the file, move the IMAP message)
only after it returns, so a crash between the two at worst stores the document again, as a
repeat of the first arrival.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from daemon.bus import Doorbell
from pipeline.service import arrive


def ingest(engine: Engine, data: bytes, *, source: str, source_ref: str, filename: str | None,
           message_id: str | None, now: datetime, doorbell: Doorbell | None = None) -> tuple[int, bool]:
    """Store `data` and commit; (document id, new). A repeat of an earlier document is not new,
    but is stored and processed too (it ends as a `repeat`, naming the earlier document)."""
    arrival = arrive(engine, data, source=source, source_ref=source_ref, filename=filename,
                     message_id=message_id, now=now)
    if arrival.created and doorbell is not None:
        doorbell.ring("document")
    return arrival.document_id, arrival.is_new

"""The one door into the ledger: commit a document's bytes, then ring the workers.

Watchers call `ingest` and acknowledge their source (move the file, move the IMAP message)
only after it returns, so a crash between the two at worst stores a document twice and the
dedupe below recognises it.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from daemon.bus import Doorbell
from store import repo
from store.db import session_scope

log = logging.getLogger(__name__)


def ingest(engine: Engine, data: bytes, *, source: str, source_ref: str, filename: str | None,
           message_id: str | None, now: datetime, doorbell: Doorbell | None = None) -> tuple[int, bool]:
    """Store `data` as a new document (or find the same one) and commit; (document id, created_new).

    The same bytes are the same document; so is a message with the same Message-ID whose body
    is the same (a re-sent copy differs only in its transport headers).
    """
    with session_scope(engine) as session:
        same = _same_message(session, message_id, data) if message_id else None
        if same is not None:
            log.info("already have message %s as doc=%s", message_id, same)
            return same, False
        doc_id, created = repo.add_document(
            session, data, filename=filename or _name_from(source_ref), source=source,
            source_ref=source_ref, message_id=message_id, now=now)
    if created:
        log.info("stored %s from %s (%d bytes) doc=%s", filename or source_ref, source, len(data), doc_id)
        if doorbell is not None:
            doorbell.ring("document")
    return doc_id, created


def _same_message(session, message_id: str, data: bytes) -> int | None:
    rows = session.execute(sa.select(repo.DOCUMENTS.c.id, repo.DOCUMENTS.c.sha256)
                           .where(repo.DOCUMENTS.c.message_id == message_id)).all()
    if not rows:
        return None
    body = body_hash(data)
    for doc_id, sha in rows:
        if body_hash(repo.load_blob(session, sha)) == body:
            return int(doc_id)
    return None


def body_hash(message: bytes) -> str:
    """The sha256 of a message after its header block: what a re-sent copy keeps unchanged."""
    normalized = message.replace(b"\r\n", b"\n")
    _, sep, body = normalized.partition(b"\n\n")
    return hashlib.sha256(body if sep else normalized).hexdigest()


def _name_from(source_ref: str) -> str:
    tail = source_ref.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return tail or source_ref

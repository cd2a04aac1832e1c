"""Raw document bytes, addressed by their sha256, kept in the `blobs` table.

Keeping them in the database (not on disk) makes storing a document and its ledger row one
transaction, so a crash never leaves a row without bytes or bytes without a row.
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.models import Blob

BLOBS = Blob.__table__


def sha256_hex(data: bytes) -> str:
    """The content address of `data`."""
    return hashlib.sha256(data).hexdigest()


def put_blob(session: Session, data: bytes) -> str:
    """Store `data` unless it is already there (does not commit); returns its sha256."""
    digest = sha256_hex(data)
    exists = session.execute(sa.select(BLOBS.c.sha256).where(BLOBS.c.sha256 == digest)).first()
    if exists is None:
        session.execute(sa.insert(BLOBS).values(sha256=digest, data=data))
    return digest


def get_blob(session: Session, digest: str) -> bytes:
    """The bytes stored under `digest`; KeyError when there are none."""
    row = session.execute(sa.select(BLOBS.c.data).where(BLOBS.c.sha256 == digest)).first()
    if row is None:
        raise KeyError(f"no blob {digest}")
    return bytes(row[0])

"""The catalog from K3 Cloud: `orderdesk catalog sync`, at start, and every `catalog.sync_minutes`.

A sync reads every catalog form through the WebAPI first and only then replaces the stored
catalog, in one transaction (`store.catalog.replace_catalog`): workers see the old catalog or
the new one, never half of each, and pick up the new one at their next catalog check. A sync
that fails anywhere (K3 away, a refused sign-in, a row the bundle reader refuses) leaves the last
good catalog in place, logs an ERROR and queues one staff mail per hour saying so.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from connectors.catalog_bundle import catalog_fingerprint
from connectors.errors import CatalogError, ConfigError, PermanentError, TransientError
from connectors.k3catalog import Progress, read_k3_catalog
from connectors.k3cloud import K3Client
from daemon.config import Settings
from outbox.plan import catalog_alert_row
from reconcile.catalog import CatalogRecords
from store import catalog as catalog_store
from store import outbox as outbox_repo
from store.db import CATALOG_LOCK, lock_transaction, session_scope, utcnow

log = logging.getLogger(__name__)

SOURCE = "K3 Cloud"
SYNC_ERRORS = (TransientError, PermanentError, CatalogError, ConfigError)


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync did: the records read, their fingerprint, whether the stored catalog changed."""

    records: CatalogRecords
    fingerprint: str
    changed: bool
    seconds: float


def sync_catalog(settings: Settings, engine: Engine, *, client: K3Client | None = None,
                 progress: Progress | None = None) -> SyncResult:
    """Read the catalog from K3 and store it when it differs from the stored one; raises one of
    SYNC_ERRORS (the stored catalog untouched) when it cannot."""
    started = time.monotonic()
    own = client is None
    client = client or K3Client(settings.k3cloud)
    try:
        records = read_k3_catalog(client, org=settings.erp.sale_org, renames=settings.k3cloud.fields,
                                  progress=progress)
    finally:
        if own:
            client.close()
    fingerprint = catalog_fingerprint(records)
    with session_scope(engine) as session:
        lock_transaction(session, CATALOG_LOCK)   # two nodes syncing together store it once
        changed = catalog_store.catalog_fingerprint_in_db(session) != fingerprint
        if changed:
            catalog_store.replace_catalog(session, records, fingerprint, progress=progress)
        else:
            session.commit()
    seconds = time.monotonic() - started
    log.info("catalog %s read from K3 Cloud in %.1f s (%d materials, %d prices)%s", fingerprint[:12],
             seconds, len(records.materials), len(records.prices), "" if changed else "; unchanged")
    return SyncResult(records, fingerprint, changed, seconds)


class CatalogSyncer:
    """The daemon's thread: a sync every `catalog.sync_minutes`, counted from the last stored
    catalog, so a restart does not read K3 again at once; a failure alerts staff."""

    def __init__(self, settings: Settings, engine: Engine, *, on_change: Callable[[], None] = lambda: None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.engine = engine
        self.on_change = on_change
        self.clock = clock

    def run_once(self) -> bool:
        """One sync; False (and a staff alert) when it failed."""
        try:
            result = sync_catalog(self.settings, self.engine)
        except SYNC_ERRORS as exc:
            self.alert(str(exc))
            return False
        if result.changed:
            self.on_change()
        return True

    def run_forever(self, stop: threading.Event) -> None:
        """Sync every interval; the first one is due an interval after the stored catalog's time
        (an unchanged catalog keeps its time, so later waits count from each attempt)."""
        interval = self.settings.catalog.sync_minutes * 60
        wait = self._seconds_to_next(interval)
        while not stop.wait(wait):
            self.run_once()
            wait = interval

    def _seconds_to_next(self, interval: float) -> float:
        with session_scope(self.engine) as session:
            loaded = catalog_store.catalog_loaded_at(session)
        if loaded is None:
            return 0.0
        if loaded.tzinfo is None:
            loaded = loaded.replace(tzinfo=self.clock().tzinfo)
        return max(1.0, interval - (self.clock() - loaded).total_seconds())

    def alert(self, message: str) -> None:
        """ERROR in the log and a staff mail row (one per hour): the old catalog stays in use."""
        log.error("catalog sync from K3 Cloud failed; the last good catalog stays in use: %s", message)
        now = self.clock()
        with session_scope(self.engine) as session:
            loaded = catalog_store.catalog_loaded_at(session)
            row = catalog_alert_row(SOURCE, message, loaded.isoformat() if loaded else None, now, self.settings)
            outbox_repo.add_rows(session, [row], now)

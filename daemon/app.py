"""The composition root: everything `orderdesk run` runs is built here, from one `Settings`.

Order of start: schema migrated, catalog loaded (only when the bundle changed), folders made,
claims of this host's previous run released (documents, outbox rows left `sending`) and its
half-written temp files removed; then the bus, the HTTP server, and the
supervisor with its workers, the review desk's process and its threads (folder and IMAP
watchers, outbox sender).
"""
from __future__ import annotations

import ctypes
import gc
import logging
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from connectors.catalog_import import import_bundle
from connectors.folder import FolderWatcher
from daemon.bus import BusProxy, Doorbell, bus_endpoints
from daemon.config import ConfigError, Settings, node_name
from daemon.health import HealthServer, Metrics
from daemon.ingest import ingest
from daemon.logs import setup_logging
from daemon.supervisor import ProcessSlot, Supervisor, ThreadSpec, worker_prefix
from daemon.worker import release_claims_like
from outbox.plan import watcher_alert_row
from outbox.sender import OutboxSender, recover_at_start
from store import catalog as catalog_store
from store import outbox as outbox_repo
from store.db import CATALOG_LOCK, lock_transaction, make_engine, migrate, session_scope, utcnow

log = logging.getLogger(__name__)

TOUCH_EVERY_SECONDS = 30.0


def run(settings: Settings, *, log_level: str = "INFO") -> int:
    """Run the daemon until SIGTERM/SIGINT; returns the process exit status."""
    setup_logging(log_level)
    engine = make_engine(settings.database_url)
    prepare(settings, engine)
    proxy = BusProxy(bus_endpoints(settings)).start()
    doorbell = Doorbell(settings)
    supervisor = Supervisor(settings, engine, threads=build_threads(settings, engine, doorbell),
                            processes=build_processes(settings, log_level), log_level=log_level)
    http = start_http(settings, engine, supervisor.children)
    try:
        return supervisor.run(on_ready=lambda: _say_where(settings, http))
    finally:
        if http is not None:
            http.stop()
        proxy.stop()
        doorbell.close()
        engine.dispose()


def prepare(settings: Settings, engine: Engine) -> None:
    """Schema, catalog, folders, and the claims a killed previous run left behind."""
    migrate(engine)
    load_catalog(settings, engine)
    give_back_memory()
    for folder in inbox_folders(settings).values():
        folder.mkdir(parents=True, exist_ok=True)
    for folder in (settings.paths.archive, settings.paths.export, settings.paths.maildir,
                   settings.paths.edi_outbound, settings.bus_dir):
        Path(folder).mkdir(parents=True, exist_ok=True)
    released = release_claims_like(engine, worker_prefix(settings.node))
    if released:
        log.warning("released %d documents claimed by the previous run", released)
    rows, temps = recover_at_start(engine, settings)
    if rows or temps:
        log.warning("outbox: released %d rows left sending by a dead sender (the previous run); "
                    "removed %d stale temp files", rows, temps)


def load_catalog(settings: Settings, engine: Engine) -> None:
    """Load the bundle at paths.catalog unless it is the loaded catalog (on PostgreSQL under an
    advisory lock: the second of two nodes starting together finds it loaded)."""
    if settings.catalog.source == "k3cloud":
        return _first_k3_catalog(settings, engine)
    folder = Path(settings.paths.catalog)
    with session_scope(engine) as session:
        lock_transaction(session, CATALOG_LOCK)  # nodes starting together load it once
        if not folder.is_dir():
            if catalog_store.catalog_fingerprint_in_db(session) is None:
                raise ConfigError(f"no catalog: {folder} is not a folder and none is loaded; "
                                  "set paths.catalog or run `orderdesk catalog import DIR`.")
            log.warning("catalog folder %s not found; using the catalog already loaded", folder)
            return
        imported = import_bundle(session, folder)
        if imported.replaced:
            log.info("catalog %s loaded from %s (%d materials)", imported.fingerprint[:12], folder,
                     len(imported.records.materials))


def give_back_memory() -> None:
    """Hand the memory a catalog read freed back to the system: the supervisor runs for months,
    and glibc keeps freed heap pages (~100 MB after a 100,000-item bundle) unless asked."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to ask
        pass


def _first_k3_catalog(settings: Settings, engine: Engine) -> None:
    """With the catalog from K3: read it now when none is stored yet; else the sync thread keeps
    it fresh (a stored catalog is never replaced by the bundle folder)."""
    from daemon.catalog_sync import SYNC_ERRORS, sync_catalog

    with session_scope(engine) as session:
        if catalog_store.catalog_fingerprint_in_db(session) is not None:
            return
    try:
        sync_catalog(settings, engine)
    except SYNC_ERRORS as exc:
        raise ConfigError(f"no catalog: none is stored and K3 Cloud's could not be read ({exc}).")


def inbox_folders(settings: Settings) -> dict[str, Path]:
    """Ledger source name -> watched folder."""
    p = settings.paths
    return {"mail": Path(p.mail_inbox), "fax": Path(p.fax_inbox), "edi": Path(p.edi_inbox)}


def build_threads(settings: Settings, engine: Engine, doorbell: Doorbell) -> list[ThreadSpec]:
    """Folder watchers, IMAP watchers and the outbox sender, each as a restartable thread."""
    ingest_fn = partial(ingest, engine, doorbell=doorbell)
    zone = ZoneInfo(settings.timezone)
    touch = Toucher(engine)
    specs = []
    for source, folder in inbox_folders(settings).items():
        watcher = FolderWatcher(folder, source=source, archive=Path(settings.paths.archive), ingest=ingest_fn,
                                stable_seconds=settings.thresholds.stable_seconds,
                                poll_seconds=settings.thresholds.folder_poll_seconds,
                                today=lambda: datetime.now(zone).date(), touch=touch,
                                node=settings.node)
        specs.append(ThreadSpec(f"folder-{source}", watcher.run_forever))
    specs += _imap_threads(settings, engine, ingest_fn, WatcherAlerts(engine, settings, doorbell))
    specs += _sender_threads(settings, engine, doorbell)
    if settings.catalog.source == "k3cloud" and settings.catalog.sync_minutes > 0:
        from daemon.catalog_sync import CatalogSyncer

        syncer = CatalogSyncer(settings, engine)   # workers pick a new catalog up at their next check
        specs.append(ThreadSpec("catalog-sync", syncer.run_forever))
    return specs


def build_processes(settings: Settings, log_level: str) -> tuple[ProcessSlot, ...]:
    """The review desk, in a process of its own (restarted like a worker), unless disabled."""
    if not settings.review.enabled:
        return ()
    from daemon.desk import review_main

    return (ProcessSlot("review", review_main, (settings, log_level)),)


def _imap_threads(settings: Settings, engine: Engine, ingest_fn, alert) -> list[ThreadSpec]:
    if not settings.imap:
        return []
    from connectors.imap import watchers_for_accounts

    watchers = watchers_for_accounts(settings.imap, lock_dir=settings.paths.var / "locks",
                                     engine=engine, ingest=ingest_fn, alert=alert)
    return [ThreadSpec(f"imap-{w.key}", w.run_forever) for w in watchers]


class WatcherAlerts:
    """A watcher's alert becomes a staff mail row (one per watcher, kind and hour), then the
    "outbox" doorbell rings; a failure here is logged, never raised into the watcher."""

    def __init__(self, engine: Engine, settings: Settings, doorbell: Doorbell | None = None, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.settings = settings
        self.doorbell = doorbell
        self.clock = clock

    def __call__(self, key: str, kind: str, message: str) -> None:
        try:
            now = self.clock()
            row = watcher_alert_row(key, kind, message, now, self.settings)
            with session_scope(self.engine) as session:
                outbox_repo.add_rows(session, [row], now)
        except Exception:  # the ERROR the watcher logged still stands; the mail is best effort
            log.exception("could not queue the staff alert for %s (%s)", key, kind)
            return
        if self.doorbell is not None:
            self.doorbell.ring("outbox")


def _sender_threads(settings: Settings, engine: Engine, doorbell: Doorbell) -> list[ThreadSpec]:
    sender = OutboxSender(engine, settings)

    def run_sender(stop) -> None:
        sender.run_forever(stop, wait=lambda seconds: doorbell.wait(["outbox"], seconds))

    return [ThreadSpec("outbox-sender", run_sender)]


def start_http(settings: Settings, engine: Engine, children) -> HealthServer | None:
    """The /healthz and /metrics server; a port in use is logged, not fatal."""
    try:
        return HealthServer(settings.http_host, settings.http_port, metrics=Metrics(engine, node=node_name(settings.node)),
                            children=children).start()
    except OSError as e:
        log.error("cannot serve /healthz and /metrics on %s:%s: %s", settings.http_host, settings.http_port, e)
        return None


class Toucher:
    """Records a watcher's last contact in watch_state, at most every TOUCH_EVERY_SECONDS per key."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._last: dict[str, float] = {}

    def __call__(self, key: str) -> None:
        if time.monotonic() - self._last.get(key, -1e9) < TOUCH_EVERY_SECONDS:
            return
        from store.watch import touch

        with session_scope(self.engine) as session:
            touch(session, key, utcnow())
        self._last[key] = time.monotonic()


def _say_where(settings: Settings, http: HealthServer | None) -> None:
    p = settings.paths
    log.info("drop files into %s (EDI), %s (fax), %s (.eml mail); results in %s (mail) and %s (ERP)",
             p.edi_inbox, p.fax_inbox, p.mail_inbox, p.maildir, p.export)
    if http is not None:
        log.info("health on http://%s:%s/healthz, metrics on /metrics", settings.http_host, http.port)

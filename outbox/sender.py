"""The outbox sender: claims due rows and delivers them (SMTP or maildir, EDI drop, ERP files).

Delivery is at-least-once with recognisable repeats: a crash between delivering and marking
the row delivered leaves the row `sending` until `recover_at_start` (next start of this node)
or `release_stale_sending` (another node, after claim_stale_seconds) hands it back, and the
repeat carries the same Message-ID, file name and EDI control numbers. A claimed batch is
delivered by `thresholds.outbox_threads` threads, each delivery independent; mail outcomes are
committed as soon as they are known (a kill repeats few mails), file outcomes once per batch
after one fsync per folder. A failed attempt is retried a couple of times at once (tenacity),
then with exponential backoff across attempts; after `thresholds.outbox_max_attempts` (or at
once on a PermanentError) the row is dead and a staff alert mail row is added.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from connectors.edi_drop import (EdiDrop, FolderSyncer, Writer, remove_stale_temps, safe_name,
                                 write_atomically)
from connectors.errors import PermanentError, TransientError
from connectors.k3cloud import K3Client, OutcomeUnknown
from connectors.maildir import MaildirTransport
from connectors.settings import node_name
from connectors.smtp import SmtpTransport
from outbox import edifact_out, x12_out
from outbox.erp_export import write_export
from outbox.erp_k3 import save_mapping, save_order
from outbox.mails import build_mail
from outbox.plan import DEFAULT_STAFF, EDI_ACK, ERP_EXPORT, ERP_MAPPING, MAIL, mapping_row
from outbox.settings import OutboxSettings
from outbox.shadow import is_held, staff_copy
from store import outbox as outbox_repo
from store.db import session_scope
from store.learned import unplanned_items
from store.models import OutboxStatus
from store.outbox import ClaimedRow, Outcome
from store.records import OutboxRow

log = logging.getLogger(__name__)

# The X12 acknowledgement builders by the ack a row names.
_X12_ACKS = {"997": x12_out.functional_ack, "855": x12_out.po_ack, "TA1": x12_out.interchange_ack}

POLL_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 3600.0
LEARNED_EVERY_S = 5.0    # how often taught customer item codes are looked for, to write to K3
RECORD_EVERY_S = 0.05   # delivered mails wait at most this long to be recorded (a kill repeats them)


class MailTransport(Protocol):
    def send(self, msg: EmailMessage, recipients: list[str]) -> None: ...


def _no_sync() -> None:
    """Writers that fsync their folder themselves leave nothing to sync."""


@dataclass(slots=True)
class Transports:
    """Where things go; tests swap any of them. `sync` makes the files written so far durable
    (their folders fsynced); the sender calls it before recording file rows delivered."""

    mail: MailTransport
    edi: EdiDrop
    export_write: Writer = field(default=write_atomically)
    sync: Callable[[], None] = field(default=_no_sync)
    k3: K3Client | None = None    # accepted orders saved in K3 Cloud instead of written as files


def default_transports(settings: OutboxSettings) -> Transports:
    """SMTP when a host is configured, else the local maildir; EDI drop and export files on
    disk, their folders fsynced once per batch; K3 Cloud's WebAPI for orders when configured."""
    mail: MailTransport = (SmtpTransport(settings.smtp) if settings.smtp.host
                           else MaildirTransport(settings.paths.maildir))
    folders = FolderSyncer()
    k3 = K3Client(settings.k3cloud) if settings.k3cloud.enabled else None
    return Transports(mail=mail, edi=EdiDrop(settings.paths.edi_outbound, write=folders.write),
                      export_write=folders.write, sync=folders.sync, k3=k3)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def sender_name(node: str = "") -> str:
    """This node's claimer name on outbox rows; its leftovers are released when it starts again."""
    return f"{node_name(node)}/outbox"


def recover_at_start(engine: Engine, settings: OutboxSettings) -> tuple[int, int]:
    """Undo what a killed previous run left: its rows still `sending` become due now (every such
    row on SQLite, where one node runs; this host's on a shared database) and its half-written
    temp files are deleted. Call before the sender starts; returns (rows, files)."""
    single_node = engine.dialect.name == "sqlite"
    with session_scope(engine) as session:
        rows = outbox_repo.release_claimed_by(session, None if single_node else sender_name(settings.node))
    paths = settings.paths
    temps = (remove_stale_temps(Path(paths.export)) + remove_stale_temps(Path(paths.edi_outbound))
             + MaildirTransport(paths.maildir).remove_stale_temps())
    return rows, len(temps)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One delivery attempt of a claimed row: `error` None means delivered."""

    row: ClaimedRow
    error: str | None = None
    permanent: bool = False
    bill_no: str | None = None    # the ERP's number of an order saved there (K3 FBillNo)

    @property
    def held(self) -> bool:
        """Planned in shadow mode: staff got a copy instead (when `error` is None)."""
        return is_held(self.row.payload)

    @property
    def wrote_files(self) -> bool:
        """Delivered as files, which are durable only after their folders are synced."""
        if self.error is not None or self.held:
            return False
        return self.row.kind == EDI_ACK or (self.row.kind == ERP_EXPORT and self.bill_no is None)


def _retry_at_once(exc: BaseException) -> bool:
    """A transient failure is tried again at once, except a Save whose outcome is unknown: the ERP
    may still be storing it, so it is looked up after the backoff instead."""
    return isinstance(exc, TransientError) and not isinstance(exc, OutcomeUnknown)


class OutboxSender:
    """Delivers due outbox rows; `run_once` for tests and the supervisor, `run_forever` for a thread."""

    def __init__(self, engine: Engine, settings: OutboxSettings, *, transports: Transports | None = None,
                 clock: Callable[[], datetime] = _utcnow, batch: int | None = None,
                 quick_retries: int = 2) -> None:
        self.engine = engine
        self.settings = settings
        self.transports = transports or default_transports(settings)
        self.clock = clock
        self.threads = max(1, settings.thresholds.outbox_threads)
        self.batch = batch or max(20, 8 * self.threads)
        self.quick_retries = max(1, quick_retries)
        self.name = sender_name(settings.node)
        self._pool: ThreadPoolExecutor | None = None
        self._next_learned = 0.0

    def run_once(self) -> int:
        """Release stale claims, claim what is due and deliver it; returns how many rows were handled."""
        now = self.clock()
        stale = now - timedelta(seconds=self.settings.thresholds.claim_stale_seconds)
        self._plan_learned(now)
        with session_scope(self.engine) as session:
            released = outbox_repo.release_stale_sending(session, claimed_before=stale)
            if released:
                log.warning("outbox: released %d rows left sending by a dead sender", released)
            rows = outbox_repo.claim_due(session, now, limit=self.batch, claimer=self.name)
            if rows:
                self._deliver_batch(session, self._with_controls(session, rows))
        if len(rows) < self.batch:  # the backlog is drained: end the idle SMTP connections
            self._close_idle()
        return len(rows)

    def _plan_learned(self, now: datetime) -> None:
        """Outbox rows for customer item codes clerks taught since, to be saved in K3 (when it is
        configured, `k3cloud.write_customer_items` is on and nothing is held in shadow mode);
        looked for at most every LEARNED_EVERY_S."""
        if (self.transports.k3 is None or not self.settings.k3cloud.write_customer_items
                or self.settings.mode == "shadow" or time.monotonic() < self._next_learned):
            return
        self._next_learned = time.monotonic() + LEARNED_EVERY_S
        with session_scope(self.engine) as session:
            rows = [mapping_row(i, item.customer, item.code, item.name, item.material)
                    for i, item in unplanned_items(session, "custmat:")]
            if rows:
                outbox_repo.add_rows(session, rows, now)

    def run_forever(self, stop: threading.Event, wait: Callable[[float], bool] | None = None) -> None:
        """Deliver until `stop` is set; `wait(seconds)` sleeps between empty rounds (a doorbell may
        cut it short)."""
        wait = wait or stop.wait
        try:
            while not stop.is_set():
                try:
                    handled = self.run_once()
                except Exception:  # noqa: BLE001 - the database may be away for a moment; keep going
                    log.exception("outbox: a round failed; trying again")
                    handled = 0
                if not handled and not stop.is_set():
                    wait(POLL_SECONDS)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the delivery threads and end the idle SMTP connections."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._close_idle()
        if self.transports.k3 is not None:
            self.transports.k3.close()

    # -- a batch ------------------------------------------------------------------------------

    def _deliver_batch(self, session: Any, batch: list[Attempt | ClaimedRow]) -> None:
        """Deliver the rows; record mail outcomes as they come, file ones after the folder sync."""
        files: list[Attempt] = []
        failed = [a for a in batch if isinstance(a, Attempt)]
        rows = [r for r in batch if isinstance(r, ClaimedRow)]
        for done in itertools.chain([failed], self._attempts(rows)):  # lazily: as they finish
            files += [a for a in done if a.wrote_files]
            now_known = [a for a in done if not a.wrote_files]
            if now_known:
                self._record(session, now_known)
        if files:
            self._record(session, self._synced(files))

    def _attempts(self, rows: list[ClaimedRow]) -> Iterator[list[Attempt]]:
        """Attempts as they finish, in groups: inline with one thread, else on the pool."""
        if self.threads == 1 or len(rows) == 1:
            for row in rows:
                yield [self._attempt(row)]
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="outbox")
        pending = {self._pool.submit(self._attempt, row) for row in rows}
        while pending:  # what finished within RECORD_EVERY_S is recorded together
            done, pending = wait(pending, timeout=RECORD_EVERY_S)
            if done:
                yield [future.result() for future in done]

    def _synced(self, attempts: list[Attempt]) -> list[Attempt]:
        """Fsync the folders written into; if that fails, the files count as not delivered."""
        try:
            self.transports.sync()
        except TransientError as exc:
            return [Attempt(a.row, str(exc)) for a in attempts]
        return attempts

    def _record(self, session: Any, attempts: list[Attempt]) -> None:
        """The attempts' outcomes (and staff alerts for rows that died) in one transaction."""
        now = self.clock()
        outcomes, alerts = [], []
        for attempt in attempts:
            outcome, alert = self._outcome(attempt, now)
            outcomes.append(outcome)
            alerts += [alert] if alert else []
        outbox_repo.record_outcomes(session, outcomes, now, new_rows=alerts)
        for attempt in attempts:
            if attempt.error is None:
                log.info("outbox: delivered row=%s key=%s", attempt.row.id, attempt.row.stable_key)

    def _close_idle(self) -> None:
        close = getattr(self.transports.mail, "close", None)
        if close is not None:
            close()

    # -- one row ------------------------------------------------------------------------------

    def _attempt(self, row: ClaimedRow) -> Attempt:
        """Deliver one row (with quick retries); never raises, so one row cannot stop the others."""
        try:
            for attempt in Retrying(retry=retry_if_exception(_retry_at_once),
                                    stop=stop_after_attempt(self.quick_retries),
                                    wait=wait_exponential(multiplier=0.1, max=1.0), reraise=True):
                with attempt:
                    bill_no = self._deliver(row)
        except PermanentError as exc:
            return Attempt(row, str(exc), permanent=True)
        except (TransientError, OSError) as exc:
            return Attempt(row, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the other rows
            log.exception("outbox: unexpected error on row=%s key=%s", row.id, row.stable_key)
            return Attempt(row, f"{type(exc).__name__}: {exc}")
        return Attempt(row, bill_no=bill_no)

    def _deliver(self, row: ClaimedRow) -> str | None:
        """Deliver one row; returns the ERP's bill number when the order was saved in K3."""
        if is_held(row.payload):
            self._send_staff_copy(row)
        elif row.kind == MAIL:
            self._send_mail(row)
        elif row.kind == EDI_ACK:
            self._drop_ack(row)
        elif row.kind == ERP_EXPORT and self.transports.k3 is not None:
            return save_order(self.transports.k3, row.payload, self.settings.erp)
        elif row.kind == ERP_EXPORT:
            write_export(self.settings.paths.export, row.payload, order_id=row.order_id,
                         erp=self.settings.erp, write=self.transports.export_write)
        elif row.kind == ERP_MAPPING and self.transports.k3 is not None:
            save_mapping(self.transports.k3, row.payload, self.settings.erp)
        elif row.kind == ERP_MAPPING:
            raise PermanentError("K3 Cloud is not configured ([k3cloud]); export the learned codes "
                                 "with `orderdesk learned export DIR` instead.")
        else:
            raise PermanentError(f"unknown outbox kind {row.kind!r}")
        return None

    def _send_mail(self, row: ClaimedRow) -> None:
        msg = build_mail(row.payload, stable_key=row.stable_key, order_id=row.order_id,
                         settings=self.settings)
        local = self.clock().astimezone(ZoneInfo(self.settings.timezone))
        msg["Date"] = format_datetime(local)
        self.transports.mail.send(msg, list(row.payload["to"]))

    def _drop_ack(self, row: ClaimedRow) -> None:
        partner, name, data = self._ack_file(row, row.payload["controls"], row.payload["built_at"])
        self.transports.edi.deliver(partner, name, data)

    def _ack_file(self, row: ClaimedRow, controls: dict[str, int], built_at: str) -> tuple[str, str, bytes]:
        """(partner id, file name, bytes) of the acknowledgement a row stands for."""
        payload = row.payload
        built = datetime.fromisoformat(built_at)
        env = payload["envelope"]
        if payload["ack"] in _X12_ACKS:
            numbers = x12_out.Controls(controls["interchange"], controls.get("group", 0))
            build = _X12_ACKS[payload["ack"]]
            text, partner, ext = build(payload, numbers, built), env.get("isa_sender", ""), "x12"
        else:
            build = edifact_out.contrl if payload["ack"] == "CONTRL" else edifact_out.ordrsp
            text = build(payload, controls["interchange"], built)
            partner, ext = env.get("unb_sender", ""), "edi"
        return partner, f"{safe_name(row.stable_key)}.{payload['ack'].lower()}.{ext}", text.encode("utf-8")

    def _send_staff_copy(self, row: ClaimedRow) -> None:
        """Shadow mode: render the row as it would have gone out and mail that to staff only."""
        what, recipients, files = self._rendered(row)
        msg, staff = staff_copy(what, recipients, files, stable_key=row.stable_key, settings=self.settings)
        local = self.clock().astimezone(ZoneInfo(self.settings.timezone))
        msg["Date"] = format_datetime(local)
        self.transports.mail.send(msg, staff)

    def _rendered(self, row: ClaimedRow) -> tuple[str, list[str], list[tuple[str, bytes]]]:
        """What the row would have sent: a description, its recipients and its files."""
        payload = row.payload
        if row.kind == MAIL:
            msg = build_mail(payload, stable_key=row.stable_key, order_id=row.order_id, settings=self.settings)
            return (f"the {payload.get('purpose')} mail \"{msg['Subject']}\"", list(payload["to"]),
                    [(f"{safe_name(row.stable_key)}.eml", msg.as_bytes())])
        if row.kind == EDI_ACK:
            # No control numbers are taken: the partner's sequence stays as live mode will need it.
            partner, name, data = self._ack_file(row, {"interchange": 0, "group": 0}, self.clock().isoformat())
            return f"the {payload['ack']} acknowledgement {name}", [f"EDI partner {partner}"], [(name, data)]
        if row.kind == ERP_EXPORT:
            files: list[tuple[str, bytes]] = []
            write_export(self.settings.paths.export, payload, order_id=row.order_id, erp=self.settings.erp,
                         write=lambda path, data: files.append((path.name, data)))
            return f"the ERP import of PO {payload['order'].get('po_number')}", ["the ERP"], files
        raise PermanentError(f"unknown outbox kind {row.kind!r}")

    def _with_controls(self, session: Any, rows: list[ClaimedRow]) -> list[Attempt | ClaimedRow]:
        """Control numbers and build time for the batch's new EDI acks, taken in one transaction
        and kept on the rows so a re-send is identical; if that fails, those rows failed."""
        needy = [r for r in rows if r.kind == EDI_ACK and "controls" not in r.payload
                 and not is_held(r.payload)]
        if not needy:
            return list(rows)
        built_at = self.clock().isoformat()
        try:
            payloads = [{**row.payload, "controls": self._next_controls(session, row.payload["ack"]),
                         "built_at": built_at} for row in needy]
            for row, payload in zip(needy, payloads):
                outbox_repo.update_payload(session, row.id, payload)
            session.commit()
        except Exception as exc:  # noqa: BLE001 - retried like a failed delivery
            session.rollback()
            log.exception("outbox: cannot take control numbers")
            failed = {row.id: Attempt(row, f"control numbers: {exc}") for row in needy}
            return [failed.get(row.id, row) for row in rows]
        for row, payload in zip(needy, payloads):
            row.payload.update(payload)
        return list(rows)

    @staticmethod
    def _next_controls(session: Any, ack: str) -> dict[str, int]:
        if ack == "TA1":  # an interchange with no functional group takes no group number
            return {"interchange": outbox_repo.next_counter(session, "x12.interchange")}
        if ack in _X12_ACKS:
            return {"interchange": outbox_repo.next_counter(session, "x12.interchange"),
                    "group": outbox_repo.next_counter(session, "x12.group")}
        return {"interchange": outbox_repo.next_counter(session, "edifact.interchange")}

    # -- failures -----------------------------------------------------------------------------

    def _outcome(self, attempt: Attempt, now: datetime) -> tuple[Outcome, OutboxRow | None]:
        """Delivered; or due again after a backoff; or dead (with a staff alert row to add)."""
        row, error = attempt.row, attempt.error
        if error is None:
            status = OutboxStatus.HELD if attempt.held else OutboxStatus.DELIVERED
            return Outcome(row.id, status, bill_no=attempt.bill_no), None
        if not attempt.permanent and row.attempts < self.settings.thresholds.outbox_max_attempts:
            delay = min(self.settings.thresholds.outbox_backoff_seconds * 2 ** (row.attempts - 1),
                        MAX_BACKOFF_SECONDS)
            when = now + timedelta(seconds=delay)
            log.warning("outbox: attempt %d failed row=%s key=%s, retry at %s: %s",
                        row.attempts, row.id, row.stable_key, when.isoformat(), error)
            return Outcome(row.id, OutboxStatus.PENDING, error, when), None
        log.error("outbox: row=%s key=%s is dead after %d attempts: %s",
                  row.id, row.stable_key, row.attempts, error)
        return Outcome(row.id, OutboxStatus.DEAD, error), self._alert_row(row, error, now)

    def _alert_row(self, row: ClaimedRow, error: str, now: datetime) -> OutboxRow | None:
        """The staff alert about a row that died. Its key holds the moment of death: the row and
        its alert are recorded together, so each death is told once, and a row given back by
        `orderdesk resend` that dies again is told again."""
        if row.payload.get("purpose") == "dead_letter":
            return None  # an alert about an alert would loop; the log line is the alert
        alert = {"purpose": "dead_letter", "to": list(self.settings.staff_emails) or [DEFAULT_STAFF],
                 "kind": row.kind, "dead_key": row.stable_key, "error": error,
                 "attempts": row.attempts}
        return OutboxRow(MAIL, dead_key(row.id, now), alert, order_id=row.order_id)


def dead_key(row_id: int, died_at: datetime) -> str:
    """The stable key of the staff alert about outbox row `row_id` dying at `died_at`."""
    return f"dead:{row_id}@{died_at.astimezone(timezone.utc):%Y%m%dT%H%M%S%f}"

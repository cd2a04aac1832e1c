"""The outbox sender: claims due rows and delivers them (SMTP or maildir, EDI drop, ERP files).

Delivery is at-least-once with recognisable repeats: a crash between delivering and marking
the row delivered makes the row `sending` until `release_stale_sending` hands it back, and the
repeat carries the same Message-ID, file name and EDI control numbers. A failed attempt is
retried a couple of times at once (tenacity), then with exponential backoff across attempts;
after `thresholds.outbox_max_attempts` (or at once on a PermanentError) the row is dead and a
staff alert mail row is added.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from connectors.edi_drop import EdiDrop, Writer, safe_name, write_atomically
from connectors.errors import PermanentError, TransientError
from connectors.maildir import MaildirTransport
from connectors.smtp import SmtpTransport
from daemon.config import Settings
from outbox import edifact_out, x12_out
from outbox.erp_export import write_export
from outbox.mails import build_mail
from outbox.plan import DEFAULT_STAFF, EDI_ACK, ERP_EXPORT, MAIL
from store import outbox_repo
from store.db import session_scope
from store.outbox_repo import ClaimedRow

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 3600.0


class MailTransport(Protocol):
    def send(self, msg: EmailMessage, recipients: list[str]) -> None: ...


@dataclass(slots=True)
class Transports:
    """Where things go; tests swap any of them."""

    mail: MailTransport
    edi: EdiDrop
    export_write: Writer = field(default=write_atomically)


def default_transports(settings: Settings) -> Transports:
    """SMTP when a host is configured, else the local maildir; EDI drop and export files on disk."""
    mail: MailTransport = (SmtpTransport(settings.smtp) if settings.smtp.host
                           else MaildirTransport(settings.paths.maildir))
    return Transports(mail=mail, edi=EdiDrop(settings.paths.edi_outbound))


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OutboxSender:
    """Delivers due outbox rows; `run_once` for tests and the supervisor, `run_forever` for a thread."""

    def __init__(self, engine: Engine, settings: Settings, *, transports: Transports | None = None,
                 clock: Callable[[], datetime] = _utcnow, batch: int = 20,
                 quick_retries: int = 2) -> None:
        self.engine = engine
        self.settings = settings
        self.transports = transports or default_transports(settings)
        self.clock = clock
        self.batch = batch
        self.quick_retries = max(1, quick_retries)

    def run_once(self) -> int:
        """Release stale claims, claim what is due and deliver it; returns how many rows were handled."""
        now = self.clock()
        stale = now - timedelta(seconds=self.settings.thresholds.claim_stale_seconds)
        with session_scope(self.engine) as session:
            released = outbox_repo.release_stale_sending(session, claimed_before=stale)
            if released:
                log.warning("outbox: released %d rows left sending by a dead sender", released)
            rows = outbox_repo.claim_due(session, now, limit=self.batch)
            for row in rows:
                self._handle(session, row)
        return len(rows)

    def run_forever(self, stop: threading.Event, wait: Callable[[float], bool] | None = None) -> None:
        """Deliver until `stop` is set; `wait(seconds)` sleeps between empty rounds (a doorbell may
        cut it short)."""
        wait = wait or stop.wait
        while not stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # noqa: BLE001 - the database may be away for a moment; keep going
                log.exception("outbox: a round failed; trying again")
                handled = 0
            if not handled and not stop.is_set():
                wait(POLL_SECONDS)

    # -- one row ------------------------------------------------------------------------------

    def _handle(self, session: Any, row: ClaimedRow) -> None:
        try:
            for attempt in Retrying(retry=retry_if_exception_type(TransientError),
                                    stop=stop_after_attempt(self.quick_retries),
                                    wait=wait_exponential(multiplier=0.1, max=1.0), reraise=True):
                with attempt:
                    self._deliver(session, row)
        except PermanentError as exc:
            self._give_up(session, row, str(exc))
        except (TransientError, OSError) as exc:
            self._failed(session, row, str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the other rows
            log.exception("outbox: unexpected error on row=%s key=%s", row.id, row.stable_key)
            self._failed(session, row, f"{type(exc).__name__}: {exc}")
        else:
            outbox_repo.mark_delivered(session, row.id, self.clock())
            log.info("outbox: delivered row=%s key=%s", row.id, row.stable_key)

    def _deliver(self, session: Any, row: ClaimedRow) -> None:
        if row.kind == MAIL:
            self._send_mail(row)
        elif row.kind == EDI_ACK:
            self._drop_ack(session, row)
        elif row.kind == ERP_EXPORT:
            write_export(self.settings.paths.export, row.payload, order_id=row.order_id,
                         erp=self.settings.erp, write=self.transports.export_write)
        else:
            raise PermanentError(f"unknown outbox kind {row.kind!r}")

    def _send_mail(self, row: ClaimedRow) -> None:
        msg = build_mail(row.payload, stable_key=row.stable_key, order_id=row.order_id,
                         settings=self.settings)
        local = self.clock().astimezone(ZoneInfo(self.settings.timezone))
        msg["Date"] = format_datetime(local)
        self.transports.mail.send(msg, list(row.payload["to"]))

    def _drop_ack(self, session: Any, row: ClaimedRow) -> None:
        payload = self._with_controls(session, row)
        built = datetime.fromisoformat(payload["built_at"])
        env = payload["envelope"]
        controls = payload["controls"]
        if payload["ack"] in ("997", "855"):
            numbers = x12_out.Controls(controls["interchange"], controls["group"])
            build = x12_out.functional_ack if payload["ack"] == "997" else x12_out.po_ack
            text, partner, ext = build(payload, numbers, built), env.get("isa_sender", ""), "x12"
        else:
            build = edifact_out.contrl if payload["ack"] == "CONTRL" else edifact_out.ordrsp
            text = build(payload, controls["interchange"], built)
            partner, ext = env.get("unb_sender", ""), "edi"
        name = f"{safe_name(row.stable_key)}.{payload['ack'].lower()}.{ext}"
        self.transports.edi.deliver(partner, name, text.encode("utf-8"))

    def _with_controls(self, session: Any, row: ClaimedRow) -> dict[str, Any]:
        """Control numbers and build time, taken once and kept on the row so a re-send is identical."""
        payload = row.payload
        if "controls" in payload:
            return payload
        try:
            if payload["ack"] in ("997", "855"):
                controls = {"interchange": outbox_repo.next_counter(session, "x12.interchange"),
                            "group": outbox_repo.next_counter(session, "x12.group")}
            else:
                controls = {"interchange": outbox_repo.next_counter(session, "edifact.interchange")}
            payload = {**payload, "controls": controls, "built_at": self.clock().isoformat()}
            outbox_repo.update_payload(session, row.id, payload)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        row.payload.update(payload)
        return payload

    # -- failures -----------------------------------------------------------------------------

    def _failed(self, session: Any, row: ClaimedRow, error: str) -> None:
        if row.attempts >= self.settings.thresholds.outbox_max_attempts:
            self._give_up(session, row, error)
            return
        delay = min(self.settings.thresholds.outbox_backoff_seconds * 2 ** (row.attempts - 1),
                    MAX_BACKOFF_SECONDS)
        when = self.clock() + timedelta(seconds=delay)
        outbox_repo.schedule_retry(session, row.id, error=error, next_attempt_at=when)
        log.warning("outbox: attempt %d failed row=%s key=%s, retry at %s: %s",
                    row.attempts, row.id, row.stable_key, when.isoformat(), error)

    def _give_up(self, session: Any, row: ClaimedRow, error: str) -> None:
        outbox_repo.mark_dead(session, row.id, error=error)
        log.error("outbox: row=%s key=%s is dead after %d attempts: %s",
                  row.id, row.stable_key, row.attempts, error)
        if row.payload.get("purpose") == "dead_letter":
            return  # an alert about an alert would loop; the log line above is the alert
        alert = {"purpose": "dead_letter", "to": list(self.settings.staff_emails) or [DEFAULT_STAFF],
                 "kind": row.kind, "dead_key": row.stable_key, "error": error,
                 "attempts": row.attempts}
        outbox_repo.add_rows(session, [{"kind": MAIL, "stable_key": f"dead:{row.id}",
                                        "payload": alert, "order_id": row.order_id}], self.clock())

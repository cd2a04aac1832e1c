"""Shadow mode: everything is read, reconciled and stored, but nothing leaves for customers,
partners or the ERP; staff get a copy of each thing that would have left.

A desk runs orderdesk beside its clerks this way before trusting it. The planner marks the rows
that would leave (`hold`) when they are planned, so switching to live mode later never sends
what was held: those rows stay `held`. The sender renders a held row exactly as it would have
(the mail, the acknowledgement file, the ERP import files) and mails it to staff instead.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from outbox.mails import mail_domain, stable_message_id
from outbox.plan import DEFAULT_STAFF, EDI_ACK, ERP_EXPORT, ERP_MAPPING, MAIL
from outbox.settings import OutboxSettings
from store.records import OutboxRow

SHADOW = "shadow"
# Mail purposes addressed to customers; every other mail goes to staff and is sent as usual.
CUSTOMER_PURPOSES = frozenset({"confirmation", "query", "rejection"})


def leaves(kind: str, payload: dict[str, Any]) -> bool:
    """Whether a row of this kind and payload would go outside: to a customer, partner or the ERP."""
    if kind in (EDI_ACK, ERP_EXPORT, ERP_MAPPING):
        return True
    return kind == MAIL and payload.get("purpose") in CUSTOMER_PURPOSES


def hold(rows: list[OutboxRow], mode: str) -> list[OutboxRow]:
    """In shadow mode, mark the rows that would leave as held; otherwise return them unchanged."""
    if mode != SHADOW:
        return rows
    return [replace(row, payload={**row.payload, SHADOW: True}) if leaves(row.kind, row.payload) else row
            for row in rows]


def is_held(payload: dict[str, Any]) -> bool:
    """A row planned in shadow mode: staff get a copy, nobody else anything, ever."""
    return bool(payload.get(SHADOW))


def staff_copy(what: str, recipients: Sequence[str], files: Sequence[tuple[str, bytes]], *,
               stable_key: str, settings: OutboxSettings) -> tuple[EmailMessage, list[str]]:
    """The mail that tells staff what would have been sent (the rendered files attached) and to whom."""
    staff = list(settings.staff_emails) or [DEFAULT_STAFF]
    msg = EmailMessage()
    _name, addr = parseaddr(settings.smtp.sender)
    msg["From"] = addr or "orderdesk@localhost"
    msg["To"] = ", ".join(staff)
    msg["Subject"] = f"[shadow] not sent: {what}"
    msg["Message-ID"] = stable_message_id(f"shadow:{stable_key}", mail_domain(settings))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Orderdesk-Shadow"] = ", ".join(recipients) or "-"
    msg.set_content(
        "orderdesk runs in shadow mode: it read, checked and stored this order, but sent nothing.\n"
        f"In live mode it would have sent {what} to {', '.join(recipients) or 'nobody'}.\n"
        "The attachment is exactly what would have been sent. Held items are never sent later,\n"
        "also not after switching to live mode.\n", charset="utf-8")
    for filename, data in files:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg, staff

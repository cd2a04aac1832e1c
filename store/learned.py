"""What clerks taught at the review desk: customers' item codes and customer aliases.

Rows are only ever added, each with who taught it and when; the newest row for a key (a
customer and its item code, or an alias kind and text) counts, so remembering a code again
corrects it and the history stays. Forgetting adds a row too: one naming no item (or no
customer), which, being the newest, says the key is no longer taught. Every "remember" is written together with its audit entry.
`learned_version` changes with every row: the document service compares it before each
document and lays the new teaching over its catalog (pipeline.service), so running workers
use it at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reconcile.catalog import AliasKind, CustomerAlias, CustomerItem, LearnedRecords
from reconcile.snapshot import code_key, sender_key
from reconcile.textnorm import name_key
from store import audit
from store.audit import AuditRecord
from store.models import CustomerItemRow, LearnedAlias, LearnedItem, OutboxItem
from store.outbox import next_counter

ITEMS = LearnedItem.__table__
ALIASES = LearnedAlias.__table__
BUNDLE_ITEMS = CustomerItemRow.__table__
FORGOTTEN = ""   # the item (or customer) of a row that forgets its key


@dataclass(frozen=True, slots=True)
class TaughtItem:
    """A learned customer item code as it stands, with who taught it and when."""

    item: CustomerItem
    user: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TaughtAlias:
    """A learned customer alias as it stands, with who taught it and when."""

    alias: CustomerAlias
    user: str
    at: datetime


def remember_item(session: Session, item: CustomerItem, *, by: str, now: datetime,
                  document_id: int | None = None, order_id: int | None = None) -> None:
    """Teach that `item.customer` orders `item.material` as `item.code`, audited; commits."""
    if not (item.customer and item.code.strip() and item.material):
        raise ValueError("a customer, the customer's item code and our item are all needed")
    before = _item_before(session, item.customer, item.code)
    session.execute(sa.insert(ITEMS).values(customer=item.customer, code=item.code.strip(), name=item.name.strip(),
                                            material=item.material, user_name=by, at=now))
    detail = (f"customer {item.customer}: item code {item.code.strip()!r} means {item.material} "
              f"(was {before or 'not known'})")
    audit.record(session, AuditRecord(now, by, "remember item", detail, document_id=document_id, order_id=order_id))


def remember_alias(session: Session, alias: CustomerAlias, *, by: str, now: datetime,
                   document_id: int | None = None, order_id: int | None = None) -> None:
    """Teach that a sender address or printed company name means `alias.customer`, audited; commits."""
    text = alias.text.strip()
    if alias.kind not in AliasKind.ALL or not alias.customer or not _alias_key(alias.kind, text):
        raise ValueError("a customer and a sender address or company name are all needed")
    if alias.kind == AliasKind.SENDER and "@" not in text:
        raise ValueError(f"{text!r} is not an e-mail address or an @domain")
    before = next((t.alias.customer for t in taught_aliases(session)
                   if (t.alias.kind, _alias_key(t.alias.kind, t.alias.text)) == (alias.kind, _alias_key(alias.kind, text))),
                  None)
    session.execute(sa.insert(ALIASES).values(kind=alias.kind, alias=text, customer=alias.customer,
                                              user_name=by, at=now))
    detail = f"{alias.kind} {text!r} means customer {alias.customer} (was {before or 'not known'})"
    audit.record(session, AuditRecord(now, by, "remember customer", detail, document_id=document_id,
                                      order_id=order_id))


def forget_item(session: Session, customer: str, code: str, *, by: str, now: datetime) -> CustomerItem:
    """Stop using a learned customer item code (the bundle's own mapping, if any, counts again),
    audited; commits. Returns what was forgotten; LookupError when nothing taught stands for it."""
    key = (customer, code_key(code))
    found = next((t.item for t in taught_items(session) if (t.item.customer, code_key(t.item.code)) == key), None)
    if found is None:
        raise LookupError(f"nothing is taught for customer {customer}'s item code {code!r}")
    session.execute(sa.insert(ITEMS).values(customer=found.customer, code=found.code, name="", material=FORGOTTEN,
                                            user_name=by, at=now))
    detail = f"customer {found.customer}: item code {found.code!r} no longer means {found.material}"
    audit.record(session, AuditRecord(now, by, "forget item", detail))
    return found


def sent_to_erp(session: Session, customer: str, code: str, key_prefix: str = "custmat:") -> str | None:
    """Whether a taught mapping of this customer's code was planned for the ERP (written to K3
    Cloud, or on its way): the newest such outbox row's status, else None. Forgetting a code
    does not take it back there."""
    outbox = OutboxItem.__table__
    ids = [row.id for row in session.execute(sa.select(ITEMS.c.id, ITEMS.c.code).where(ITEMS.c.customer == customer))
           if code_key(row.code) == code_key(code)]
    if not ids:
        return None
    return session.execute(sa.select(outbox.c.status).where(
        outbox.c.stable_key.in_([f"{key_prefix}{i}" for i in ids])).order_by(outbox.c.id.desc()).limit(1)).scalar()


def forget_alias(session: Session, kind: str, text: str, *, by: str, now: datetime) -> CustomerAlias:
    """Stop using a learned sender address or company name, audited; commits. Returns what was
    forgotten; LookupError when nothing taught stands for it."""
    key = (kind, _alias_key(kind, text)) if kind in AliasKind.ALL else None
    found = next((t.alias for t in taught_aliases(session)
                  if (t.alias.kind, _alias_key(t.alias.kind, t.alias.text)) == key), None)
    if found is None:
        raise LookupError(f"nothing is taught for the {kind} {text!r}")
    session.execute(sa.insert(ALIASES).values(kind=found.kind, alias=found.text, customer=FORGOTTEN,
                                              user_name=by, at=now))
    detail = f"{found.kind} {found.text!r} no longer means customer {found.customer}"
    audit.record(session, AuditRecord(now, by, "forget customer", detail))
    return found


def taught_items(session: Session) -> list[TaughtItem]:
    """The learned item codes as they stand (newest per customer and code, less the forgotten),
    by customer and code."""
    newest: dict[tuple[str, str], TaughtItem] = {}
    for row in session.execute(sa.select(ITEMS).order_by(ITEMS.c.id)):
        item = CustomerItem(row.customer, row.code, row.name, row.material)
        newest[(row.customer, code_key(row.code))] = TaughtItem(item, row.user_name, row.at)
    return [newest[key] for key in sorted(newest) if newest[key].item.material != FORGOTTEN]


def taught_aliases(session: Session) -> list[TaughtAlias]:
    """The learned aliases as they stand (newest per kind and text, less the forgotten), by kind
    and text."""
    newest: dict[tuple[str, str], TaughtAlias] = {}
    for row in session.execute(sa.select(ALIASES).order_by(ALIASES.c.id)):
        alias = CustomerAlias(row.customer, row.kind, row.alias)
        newest[(row.kind, _alias_key(row.kind, row.alias))] = TaughtAlias(alias, row.user_name, row.at)
    return [newest[key] for key in sorted(newest) if newest[key].alias.customer != FORGOTTEN]


def load_learned(session: Session) -> LearnedRecords:
    """What reconciliation lays over the bundle: the learned codes and aliases as they stand."""
    return LearnedRecords(customer_items=tuple(t.item for t in taught_items(session)),
                          aliases=tuple(t.alias for t in taught_aliases(session)))


def learned_version(session: Session) -> str:
    """A value that changes whenever something is taught (rows are only added)."""
    items = session.execute(sa.select(sa.func.max(ITEMS.c.id))).scalar_one_or_none() or 0
    aliases = session.execute(sa.select(sa.func.max(ALIASES.c.id))).scalar_one_or_none() or 0
    return f"{items}.{aliases}"


def first_to_tell_of_stale(session: Session, fingerprint: str) -> bool:
    """True for the first caller (of every process and node) for this catalog version, so the
    taught rows it cannot use are logged once per version, not once per worker; commits."""
    try:
        first = next_counter(session, f"stale learned {fingerprint[:40]}") == 1
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return first


def _alias_key(kind: str, text: str) -> str:
    return sender_key(text) if kind == AliasKind.SENDER else name_key(text)


def _item_before(session: Session, customer: str, code: str) -> str | None:
    """What the customer's code meant before: the newest learned row, else the bundle's."""
    key = code_key(code)
    learned = session.execute(sa.select(ITEMS.c.code, ITEMS.c.material).where(ITEMS.c.customer == customer)
                              .order_by(ITEMS.c.id.desc())).all()
    bundle = session.execute(sa.select(BUNDLE_ITEMS.c.code, BUNDLE_ITEMS.c.material)
                             .where(BUNDLE_ITEMS.c.customer == customer)).all()
    newest = next(((found, material) for found, material in learned if code_key(found) == key), None)
    if newest is not None and newest[1] != FORGOTTEN:
        return newest[1]
    return next((material for found, material in bundle if code_key(found) == key), None)


def unplanned_items(session: Session, key_prefix: str) -> list[tuple[int, CustomerItem]]:
    """Learned item codes as they stand (newest per customer and code) that have no outbox row
    `<key_prefix><learned id>` yet: what is still to be written to the ERP, oldest first."""
    outbox = OutboxItem.__table__
    planned = sa.exists().where(outbox.c.stable_key == sa.literal(key_prefix) + sa.cast(ITEMS.c.id, sa.String))
    newest: dict[tuple[str, str], int] = {}
    for row in session.execute(sa.select(ITEMS.c.id, ITEMS.c.customer, ITEMS.c.code).order_by(ITEMS.c.id)):
        newest[(row.customer, code_key(row.code))] = row.id
    rows = session.execute(sa.select(ITEMS).where(ITEMS.c.id.in_(list(newest.values())), ~planned,
                                                  ITEMS.c.material != FORGOTTEN)
                           .order_by(ITEMS.c.id)) if newest else []
    return [(row.id, CustomerItem(row.customer, row.code, row.name, row.material)) for row in rows]

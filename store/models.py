"""SQLModel tables: the document ledger, orders and their outbox, and the catalog copy.

Money and quantities are stored as decimal strings (`str(Decimal)`), which round-trip
exactly in SQLite and PostgreSQL alike; time stamps are `UTCDateTime`, always tz-aware UTC.
The schema itself is created only by the alembic migrations in `store/migrations`.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


# Named constraints, so later migrations (SQLite batch mode included) can drop and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A tz-aware UTC time stamp; SQLite forgets the zone, so it is put back on the way out."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass tz-aware UTC times to the store")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class DocumentStatus:
    """Where a document is. The final states: `processed` (it yielded orders, each with its own
    status), `not_an_order` and `failed` (with the sentence why), `repeat` (of `repeat_of`);
    and, when a clerk decided a document without an order to approve, `handled` (seen, nothing
    to do) or `rejected` (the sender was told why, when known)."""

    NEW = "new"
    CLAIMED = "claimed"
    PROCESSED = "processed"
    NOT_AN_ORDER = "not_an_order"
    REPEAT = "repeat"
    FAILED = "failed"
    HANDLED = "handled"
    REJECTED = "rejected"


class OutboxStatus:
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    DEAD = "dead"
    HELD = "held"          # shadow mode: staff got a copy; never sent to its recipient


class Blob(SQLModel, table=True):
    __tablename__ = "blobs"

    sha256: str = Field(primary_key=True, max_length=64)
    data: bytes = Field(sa_type=sa.LargeBinary)


class Document(SQLModel, table=True):
    """One arrived file or message, as raw bytes plus where it came from and how far it got."""

    __tablename__ = "documents"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True, foreign_key="blobs.sha256")
    size: int
    filename: str
    source: str = Field(max_length=32)
    source_ref: str | None = None
    message_id: str | None = Field(default=None, index=True)
    received_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=DocumentStatus.NEW, max_length=16, index=True)
    reason: str | None = Field(default=None, sa_type=sa.Text)  # why no order: failed, not one, repeat
    repeat_of: int | None = Field(default=None, foreign_key="documents.id")
    sender: str | None = None                                   # a mail's From address
    subject: str | None = Field(default=None, sa_type=sa.Text)  # a mail's Subject
    customer_code: str | None = None  # known without an order (e.g. the sender of a non-order)
    kind: str | None = Field(default=None, max_length=16)  # what its bytes are (pdf, tiff, mail, x12, ...)
    customer_search: str | None = Field(default=None, sa_type=sa.Text)  # code and names folded (store.folding)
    claimed_by: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0


class Order(SQLModel, table=True):
    """One order read from a document; `payload_json` is its full CONTRACT §3 JSON."""

    __tablename__ = "orders"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", index=True)
    source_path: str
    source_part: str | None = None
    source_kind: str | None = Field(default=None, max_length=16)
    status: str = Field(max_length=16, index=True)
    customer_code: str | None = Field(default=None, index=True)
    customer_name: str | None = None
    customer_email: str | None = None
    customer_search: str | None = Field(default=None, sa_type=sa.Text)  # name and code folded (store.folding)
    po_number: str | None = Field(default=None, index=True)
    order_date: date | None = None
    delivery_date: date | None = None
    currency: str | None = Field(default=None, max_length=8)
    ship_to: str | None = Field(default=None, sa_type=sa.Text)
    total: str | None = Field(default=None, max_length=40)
    is_change: bool = False
    failure: str | None = Field(default=None, sa_type=sa.Text)
    payload_json: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # re-processed since
    erp_bill_no: str | None = Field(default=None, max_length=64)  # K3 Cloud's FBillNo once saved there


class DocumentHistory(SQLModel, table=True):
    """A re-processed document's previous outcome: its state, reason and orders (JSON)."""

    __tablename__ = "document_history"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="documents.id", index=True)
    status: str = Field(max_length=16)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    orders_json: str = Field(sa_type=sa.Text)
    replaced_at: datetime = Field(sa_type=UTCDateTime)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    line_no: int
    customer_sku: str | None = None
    description: str | None = Field(default=None, sa_type=sa.Text)
    quantity: str | None = Field(default=None, max_length=40)
    unit: str | None = Field(default=None, max_length=16)
    unit_price: str | None = Field(default=None, max_length=40)
    sku: str | None = Field(default=None, index=True)
    provenance_json: str | None = Field(default=None, sa_type=sa.Text)
    confidence: float | None = None


class AnomalyRow(SQLModel, table=True):
    __tablename__ = "anomalies"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    line_no: int | None = None
    code: str = Field(max_length=40, index=True)
    message: str = Field(default="", sa_type=sa.Text)
    detail_json: str | None = Field(default=None, sa_type=sa.Text)  # the numbers behind the sentence (JSON)


class OutboxItem(SQLModel, table=True):
    """Something to deliver (mail, EDI ack, ERP export); `stable_key` makes a repeat recognisable."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    kind: str = Field(max_length=32)
    stable_key: str = Field(unique=True)
    payload_json: str = Field(sa_type=sa.Text)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=255)  # sender (host) holding it `sending`


class SeenPo(SQLModel, table=True):
    """A (customer, PO number) already processed, for `DUPLICATE_PO`."""

    __tablename__ = "seen_pos"
    __table_args__ = (sa.UniqueConstraint("customer_key", "po_number", name="uq_seen_pos_key"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_key: str
    po_number: str
    order_id: int | None = Field(default=None, foreign_key="orders.id")


# --- the catalog copy (CONTRACT §1); `id` keeps the bundle's row order -----------------------


class MaterialRow(SQLModel, table=True):
    __tablename__ = "materials"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    name: str
    specification: str = ""
    base_unit: str = Field(max_length=16)
    barcode: str | None = Field(default=None, index=True)
    pack_qty: str = Field(max_length=40)
    min_qty: str = Field(max_length=40)
    lead_days: int = 0
    active: bool = True


class CustomerRow(SQLModel, table=True):
    __tablename__ = "customers"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    name: str
    short_name: str = ""
    emails: str = ""                       # ';'-joined, lower-case
    edi_id: str | None = None
    currency: str = Field(default="CNY", max_length=8)
    credit_limit: str | None = Field(default=None, max_length=40)
    open_amount: str = Field(default="0", max_length=40)
    address: str | None = Field(default=None, sa_type=sa.Text)


class PriceRow(SQLModel, table=True):
    __tablename__ = "prices"

    id: int | None = Field(default=None, primary_key=True)
    material: str = Field(index=True)
    price: str = Field(max_length=40)
    customer: str | None = None
    from_qty: str = Field(default="0", max_length=40)
    to_qty: str | None = Field(default=None, max_length=40)
    effective: date | None = None
    expiry: date | None = None
    currency: str | None = Field(default=None, max_length=8)
    includes_tax: bool | None = None      # FIsIncludedTax; None = the configured default


class CustomerItemRow(SQLModel, table=True):
    __tablename__ = "customer_items"

    id: int | None = Field(default=None, primary_key=True)
    customer: str = Field(index=True)
    code: str
    name: str = ""
    material: str


class StockRow(SQLModel, table=True):
    __tablename__ = "stock"

    id: int | None = Field(default=None, primary_key=True)
    material: str
    qty: str = Field(max_length=40)


class UnitRow(SQLModel, table=True):
    __tablename__ = "units"

    id: int | None = Field(default=None, primary_key=True)
    material: str | None = None
    from_unit: str = Field(max_length=16)
    to_unit: str = Field(max_length=16)
    rate: str = Field(max_length=40)


class CatalogMeta(SQLModel, table=True):
    """The one row saying which catalog the tables hold and when it was loaded."""

    __tablename__ = "catalog_meta"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    loaded_at: datetime = Field(sa_type=UTCDateTime)
    source: str | None = Field(default=None, max_length=64)   # digest of the bundle files read


class CatalogPack(SQLModel, table=True):
    """The loaded catalog packed for the snapshot (reconcile.catalog_pack), written with the
    catalog: workers on every node map it instead of re-indexing the rows."""

    __tablename__ = "catalog_pack"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
    format: int
    data: bytes = Field(sa_type=sa.LargeBinary)


class WatchState(SQLModel, table=True):
    """Where a watcher got to in one source (an IMAP folder: its UIDVALIDITY and last UID),
    and when the source last answered, so a silent source can be noticed."""

    __tablename__ = "watch_state"

    source_key: str = Field(primary_key=True, max_length=255)   # e.g. "imap:main:INBOX"
    uidvalidity: int | None = None
    last_uid: int = 0
    last_contact_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    detail_json: str | None = Field(default=None, sa_type=sa.Text)


class Counter(SQLModel, table=True):
    """A persistent sequence, such as the control numbers of outgoing EDI interchanges."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True, max_length=64)
    value: int = 0


# --- the review desk: its users, their sessions, failed sign-ins ------------------------------


class UserRole:
    CLERK = "clerk"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A person who signs in to the review desk; only an argon2 hash of the password is kept."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    role: str = Field(default=UserRole.CLERK, max_length=16)
    password_hash: str = Field(sa_type=sa.Text)
    must_change_password: bool = False    # a one-time password: the first sign-in sets a new one
    disabled: bool = False
    language: str = Field(default="zh", max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A signed-in browser; `token_hash` is the sha256 of the cookie, never the cookie itself."""

    __tablename__ = "web_sessions"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="users.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class SigninFailure(SQLModel, table=True):
    """One wrong password, kept a while so repeated guessing can be refused on every node."""

    __tablename__ = "signin_failures"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    remote: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class AuditEntry(SQLModel, table=True):
    """One thing a person did at the review desk; rows are only ever added (store.audit)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    user_name: str = Field(max_length=64)
    action: str = Field(max_length=32)
    detail: str = Field(sa_type=sa.Text)
    document_id: int | None = Field(default=None, index=True)
    order_id: int | None = None
    outbox_id: int | None = None


class LearnedItem(SQLModel, table=True):
    """A customer's own item code a clerk taught ("remember"); rows are only ever added and the
    newest for a customer and code counts (store.learned)."""

    __tablename__ = "learned_items"

    id: int | None = Field(default=None, primary_key=True)
    customer: str = Field(max_length=64)
    code: str = Field(max_length=128)
    name: str = Field(default="", max_length=255)
    material: str = Field(max_length=64)
    user_name: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)


class LearnedAlias(SQLModel, table=True):
    """A sender address or printed company name a clerk taught to mean a customer; rows are
    only ever added and the newest for a kind and text counts (store.learned)."""

    __tablename__ = "learned_aliases"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    alias: str = Field(max_length=255)
    customer: str = Field(max_length=64)
    user_name: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)


class OrderDraft(SQLModel, table=True):
    """A clerk's corrections to one order (or an order typed in for a document that has none),
    kept until the order is approved or rejected; `draft_key` is "<document>:<order>" or
    "<document>:new"."""

    __tablename__ = "order_drafts"

    id: int | None = Field(default=None, primary_key=True)
    draft_key: str = Field(max_length=64, unique=True)
    document_id: int = Field(foreign_key="documents.id", index=True)
    order_id: int | None = None
    draft_json: str = Field(sa_type=sa.Text)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: str = Field(max_length=64)

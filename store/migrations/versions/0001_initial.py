"""Initial schema: document ledger, blobs, orders, lines, anomalies, outbox, seen POs, catalog.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UTC_TIME = sa.DateTime(timezone=True)
DECIMAL = sa.String(length=40)   # decimals are stored as their exact string


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    _ledger()
    _orders()
    _catalog()


def _ledger() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    op.create_table(
        "documents",
        _id(),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(), nullable=True),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("claimed_at", UTC_TIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name="fk_documents_sha256_blobs"),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("sha256", name="uq_documents_sha256"),
    )
    op.create_index("ix_documents_message_id", "documents", ["message_id"])
    op.create_index("ix_documents_status", "documents", ["status"])


def _orders() -> None:
    op.create_table(
        "orders",
        _id(),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("source_part", sa.String(), nullable=True),
        sa.Column("source_kind", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_code", sa.String(), nullable=True),
        sa.Column("customer_name", sa.String(), nullable=True),
        sa.Column("customer_email", sa.String(), nullable=True),
        sa.Column("po_number", sa.String(), nullable=True),
        sa.Column("order_date", sa.Date(), nullable=True),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("ship_to", sa.Text(), nullable=True),
        sa.Column("total", DECIMAL, nullable=True),
        sa.Column("is_change", sa.Boolean(), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name="fk_orders_document_id_documents"),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
    )
    for column in ("document_id", "status", "customer_code", "po_number"):
        op.create_index(f"ix_orders_{column}", "orders", [column])
    op.create_table(
        "order_lines",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("customer_sku", sa.String(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("quantity", DECIMAL, nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("unit_price", DECIMAL, nullable=True),
        sa.Column("sku", sa.String(), nullable=True),
        sa.Column("provenance_json", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_order_lines_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_order_lines"),
    )
    op.create_index("ix_order_lines_order_id", "order_lines", ["order_id"])
    op.create_index("ix_order_lines_sku", "order_lines", ["sku"])
    op.create_table(
        "anomalies",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_anomalies_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_anomalies"),
    )
    op.create_index("ix_anomalies_order_id", "anomalies", ["order_id"])
    op.create_index("ix_anomalies_code", "anomalies", ["code"])
    op.create_table(
        "outbox",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("stable_key", sa.String(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("delivered_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_outbox_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("stable_key", name="uq_outbox_stable_key"),
    )
    op.create_index("ix_outbox_order_id", "outbox", ["order_id"])
    op.create_index("ix_outbox_status_next", "outbox", ["status", "next_attempt_at"])
    op.create_table(
        "seen_pos",
        _id(),
        sa.Column("customer_key", sa.String(), nullable=False),
        sa.Column("po_number", sa.String(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_seen_pos_order_id_orders"),
        sa.PrimaryKeyConstraint("id", name="pk_seen_pos"),
        sa.UniqueConstraint("customer_key", "po_number", name="uq_seen_pos_key"),
    )


def _catalog() -> None:
    op.create_table(
        "materials",
        _id(),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("specification", sa.String(), nullable=False),
        sa.Column("base_unit", sa.String(length=16), nullable=False),
        sa.Column("barcode", sa.String(), nullable=True),
        sa.Column("pack_qty", DECIMAL, nullable=False),
        sa.Column("min_qty", DECIMAL, nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_materials"),
        sa.UniqueConstraint("number", name="uq_materials_number"),
    )
    op.create_index("ix_materials_barcode", "materials", ["barcode"])
    op.create_table(
        "customers",
        _id(),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("short_name", sa.String(), nullable=False),
        sa.Column("emails", sa.String(), nullable=False),
        sa.Column("edi_id", sa.String(), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("credit_limit", DECIMAL, nullable=True),
        sa.Column("open_amount", DECIMAL, nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("number", name="uq_customers_number"),
    )
    op.create_table(
        "prices",
        _id(),
        sa.Column("material", sa.String(), nullable=False),
        sa.Column("price", DECIMAL, nullable=False),
        sa.Column("customer", sa.String(), nullable=True),
        sa.Column("from_qty", DECIMAL, nullable=False),
        sa.Column("to_qty", DECIMAL, nullable=True),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("expiry", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_prices"),
    )
    op.create_index("ix_prices_material", "prices", ["material"])
    op.create_table(
        "customer_items",
        _id(),
        sa.Column("customer", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("material", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_items"),
    )
    op.create_index("ix_customer_items_customer", "customer_items", ["customer"])
    op.create_table(
        "stock",
        _id(),
        sa.Column("material", sa.String(), nullable=False),
        sa.Column("qty", DECIMAL, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stock"),
    )
    op.create_table(
        "units",
        _id(),
        sa.Column("material", sa.String(), nullable=True),
        sa.Column("from_unit", sa.String(length=16), nullable=False),
        sa.Column("to_unit", sa.String(length=16), nullable=False),
        sa.Column("rate", DECIMAL, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
    )
    op.create_table(
        "catalog_meta",
        _id(),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_meta"),
    )


def downgrade() -> None:
    for table in ("catalog_meta", "units", "stock", "customer_items", "prices", "customers",
                  "materials", "seen_pos", "outbox", "anomalies", "order_lines", "orders",
                  "documents", "blobs"):
        op.drop_table(table)

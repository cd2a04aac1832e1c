"""The review desk's customer filter and anomaly sentences.

`customer_search` on orders and documents holds the customer's name and code folded (NFKC,
then Unicode case folding) in Python, so filtering by part of a name works for accented and
Chinese names alike on SQLite (whose lower() folds ASCII only) and PostgreSQL (whose lower()
depends on the database's locale). `anomalies.detail_json` keeps each anomaly's structured
details, from which the desk says the sentence in the clerk's language.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
import unicodedata
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _folded(*parts):
    # The same folding as store.folding.folded, written out: a migration keeps its own code.
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return unicodedata.normalize("NFKC", text).casefold() or None


def upgrade() -> None:
    for table in ("orders", "documents"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("customer_search", sa.Text(), nullable=True))
    with op.batch_alter_table("anomalies") as batch:
        batch.add_column(sa.Column("detail_json", sa.Text(), nullable=True))
    conn = op.get_bind()
    orders = sa.table("orders", sa.column("id"), sa.column("customer_name"), sa.column("customer_code"),
                      sa.column("customer_search"))
    for row in conn.execute(sa.select(orders.c.id, orders.c.customer_name, orders.c.customer_code)).all():
        conn.execute(orders.update().where(orders.c.id == row.id).values(
            customer_search=_folded(row.customer_name, row.customer_code)))
    documents = sa.table("documents", sa.column("id"), sa.column("customer_code"), sa.column("customer_search"))
    customers = sa.table("customers", sa.column("number"), sa.column("name"), sa.column("short_name"))
    names = {r.number: (r.name, r.short_name) for r in conn.execute(sa.select(customers)).all()}
    for row in conn.execute(sa.select(documents.c.id, documents.c.customer_code)
                            .where(documents.c.customer_code.is_not(None))).all():
        conn.execute(documents.update().where(documents.c.id == row.id).values(
            customer_search=_folded(row.customer_code, *names.get(row.customer_code, ()))))


def downgrade() -> None:
    with op.batch_alter_table("anomalies") as batch:
        batch.drop_column("detail_json")
    for table in ("documents", "orders"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("customer_search")

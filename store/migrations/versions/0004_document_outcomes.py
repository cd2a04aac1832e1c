"""Every document ends somewhere visible: repeats, not-an-order reasons, re-processing history.

- `documents.sha256` is no longer unique: a second arrival of the same bytes is its own row,
  `status = 'repeat'` with `repeat_of` naming the first document (the blob is shared).
- `documents.failure` becomes `documents.reason`: the sentence why a document has no order
  (failed, not an order, a repeat).
- `orders.superseded_at`: set when the document is re-processed; the new outcome's orders are
  the current ones, the old ones stay for the history.
- `documents.sender`, `documents.subject` (a mail's, read at arrival) and
  `documents.customer_code` (the customer when known without an order, e.g. a mail that is not
  an order from a known address): what the queue shows for a document.
- `document_history`: each re-processed document's previous state, reason and orders.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("uq_documents_sha256", type_="unique")
        batch.alter_column("failure", new_column_name="reason", existing_type=sa.Text())
        batch.add_column(sa.Column("repeat_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sender", sa.String(), nullable=True))
        batch.add_column(sa.Column("subject", sa.Text(), nullable=True))
        batch.add_column(sa.Column("customer_code", sa.String(), nullable=True))
        batch.create_foreign_key("fk_documents_repeat_of_documents", "documents", ["repeat_of"], ["id"])
        batch.create_index("ix_documents_sha256", ["sha256"])
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("superseded_at", UTC_TIME, nullable=True))
    op.create_table(
        "document_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("orders_json", sa.Text(), nullable=False),
        sa.Column("replaced_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_document_history_document_id_documents"),
        sa.PrimaryKeyConstraint("id", name="pk_document_history"),
    )
    op.create_index("ix_document_history_document_id", "document_history", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_document_history_document_id", table_name="document_history")
    op.drop_table("document_history")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("superseded_at")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_sha256")
        batch.drop_constraint("fk_documents_repeat_of_documents", type_="foreignkey")
        batch.drop_column("repeat_of")
        batch.drop_column("sender")
        batch.drop_column("subject")
        batch.drop_column("customer_code")
        batch.alter_column("reason", new_column_name="failure", existing_type=sa.Text())
        batch.create_unique_constraint("uq_documents_sha256", ["sha256"])

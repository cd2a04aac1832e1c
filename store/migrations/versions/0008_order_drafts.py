"""Corrections a clerk is making to an order at the review desk, kept until approve or reject.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "order_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_key", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("draft_json", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name="fk_order_drafts_document_id_documents"),
        sa.PrimaryKeyConstraint("id", name="pk_order_drafts"),
        sa.UniqueConstraint("draft_key", name="uq_order_drafts_draft_key"),
    )
    op.create_index("ix_order_drafts_document_id", "order_drafts", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_order_drafts_document_id", table_name="order_drafts")
    op.drop_table("order_drafts")

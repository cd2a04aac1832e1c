"""Migration 0013 fills the folded customer text of orders and documents already stored, so
the queue's customer filter finds what arrived before the upgrade."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from store.db import alembic_config, make_engine, migrate


def test_rows_stored_before_0013_get_their_folded_customer_text(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO blobs (sha256, data) VALUES ('x', x'00')"))
        conn.execute(sa.text("INSERT INTO customers (number, name, short_name, emails, currency, open_amount) "
                             "VALUES ('C9', 'MÜLLER Großhandel', 'Müller', '', 'EUR', '0')"))
        for n, code in ((1, None), (2, "C9")):
            conn.execute(sa.text(
                "INSERT INTO documents (id, sha256, size, filename, source, received_at, status, attempts, customer_code)"
                " VALUES (:n, 'x', 1, 'f', 'mail', '2026-12-01 00:00:00', 'not_an_order', 1, :c)"), {"n": n, "c": code})
        conn.execute(sa.text(
            "INSERT INTO orders (id, document_id, source_path, status, customer_code, customer_name, is_change, "
            "payload_json, created_at) VALUES (1, 1, 'f', 'review', 'C7', 'École Fournitures', 0, '{}', "
            "'2026-12-01 00:00:00')"))
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT customer_search FROM orders")).scalar() == "école fournitures c7"
        assert dict(conn.execute(sa.text("SELECT id, customer_search FROM documents")).all()) == {
            1: None, 2: "c9 müller grosshandel müller"}
    engine.dispose()

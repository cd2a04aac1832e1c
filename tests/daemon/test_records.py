"""What `process` keeps in the database for people: provenance, confidence and anomaly sentences."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from store.db import make_engine

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"


def test_lines_keep_where_they_were_read_and_anomalies_keep_their_sentences(process_json, db_url):
    """Given an EDIFACT order with anomalies, the stored lines point at their segments and each
    stored anomaly has a sentence, while the printed JSON stays the bare contract."""
    printed = process_json(GOLDEN / "edifact-anomalies.edi", catalog=GOLDEN / "catalog")
    assert "_provenance" not in printed[0]["lines"][0]
    with make_engine(db_url).connect() as conn:
        provenance = [json.loads(p) for (p,) in conn.execute(sa.text(
            "SELECT provenance_json FROM order_lines ORDER BY line_no"))]
        anomalies = conn.execute(sa.text("SELECT code, line_no, message FROM anomalies")).all()
        payload = json.loads(conn.execute(sa.text("SELECT payload_json FROM orders")).scalar_one())
    assert all("segment" in p and "LIN" in p["segment"] for p in provenance)
    assert {a.code for a in anomalies} == {"PRICE_MISMATCH", "QTY_NOT_PACK_MULTIPLE", "UNKNOWN_ITEM",
                                           "DELIVERY_DATE_INFEASIBLE"}
    assert all(a.message.endswith(".") for a in anomalies)
    assert "po_number" in payload["_fields"]

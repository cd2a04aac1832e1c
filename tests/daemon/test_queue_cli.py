"""`orderdesk queue`, `show`, `reprocess` and `resend` on a database `orderdesk process` filled."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from store import outbox as outbox_store
from store.db import make_engine, session_scope, utcnow

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
NOTE = b"Hello, thank you for the samples; we will order again in spring.\n"


@pytest.fixture
def filled(tmp_path, monkeypatch, run_cli, db_url):
    """Documents 1-5: an EDI order with anomalies, its identical re-send, a note, an empty file,
    and a CSV order that is accepted."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(GOLDEN / "edifact-anomalies.edi", "po.edi")
    shutil.copy(GOLDEN / "csv-order.csv", "order.csv")
    Path("note.txt").write_bytes(NOTE)
    Path("empty.txt").write_bytes(b"")
    status, _, err = run_cli("process", "po.edi", "po.edi", "note.txt", "empty.txt", "order.csv",
                             "--catalog", GOLDEN / "catalog", "--db", db_url, "--today", "2026-11-20", "--json")
    assert status == 0, err
    return db_url


def queue(run_cli, db_url, *args: str) -> list[dict]:
    status, out, err = run_cli("queue", "--json", "--db", db_url, *args)
    assert status == 0, err
    return json.loads(out)["items"]


def test_queue_lists_each_document_that_needs_a_person_with_its_sentence(filled, run_cli):
    items = queue(run_cli, filled)
    by_doc = {(i["document_id"], i["state"]): i for i in items}
    assert set(by_doc) == {(1, "review"), (2, "repeat"), (3, "not_an_order"), (4, "failed")}
    assert by_doc[(1, "review")]["po_number"] == "BH-4480" and by_doc[(1, "review")]["order_id"] == 1
    assert by_doc[(1, "review")]["customer"] and "pack size" in by_doc[(1, "review")]["reason"]
    assert by_doc[(2, "repeat")]["reason"].startswith("The same content arrived before as document 1 (po.edi")
    assert by_doc[(2, "repeat")]["priority"] == "low"
    assert by_doc[(3, "not_an_order")]["name"] == "note.txt" and by_doc[(3, "not_an_order")]["priority"] == "low"
    assert by_doc[(4, "failed")]["priority"] == "normal"
    assert by_doc[(4, "failed")]["reason"] == "The file is empty."
    assert all(i["reason"].endswith(".") for i in items)


def test_queue_filters_by_state_and_time(filled, run_cli):
    assert [i["state"] for i in queue(run_cli, filled, "--status", "repeat")] == ["repeat"]
    both = queue(run_cli, filled, "--status", "failed", "--status", "not_an_order")
    assert [i["state"] for i in both] == ["failed", "not_an_order"]
    assert queue(run_cli, filled, "--since", "2999-01-01") == []
    status, _, err = run_cli("queue", "--db", filled, "--since", "soon")
    assert status == 2 and "--since" in err


def test_queue_text_is_one_line_per_item(filled, run_cli):
    status, out, _ = run_cli("queue", "--db", filled)
    lines = out.strip().splitlines()
    assert status == 0 and len(lines) == 4
    assert any(line.startswith("D4  failed") and "The file is empty." in line for line in lines)


def test_show_prints_a_document_or_an_order_with_provenance_and_sentences(filled, run_cli):
    status, out, _ = run_cli("show", "D1", "--json", "--db", filled)
    doc = json.loads(out)
    assert status == 0 and doc["state"] == "processed" and doc["repeats"] == [2]
    (order,) = doc["orders"]
    assert order["order"]["po_number"] == "BH-4480"
    assert all("LIN" in line["where"]["segment"] for line in order["provenance"])
    assert {a["code"] for a in order["anomalies"]} >= {"QTY_NOT_PACK_MULTIPLE", "UNKNOWN_ITEM"}
    assert order["outbox"] and all(a["message"].endswith(".") for a in order["anomalies"])
    status, out, _ = run_cli("show", "O1", "--db", filled)
    assert status == 0 and out.startswith("order O1: review, PO BH-4480")
    status, _, err = run_cli("show", "O1", "--original", "copy.edi", "--db", filled)
    assert status == 0 and Path("copy.edi").read_bytes() == (GOLDEN / "edifact-anomalies.edi").read_bytes()
    status, _, err = run_cli("show", "D1", "--original", "copy.edi", "--db", filled)
    assert status == 2 and "exists already" in err
    status, _, err = run_cli("show", "D99", "--db", filled)
    assert status == 2 and "no document 99" in err
    status, _, err = run_cli("show", "X1", "--db", filled)
    assert status == 2 and "neither a document" in err


def test_reprocess_keeps_the_old_outcome_in_the_history(filled, run_cli):
    status, out, _ = run_cli("reprocess", "4", "D2", "--db", filled)
    assert status == 0
    assert out.splitlines() == ["D4: was failed, now failed: order failed",
                                "D2: a repeat of D1; reprocess D1 instead"]
    status, out, _ = run_cli("show", "4", "--json", "--db", filled)
    doc = json.loads(out)
    assert [h["status"] for h in doc["history"]] == ["failed"]
    assert doc["history"][0]["orders"][0]["failure"] == "The file is empty."
    assert len(doc["orders"]) == 1 and doc["attempts"] == 2
    assert [i["document_id"] for i in queue(run_cli, filled, "--status", "failed")] == [4]


def test_resend_gives_a_dead_row_back_to_the_sender(filled, run_cli):
    engine = make_engine(filled)
    with session_scope(engine) as session:
        outbox_store.record_outcomes(session, [outbox_store.Outcome(1, "dead", "550 mailbox unavailable")],
                                     utcnow())
    dead = queue(run_cli, filled, "--status", "dead")
    assert [(i["outbox_id"], i["document_id"], i["reason"]) for i in dead] == [(1, 1, "550 mailbox unavailable")]
    status, out, _ = run_cli("resend", "1", "2", "--db", filled)
    assert status == 1
    assert out.splitlines() == ["outbox 1: queued to be sent again",
                                "outbox 2: not dead (unknown, pending or delivered): left alone"]
    with session_scope(engine) as session:
        assert outbox_store.backlog(session).get("dead") is None
    assert queue(run_cli, filled, "--status", "dead") == []

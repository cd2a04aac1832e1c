"""End to end through a real `orderdesk run`: Dovecot in, the aiosmtpd sink and export files out.

A batch of e-mails (text body, csv and xlsx attachments, a price the list does not know, a
message with no order) is APPENDed to Dovecot; EDI files (an X12 850, an EDIFACT ORDERS with an
unknown item, a truncated 850), a damaged PDF and a faxed TIFF are dropped into the watched
folders. Then: every accepted order has exactly one confirmation in the sink (found by its
stable Message-ID, sent to the customer) and one export file per format; every review order
one anomaly mail to staff; every failed document sits in the failure queue with a reason and
its staff alert; every IMAP message left INBOX for the processed folder.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.e2e import documents as d
from tests.e2e.ledger import exports_by_order, message_id, sink_ids, wait_settled
from tests.fixtures.daemon_proc import PROCESSED, STAFF

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
import gen_documents  # noqa: E402  (tests/data is not a package)

pytestmark = pytest.mark.timeout(180)
SETTLE_S = 120.0


def batch() -> list[d.Doc]:
    mails = [("text", *d.text_mail("HZ-E2E-T1"), "HZ-E2E-T1", "accepted"),
             ("csv", *d.csv_mail("HZ-E2E-C1"), "HZ-E2E-C1", "accepted"),
             ("xlsx", *d.xlsx_mail("HZ-E2E-X1"), "HZ-E2E-X1", "accepted"),
             ("price", *d.text_mail("HZ-E2E-R1", d.FOOD_LINES_WRONG_PRICE), "HZ-E2E-R1", "review"),
             ("chat", *d.chat_mail(), None, "none")]
    docs = [d.Doc(name, "imap", data, po, expect, mid) for name, data, mid, po, expect in mails]
    docs += [d.Doc("po-850.edi", "edi_inbox", d.x12_850("ET-E2E-1", control=501), "ET-E2E-1", "accepted"),
             d.Doc("orders.edi", "edi_inbox", d.edifact_review("BH-E2E-1", control="BHE2E1"), "BH-E2E-1", "review"),
             d.Doc("cut-850.edi", "edi_inbox", d.x12_truncated("ET-E2E-9", control=509), None, "failed"),
             d.Doc("scan.pdf", "fax_inbox", d.damaged_pdf(), None, "failed"),
             # A fax from a customer we do not know: review (its PO is OCR's reading, not checked).
             d.Doc("fax.tif", "fax_inbox", gen_documents.fax_tiff([gen_documents.fax_page()]), None, "review")]
    return docs


def customer_address(doc: d.Doc) -> str:
    """Where the confirmation goes: the sender of an e-mail order, else the catalog's FEmail."""
    return d.FOOD_SENDER if doc.where == "imap" else d.TRADING_EMAIL


def test_a_mixed_batch_comes_out_once_each(daemon_proc, dovecot, smtp_sink):
    docs = batch()
    for doc in docs:
        if doc.where == "imap":
            dovecot.append(doc.data)
    daemon_proc.start()
    for doc in docs:
        if doc.where != "imap":
            daemon_proc.drop(doc.where, doc.name, doc.data)
    engine = daemon_proc.engine()
    try:
        ledger = wait_settled(engine, len(docs), SETTLE_S, describe=daemon_proc.log_tail)
    finally:
        engine.dispose()

    assert len(ledger.documents) == len(docs)
    expected_mail: dict[str, list[str]] = {}
    for doc in docs:
        row = _row_of(ledger, doc)
        orders = [o for o in ledger.orders if o.document_id == row.id]
        if doc.expect == "none":
            assert row.status == "not_an_order" and row.reason and orders == [], doc.name
            continue
        assert len(orders) == 1, f"{doc.name}: {orders}"
        order = orders[0]
        assert order.status == doc.expect, f"{doc.name}: {order}"
        if doc.po is not None:
            assert order.po_number == doc.po
        if doc.expect == "accepted":
            expected_mail[message_id(f"confirm:{row.id}:0")] = [customer_address(doc)]
        elif doc.expect == "review":
            expected_mail[message_id(f"staff:{row.id}:0")] = list(STAFF)
        else:  # the failure queue: the document and its order failed, each with a sentence
            assert row.status == "failed" and row.reason, doc.name
            assert order.failure, doc.name
            expected_mail[message_id(f"staff:{row.id}:0")] = list(STAFF)

    received = {str(r.message["Message-ID"]): r for r in smtp_sink.received}
    counts = sink_ids(smtp_sink)
    assert {mid: counts[mid] for mid in expected_mail} == {mid: 1 for mid in expected_mail}
    assert set(counts) == set(expected_mail), "the sink got mail nobody asked for"
    for mid, recipients in expected_mail.items():
        assert received[mid].rcpt_tos == recipients, mid

    _confirmations_answer_the_customer_message(docs, ledger, received)
    rejections = list(daemon_proc.path("edi_outbound").rglob("reject_*.997.x12"))
    assert len(rejections) == 1, "the truncated 850 is answered with a rejecting 997"
    assert "AK5*R*2~" in rejections[0].read_text() and "AK9*R*1*1*0*2~" in rejections[0].read_text()
    accepted = [o for o in ledger.orders if o.status == "accepted"]
    assert exports_by_order(daemon_proc.path("export")) == {
        (o.id, fmt): 1 for o in accepted for fmt in ("xlsx", "json")}
    assert ledger.outbox_status().keys() == {"delivered"}

    imap = [doc for doc in docs if doc.where == "imap"]
    assert dovecot.uids("INBOX") == []
    assert len(dovecot.uids(dovecot.server_name(PROCESSED))) == len(imap)
    # No file left in the inboxes, nor in their hidden .taking/<node>/ working folders.
    assert not [p for p in daemon_proc.path("edi_inbox").rglob("*") if p.is_file()]
    assert not [p for p in daemon_proc.path("fax_inbox").rglob("*") if p.is_file()]
    assert daemon_proc.stop() == 0
    assert "Traceback" not in daemon_proc.log.read_text(errors="replace")


def _confirmations_answer_the_customer_message(docs, ledger, received) -> None:
    """A confirmation of an e-mail order is threaded to that e-mail and names its PO."""
    for doc in docs:
        if doc.where != "imap" or doc.expect != "accepted":
            continue
        row = _row_of(ledger, doc)
        mail = received[message_id(f"confirm:{row.id}:0")].message
        assert mail["In-Reply-To"] == doc.message_id
        assert doc.po in str(mail["Subject"])


def _row_of(ledger, doc: d.Doc):
    """The document's ledger row: by Message-ID for mail (the server stores it with CRLF), else by hash."""
    if doc.message_id is not None:
        rows = ledger.document_by_message_id(doc.message_id)
        assert len(rows) == 1, f"{doc.name}: {rows}"
        return rows[0]
    row = ledger.document_for(doc.data)
    assert row is not None, f"{doc.name} is not in the ledger"
    return row

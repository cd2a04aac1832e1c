"""Documents with no order to approve, decided as a whole at the desk: a not-an-order or a
failure marked handled (audited with who and why) leaves the queue and the dashboard's count;
a failed document is rejected, its sender told once through the outbox, or nobody when no
sender is known; a document-level failure with no order row is decided the same way."""
from __future__ import annotations

from email.message import EmailMessage

import sqlalchemy as sa

from store.db import session_scope
from store.queue import queue_items, queue_summary
from tests.data.gen_documents import fax_page, fax_tiff
from tests.review.conftest import add_user, csrf_of, fill_queue, sign_in

SENDER = "buyer@example-trading.example.com"   # customer C002's address in the golden catalog


def broken_tiff() -> bytes:
    data = fax_tiff([fax_page()])
    return data[: len(data) // 3]


def mail_with_broken_scan() -> bytes:
    """A customer's mail whose only attachment is a scan that broke off: a failed document."""
    message = EmailMessage()
    message["From"], message["To"] = f"Buyer <{SENDER}>", "orders@ourco.example"
    message["Subject"], message["Message-ID"] = "PO scan", "<scan-0042@example-trading.example.com>"
    message.set_content("Please find our order attached.")
    message.add_attachment(broken_tiff(), maintype="image", subtype="tiff", filename="po-scan.tif")
    return bytes(message)


def _state(engine, doc: int) -> tuple[str, str]:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT status, reason FROM documents WHERE id = :d"), {"d": doc}).one()
    return row.status, row.reason


def _audit(engine, doc: int) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT user_name, action, detail FROM audit_log WHERE document_id = :d ORDER BY id"), {"d": doc})]


def _rows(engine, key: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT stable_key, payload_json FROM outbox WHERE stable_key LIKE :k"), {"k": f"%{key}%"})]


def _queued(engine) -> set[int]:
    with session_scope(engine) as session:
        return {item.document_id for item in queue_items(session)}


def _post(client, doc: int, action: str, data: dict[str, str]):
    csrf = csrf_of(client.get(f"/documents/{doc}").text)
    return client.post(f"/documents/{doc}/{action}", data={**data, "csrf": csrf}, follow_redirects=False)


def test_a_not_an_order_marked_handled_leaves_the_queue_with_who_and_why(engine, desk_settings, desk_client):
    """Given the invoice that is not an order in the queue, when a clerk marks it handled with a
    sentence, it leaves the queue (and the dashboard's count), its state says who and why, the
    audit trail has it, and a second click changes nothing."""
    docs = fill_queue(engine, desk_settings)
    invoice = docs[2]
    assert _state(engine, invoice)[0] == "not_an_order" and invoice in _queued(engine)
    with session_scope(engine) as session:
        before = queue_summary(session)["not_an_order"][0]
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    assert 'id="mark-handled"' in desk_client.get(f"/documents/{invoice}").text

    refused = _post(desk_client, invoice, "handled", {"why": "   "})
    assert refused.status_code == 422 and _state(engine, invoice)[0] == "not_an_order"
    done = _post(desk_client, invoice, "handled", {"why": "An invoice; accounts have it."})
    assert done.status_code == 303 and done.headers["location"].endswith("done=handled")

    status, reason = _state(engine, invoice)
    assert status == "handled" and "mei" in reason and "An invoice; accounts have it." in reason
    assert invoice not in _queued(engine)
    with session_scope(engine) as session:
        assert queue_summary(session)["not_an_order"][0] == before - 1
    assert _audit(engine, invoice)[-1] == ("mei", "handled", "An invoice; accounts have it.")
    page = desk_client.get(f"/documents/{invoice}").text
    assert 'id="mark-handled"' not in page and "An invoice; accounts have it." in page
    again = desk_client.post(f"/documents/{invoice}/handled", data={"why": "twice", "csrf": csrf_of(page)},
                             follow_redirects=False)
    assert again.status_code == 303 and "already_decided" in again.headers["location"]
    assert len(_audit(engine, invoice)) == 1


def test_a_failed_mail_is_rejected_and_its_sender_is_told_once(engine, desk_settings, desk_client):
    """Given a customer's mail whose scan cannot be read, when the clerk rejects it, one bilingual
    rejection row goes to the mail's sender, the document and its failed order end rejected
    and leave the queue; a second rejection plans nothing more."""
    doc = fill_queue(engine, desk_settings, extra=((mail_with_broken_scan(), "scan.eml", "imap"),))[-1]
    assert _state(engine, doc)[0] == "failed" and doc in _queued(engine)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get(f"/documents/{doc}").text
    assert 'id="reject-document"' in page and f'/reject/' not in page   # no order-level reject beside it

    done = _post(desk_client, doc, "reject", {"reason": "unreadable", "note": "Please fax it again."})
    assert done.status_code == 303 and done.headers["location"].endswith("done=rejected_document")
    ((key, payload),) = _rows(engine, f"rejected-document:{doc}")
    assert SENDER in payload and "unreadable" in payload and "Please fax it again." in payload
    assert _state(engine, doc)[0] == "rejected" and doc not in _queued(engine)
    with engine.connect() as conn:
        statuses = conn.execute(sa.text("SELECT status FROM orders WHERE document_id = :d"), {"d": doc}).scalars()
        assert set(statuses) <= {"rejected"}
    assert _audit(engine, doc)[-1][:2] == ("mei", "reject_document")
    again = _post(desk_client, doc, "reject", {"reason": "unreadable", "note": ""})
    assert "already_decided" in again.headers["location"] and len(_rows(engine, f"rejected-document:{doc}")) == 1


def test_a_failed_fax_from_nobody_known_is_rejected_without_a_mail(engine, desk_settings, desk_client):
    doc = fill_queue(engine, desk_settings, extra=((broken_tiff(), "fax-0001.tif", "fax"),))[-1]
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    assert _post(desk_client, doc, "reject", {"reason": "other", "note": ""}).status_code == 422  # 'other' needs a note
    done = _post(desk_client, doc, "reject", {"reason": "unreadable", "note": ""})
    assert done.headers["location"].endswith("done=rejected_untold")
    assert _rows(engine, f"rejected-document:{doc}") == [] and _state(engine, doc)[0] == "rejected"
    assert "nobody told" in _audit(engine, doc)[-1][2]


def test_a_document_level_failure_with_no_order_row_can_be_handled(engine, desk_settings, desk_client):
    """Given a document whose reading stopped with no order row (a parser crash), the clerk can
    mark it handled and it leaves the queue."""
    from pipeline.sandbox import ParseSandbox
    from pipeline.service import DocumentService

    doc = fill_queue(engine, desk_settings, extra=((b"%PDF-1.7 garbage", "broken.pdf", "fax"),))[-1]
    with ParseSandbox(timeout_s=30, memory_mb=512) as sandbox:
        service = DocumentService(engine, desk_settings, sandbox=sandbox)
        loaded, data = service.load(doc)
        service.reopen(doc, claimed_by="test")
        service.fail(service.load(doc)[0], data, "The parser stopped: out of memory.")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM orders WHERE document_id = :d AND superseded_at IS NULL"),
                            {"d": doc}).scalar() == 0
    assert _state(engine, doc)[0] == "failed" and doc in _queued(engine)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    done = _post(desk_client, doc, "handled", {"why": "A test page the fax machine sent."})
    assert done.headers["location"].endswith("done=handled") and doc not in _queued(engine)


def _order_statuses(engine, doc: int) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT status FROM orders WHERE document_id = :d AND superseded_at IS NULL"),
                                {"d": doc}).scalars())


def test_a_handled_failure_is_reopened_by_whoever_handled_it_as_it_was(engine, desk_settings, desk_client):
    """Given a failed fax marked handled, another clerk may not reopen it; the clerk who handled it
    does: it is back in the queue, failed, with its own reason and its failed order again, the
    audit trail says who reopened it and the history keeps the handled outcome."""
    doc = fill_queue(engine, desk_settings, extra=((broken_tiff(), "fax-0002.tif", "fax"),))[-1]
    status, reason = _state(engine, doc)
    assert status == "failed" and _order_statuses(engine, doc) <= {"failed"}
    add_user(engine, "mei")
    add_user(engine, "li")
    sign_in(desk_client, "li")
    _post(desk_client, doc, "handled", {"why": "The fax machine's test page."})
    assert _state(engine, doc)[0] == "handled" and doc not in _queued(engine)
    page = desk_client.get(f"/documents/{doc}").text
    assert 'id="reopen"' in page

    desk_client.post("/signout", data={"csrf": csrf_of(page)})
    sign_in(desk_client, "mei")
    page = desk_client.get(f"/documents/{doc}").text
    assert 'id="reopen"' not in page and 'id="reopen-who"' in page
    assert _post(desk_client, doc, "reopen", {}).status_code == 403 and _state(engine, doc)[0] == "handled"

    desk_client.post("/signout", data={"csrf": csrf_of(page)})
    sign_in(desk_client, "li")
    done = _post(desk_client, doc, "reopen", {})
    assert done.headers["location"].endswith("done=reopened")
    assert _state(engine, doc) == (status, reason) and doc in _queued(engine)
    assert _order_statuses(engine, doc) <= {"failed"}
    assert _audit(engine, doc)[-1] == ("li", "reopen", "handled -> back to the queue")
    page = desk_client.get(f"/documents/{doc}").text
    assert 'id="mark-handled"' in page and "The fax machine&#39;s test page." in page   # the handled outcome, in the history
    again = _post(desk_client, doc, "reopen", {})
    assert "already_decided" in again.headers["location"] and _state(engine, doc) == (status, reason)


def test_an_admin_reopens_a_rejection_nobody_was_told_of(engine, desk_settings, desk_client):
    doc = fill_queue(engine, desk_settings, extra=((broken_tiff(), "fax-0003.tif", "fax"),))[-1]
    status, reason = _state(engine, doc)
    add_user(engine, "mei")
    add_user(engine, "boss", "admin")
    sign_in(desk_client, "mei")
    assert _post(desk_client, doc, "reject", {"reason": "unreadable", "note": ""}).headers["location"].endswith(
        "done=rejected_untold")
    page = desk_client.get(f"/documents/{doc}").text
    desk_client.post("/signout", data={"csrf": csrf_of(page)})
    sign_in(desk_client, "boss")
    assert _post(desk_client, doc, "reopen", {}).headers["location"].endswith("done=reopened")
    assert _state(engine, doc) == (status, reason) and doc in _queued(engine)
    assert _audit(engine, doc)[-1] == ("boss", "reopen", "rejected -> back to the queue")


def test_a_rejection_whose_sender_was_told_stays_rejected_and_the_page_says_why(engine, desk_settings, desk_client):
    doc = fill_queue(engine, desk_settings, extra=((mail_with_broken_scan(), "scan.eml", "imap"),))[-1]
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    _post(desk_client, doc, "reject", {"reason": "unreadable", "note": ""})
    page = desk_client.get(f"/documents/{doc}").text
    assert 'id="reopen"' not in page and 'id="reopen-told"' in page
    refused = _post(desk_client, doc, "reopen", {})
    assert refused.status_code == 403 and _state(engine, doc)[0] == "rejected" and doc not in _queued(engine)
    assert _audit(engine, doc)[-1][1] == "reject_document"

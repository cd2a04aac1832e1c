"""An order rejected on its own is reopened while its rejection mail has not left: by an admin or
the clerk who rejected it, the mail withdrawn, the order back in review with its PO seen again,
audited; once the sender has taken the mail, it stays rejected and the page says why."""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from store import reopening
from store.audit import AuditRecord
from store.db import session_scope, utcnow
from store.decisions import AlreadyDecided
from store.outbox import claim_due
from tests.review.conftest import add_user, csrf_of, fill_queue, sign_in


def _one(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).first()


def _rejected(engine, desk_settings, desk_client, clerk: str = "mei") -> tuple[int, int]:
    """The golden EDIFACT order in review, rejected by `clerk`: (document id, order id)."""
    fill_queue(engine, desk_settings)
    add_user(engine, clerk)
    sign_in(desk_client, clerk)
    doc = _one(engine, "SELECT id FROM documents WHERE filename = 'edifact-anomalies.edi'")[0]
    order = _one(engine, "SELECT id FROM orders WHERE document_id = :d AND status = 'review'", d=doc)[0]
    csrf = csrf_of(desk_client.get(f"/documents/{doc}").text)
    done = desk_client.post(f"/documents/{doc}/reject/{order}", data={"csrf": csrf, "reason": "price", "note": ""},
                            follow_redirects=False)
    assert done.status_code == 303 and _status(engine, order) == "rejected"
    return doc, order


def _status(engine, order: int) -> str:
    return _one(engine, "SELECT status FROM orders WHERE id = :o", o=order)[0]


def _mail(engine, order: int):
    return _one(engine, "SELECT status, attempts FROM outbox WHERE stable_key = :k", k=f"rejected:{order}")


def _reopen(client, doc: int, order: int):
    csrf = csrf_of(client.get(f"/documents/{doc}").text)
    return client.post(f"/documents/{doc}/reopen/{order}", data={"csrf": csrf}, follow_redirects=False)


def test_the_clerk_reopens_a_rejection_before_its_mail_left(engine, desk_settings, desk_client):
    """Given an order just rejected (its mail planned, not tried): the case page offers to reopen
    it; reopening withdraws the mail, puts the order back in review and in the queue, makes its PO
    seen again and is audited; rejecting it again plans a new mail."""
    doc, order = _rejected(engine, desk_settings, desk_client)
    assert _mail(engine, order) == ("pending", 0)
    assert _one(engine, "SELECT count(*) FROM seen_pos WHERE order_id = :o", o=order)[0] == 0
    page = desk_client.get(f"/documents/{doc}").text
    assert f'id="reopen-{order}"' in page
    done = _reopen(desk_client, doc, order)
    assert done.headers["location"].endswith("done=reopened_order")
    assert _status(engine, order) == "review" and _mail(engine, order) is None
    assert _one(engine, "SELECT count(*) FROM seen_pos WHERE order_id = :o", o=order)[0] == 1
    assert "edifact-anomalies.edi" in desk_client.get("/?state=review").text
    last = _one(engine, "SELECT user_name, action, order_id FROM audit_log ORDER BY id DESC LIMIT 1")
    assert tuple(last) == ("mei", "reopen", order)
    page = desk_client.get(f"/documents/{doc}").text
    assert f'id="reopen-{order}"' not in page and f'id="edit-{order}"' in page
    csrf = csrf_of(page)
    desk_client.post(f"/documents/{doc}/reject/{order}", data={"csrf": csrf, "reason": "price", "note": "v3"})
    assert _status(engine, order) == "rejected" and _mail(engine, order) == ("pending", 0)


def test_another_clerk_may_not_reopen_it_but_an_admin_may(engine, desk_settings, desk_client):
    doc, order = _rejected(engine, desk_settings, desk_client)
    desk_client.post("/signout", data={"csrf": csrf_of(desk_client.get("/").text)})
    add_user(engine, "li")
    sign_in(desk_client, "li")
    assert f'id="reopen-{order}"' not in desk_client.get(f"/documents/{doc}").text
    assert _reopen(desk_client, doc, order).status_code == 403 and _status(engine, order) == "rejected"
    desk_client.post("/signout", data={"csrf": csrf_of(desk_client.get("/").text)})
    add_user(engine, "boss", "admin")
    sign_in(desk_client, "boss")
    assert _reopen(desk_client, doc, order).headers["location"].endswith("done=reopened_order")
    assert _status(engine, order) == "review"


def test_once_the_sender_took_the_mail_the_order_stays_rejected(engine, desk_settings, desk_client):
    """Given the rejection mail claimed by the outbox sender: the page says it stays rejected, and
    a reopening (or one raced by the sender) changes nothing."""
    doc, order = _rejected(engine, desk_settings, desk_client)
    with session_scope(engine) as session:
        assert f"rejected:{order}" in [row.stable_key for row in claim_due(session, utcnow(), limit=100)]
    page = desk_client.get(f"/documents/{doc}").text
    told = page[page.index(f'id="reopen-order-{order}"'):][:400]
    assert f'id="reopen-{order}"' not in page and ("cannot be reopened" in told or "不能重新打开" in told)
    assert _reopen(desk_client, doc, order).headers["location"].endswith("done=already_decided")
    assert _status(engine, order) == "rejected" and _mail(engine, order)[0] == "sending"
    with session_scope(engine) as session:
        try:
            reopening.reopen_order(session, order, entry=AuditRecord(utcnow(), "mei", "reopen", "", doc, order))
            raise AssertionError("reopened although the mail has left")
        except AlreadyDecided:
            pass
    assert _status(engine, order) == "rejected"


def test_a_mail_held_in_shadow_mode_never_leaves_so_the_order_may_be_reopened(engine, desk_settings, desk_client):
    """A held row was only shown to staff: the order reopens, and the held row stays as the record."""
    doc, order = _rejected(engine, desk_settings, desk_client)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE outbox SET status = 'held', attempts = 1 WHERE stable_key = :k"),
                     {"k": f"rejected:{order}"})
    assert _reopen(desk_client, doc, order).headers["location"].endswith("done=reopened_order")
    assert _status(engine, order) == "review" and _mail(engine, order) == ("held", 1)


def _rejection_rows(engine, order: int) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT stable_key, status, payload_json FROM outbox WHERE order_id = :o AND stable_key LIKE 'rejected:%' "
            "ORDER BY id"), {"o": order})]


def test_in_shadow_mode_each_rejection_of_a_reopened_order_plans_its_own_held_row(engine, desk_settings):
    """Given a desk in shadow mode: an order rejected (its mail held, as the sender leaves it),
    reopened and rejected again plans a second held row for the second decision; a repeated
    post of that rejection plans nothing more, and a third decision a third row."""
    from review.app import factory
    from tests.review.conftest import new_client

    shadow = replace(desk_settings, mode="shadow")
    with new_client(factory(shadow, engine)) as client:
        doc, order = _rejected(engine, shadow, client)
        rows = _rejection_rows(engine, order)
        assert [key for key, *_ in rows] == [f"rejected:{order}"] and '"shadow": true' in rows[0][2]
        with engine.begin() as conn:   # what the sender does with a held row: staff got a copy
            conn.execute(sa.text("UPDATE outbox SET status = 'held', attempts = 1 WHERE stable_key = :k"),
                         {"k": f"rejected:{order}"})
        for decision in (2, 3):
            assert _reopen(client, doc, order).headers["location"].endswith("done=reopened_order")
            csrf = csrf_of(client.get(f"/documents/{doc}").text)
            for _ in range(2):   # the second post finds the order decided and plans nothing
                client.post(f"/documents/{doc}/reject/{order}", data={"csrf": csrf, "reason": "price", "note": ""})
            rows = _rejection_rows(engine, order)
            assert [key for key, *_ in rows] == [f"rejected:{order}"] + [f"rejected:{order}:{n}" for n in
                                                                         range(2, decision + 1)]
            assert _status(engine, order) == "rejected" and '"shadow": true' in rows[-1][2]
            assert rows[-1][1] == "pending"
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE outbox SET status = 'held', attempts = 1 WHERE stable_key = :k"),
                             {"k": rows[-1][0]})
        with session_scope(engine) as session:   # held rows never left: the order may still be reopened
            assert reopening.order_decision(session, order).told is False

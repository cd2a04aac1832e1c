"""The case page's actions over HTTP (the desk in-process): corrections kept and audited, approve
once, reject with the reason, type an order in, mark not an order, the pickers' searches, CSRF."""
from __future__ import annotations

import json
import re

import sqlalchemy as sa

from tests.review.conftest import add_user, csrf_of, fill_queue, sign_in


def _doc(engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM documents WHERE filename = :n ORDER BY id"), {"n": name}).scalar()


def _review_order(engine, doc: int) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM orders WHERE document_id = :d AND status = 'review' "
                                    "AND superseded_at IS NULL"), {"d": doc}).scalar_one()


def _form(page: str, key: str) -> dict[str, str]:
    """The values of the edit form `key` as the page shows them (what a browser would post)."""
    block = page[page.index(f'id="edit-{key}"'):]
    block = block[:block.index("</form>")]
    values = dict(re.findall(r'<input (?:type="hidden" )?name="([^"]+)" value="([^"]*)"', block))
    values.update({name: "1" for name in re.findall(r'name="([^"]+-accept_price)" value="1"\s+checked', block)})
    return {k: v.replace("&amp;", "&") for k, v in values.items()}


def _audit(engine, doc: int) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT user_name, action, detail FROM audit_log WHERE document_id = :d ORDER BY id"), {"d": doc})]


def _signed_in(engine, desk_settings, desk_client) -> None:
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")


def test_corrections_are_kept_checked_again_and_each_field_is_audited(engine, desk_settings, desk_client):
    """Given the EDIFACT order in review, when the clerk removes the unknown line and corrects the
    quantity, the page shows the draft checked again and the audit trail names each change."""
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    order = _review_order(engine, doc)
    page = desk_client.get(f"/documents/{doc}").text
    assert "UNKNOWN_ITEM" in page and 'value="PAPER STRAW 6MM"' in page
    form = _form(page, str(order))
    form.update({"op": "remove:2", "line-1-quantity": "25000", "line-1-accept_price": "1"})
    response = desk_client.post(f"/documents/{doc}/edit/{order}", data=form, follow_redirects=False)
    assert response.status_code == 303 and "done=saved" in response.headers["location"]
    page = desk_client.get(f"/documents/{doc}").text
    assert 'value="PAPER STRAW 6MM"' not in page and 'value="25000"' in page
    assert "QTY_NOT_PACK_MULTIPLE" not in page and "PRICE_MISMATCH" not in page
    assert _audit(engine, doc) == [("mei", "correct", "line 1 quantity: 24500 -> 25000"),
                                   ("mei", "accept_price", "line 1 accept_price: — -> yes"),
                                   ("mei", "remove_line", "line 2 removed")]
    assert "line 1 quantity: 24500 -&gt; 25000" in page   # shown on the case page


def test_a_bad_value_is_refused_with_its_sentence_and_nothing_is_kept(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    order = _review_order(engine, doc)
    form = _form(desk_client.get(f"/documents/{doc}").text, str(order))
    form.update({"op": "save", "delivery_date": "soon"})
    response = desk_client.post(f"/documents/{doc}/edit/{order}", data=form)
    assert response.status_code == 422 and "YYYY-MM-DD" in response.text
    assert _audit(engine, doc) == []


def test_approve_sends_once_and_a_second_click_changes_nothing(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    order = _review_order(engine, doc)
    form = _form(desk_client.get(f"/documents/{doc}").text, str(order))
    form.update({"op": "remove:2", "line-1-quantity": "25000", "line-1-accept_price": "1",
                 "delivery_date": "2027-03-01"})
    desk_client.post(f"/documents/{doc}/edit/{order}", data=form)
    form = _form(desk_client.get(f"/documents/{doc}").text, str(order))
    refused = desk_client.post(f"/documents/{doc}/edit/{order}", data={**form, "op": "approve", "line-1-sku": "9.9"},
                               follow_redirects=False)
    assert refused.status_code == 409 and "第 1 行：给出的物料编码 9.9 不在目录中" in refused.text   # the clerk reads 中文
    form["line-1-sku"] = "3.01.0001"
    done = desk_client.post(f"/documents/{doc}/edit/{order}", data={**form, "op": "approve"}, follow_redirects=False)
    assert done.status_code == 303 and "done=approved" in done.headers["location"], done.text
    again = desk_client.post(f"/documents/{doc}/edit/{order}", data={**form, "op": "approve"}, follow_redirects=False)
    assert again.status_code == 303 and "already_decided" in again.headers["location"]
    with engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT stable_key FROM outbox WHERE stable_key LIKE 'approved:%'")).scalars().all()
        status = conn.execute(sa.text("SELECT status FROM orders WHERE document_id = :d AND superseded_at IS NULL"),
                              {"d": doc}).scalars().all()
    assert len(keys) == 3 and status == ["approved"]   # a person's acceptance: not touchless
    assert [a for _, a, _ in _audit(engine, doc)][-1] == "approve"


def test_reject_mails_the_reason_and_the_order_leaves_the_queue(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    order = _review_order(engine, doc)
    csrf = csrf_of(desk_client.get(f"/documents/{doc}").text)
    assert desk_client.post(f"/documents/{doc}/reject/{order}", data={"csrf": csrf, "reason": "other"}).status_code == 422
    done = desk_client.post(f"/documents/{doc}/reject/{order}", data={"csrf": csrf, "reason": "price", "note": "See v2."},
                            follow_redirects=False)
    assert done.status_code == 303
    with engine.connect() as conn:
        payload = json.loads(conn.execute(sa.text("SELECT payload_json FROM outbox WHERE stable_key = :k"),
                                          {"k": f"rejected:{order}"}).scalar_one())
    assert (payload["purpose"], payload["reason"], payload["note"]) == ("rejection", "price", "See v2.")
    queue = desk_client.get("/?state=review").text
    assert "edifact-anomalies.edi" not in queue


def test_a_failed_document_is_typed_in_for_a_chosen_customer_and_approved(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "x12-truncated.edi")
    page = desk_client.get(f"/documents/{doc}").text
    desk_client.post(f"/documents/{doc}/type-in", data={"csrf": csrf_of(page)})
    page = desk_client.get(f"/documents/{doc}").text
    assert 'id="edit-new"' in page and 'id="type-in"' not in page
    form = _form(page, "new")
    form.update({"customer": "C002", "po_number": "ET-77", "currency": "USD", "delivery_date": "2027-03-01",
                 "line-1-sku": "5.01.0001", "line-1-quantity": "2000", "line-1-unit": "PCS", "op": "approve"})
    done = desk_client.post(f"/documents/{doc}/edit/new", data=form, follow_redirects=False)
    assert done.status_code == 303 and "done=approved" in done.headers["location"], done.text
    with engine.connect() as conn:
        state = conn.execute(sa.text("SELECT status FROM documents WHERE id = :d"), {"d": doc}).scalar_one()
        mail = conn.execute(sa.text("SELECT payload_json FROM outbox WHERE stable_key LIKE 'approved:%confirm%'")).scalar_one()
    assert state == "processed" and json.loads(mail)["to"] == ["buyer@example-trading.example.com"]
    again = desk_client.post(f"/documents/{doc}/edit/new", data=form, follow_redirects=False)
    assert "already_decided" in again.headers["location"]


def test_a_document_marked_not_an_order_keeps_its_orders_in_the_history(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    desk_client.post(f"/documents/{doc}/not-an-order", data={"csrf": csrf_of(desk_client.get("/").text)})
    page = desk_client.get(f"/documents/{doc}").text
    assert "marked it not an order" in page and page.count('class="history"') == 1
    assert ("mei", "mark_not_order", "marked not an order") in _audit(engine, doc)


def test_the_pickers_find_items_by_code_customer_code_barcode_and_name(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)

    def items(q: str, customer: str = "") -> list[dict]:
        return desk_client.get("/catalog/items", params={"q": q, "customer": customer},
                               headers={"Accept": "application/json"}).json()["items"]

    assert items("5.01.0001")[0]["how"] == "our code"
    hit = items("ET-500", "C002")[0]
    assert (hit["number"], hit["how"], hit["price"], hit["currency"], hit["stock"]) == \
        ("5.01.0001", "customer code", "0.065", "USD", "200000")
    assert items("6900000000035")[0]["number"] == "4.01.0001"
    assert {h["number"] for h in items("封箱胶带 透明")} >= {"4.01.0001"}
    assert [h["number"] for h in items("1.01")][:2] == ["1.01.0001", "1.01.0002"]
    customers = desk_client.get("/catalog/customers?q=beispiel", headers={"Accept": "application/json"}).json()
    assert [c["number"] for c in customers["customers"]] == ["C003"]
    assert "5.01.0001" in desk_client.get("/catalog/items?q=PET").text   # a plain page without script


def test_every_action_is_refused_without_the_csrf_token(engine, desk_settings, desk_client):
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    order = _review_order(engine, doc)
    for path in (f"/documents/{doc}/edit/{order}", f"/documents/{doc}/reject/{order}",
                 f"/documents/{doc}/not-an-order", f"/documents/{doc}/type-in"):
        assert desk_client.post(path, data={"op": "approve", "reason": "price"}).status_code == 403, path
    assert _audit(engine, doc) == []


def test_split_and_merge_through_the_form(engine, desk_settings, desk_client):
    """Split line 1 in two deliveries, then merge them back: the lines and the audit say so."""
    _signed_in(engine, desk_settings, desk_client)
    doc = _doc(engine, "edifact-anomalies.edi")
    order = _review_order(engine, doc)
    form = _form(desk_client.get(f"/documents/{doc}").text, str(order))
    desk_client.post(f"/documents/{doc}/edit/{order}", data={**form, "op": "split:1", "split-1": "4500"})
    page = desk_client.get(f"/documents/{doc}").text
    form = _form(page, str(order))
    assert [form[f"line-{n}-quantity"] for n in (1, 2, 3)] == ["20000", "4500", "1000"]
    assert form["line-2-sku"] == "3.01.0001"
    desk_client.post(f"/documents/{doc}/edit/{order}", data={**form, "op": "merge:1"})
    form = _form(desk_client.get(f"/documents/{doc}").text, str(order))
    assert [form[f"line-{n}-quantity"] for n in (1, 2)] == ["24500", "1000"] and "line-3-quantity" not in form
    assert [a for _, a, _ in _audit(engine, doc)] == ["split_line", "merge_lines"]
    refused = desk_client.post(f"/documents/{doc}/edit/{order}", data={**form, "op": "merge:1"})
    assert refused.status_code == 422 and "不是同一物料" in refused.text   # in the clerk's language

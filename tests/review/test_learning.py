"""The remember endpoint's refusals and the learned page with its K3 file, in-process."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from reconcile.catalog import CustomerItem
from store import learned
from store.db import session_scope, utcnow
from tests.review.conftest import add_user, csrf_of, fill_queue, sign_in
from tests.review.test_browser_learning import csv_order


def _draft_form(page: str, key: str) -> dict[str, str]:
    """The correction form's fields as the page shows them."""
    form = re.search(rf'<article class="order edit" id="edit-{key}".*?<form[^>]*class="draft"[^>]*>(.*?)</form>',
                     page, re.S).group(1)
    return {name: value for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}


def test_remembering_a_line_without_a_picked_item_is_refused_with_a_sentence(engine, desk_settings, desk_client):
    """Given a line whose item matched nothing, "remember" before an item is picked teaches
    nothing and says why; one for a line number that does not exist likewise."""
    doc = fill_queue(engine, desk_settings, extra=((csv_order("HZ-R-1", "HZ-CX-9"), "hz-r-1.csv", "fax"),))[-1]
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get(f"/documents/{doc}").text
    key = re.search(r'id="remember-item-(\w+)-1"', page).group(1)
    form = _draft_form(page, key)
    for what, said in (("item:1", "Pick the item of line 1 first"), ("item:7", "There is no such line.")):
        response = desk_client.post(f"/documents/{doc}/remember/{key}", data={**form, "remember": what},
                                    follow_redirects=False)
        assert response.status_code == 422 and said in response.text
    with session_scope(engine) as session:
        assert learned.taught_items(session) == []


def test_a_clerk_downloads_the_k3_mapping_of_what_was_learned(engine, desk_client):
    add_user(engine, "mei")
    with session_scope(engine) as session:
        learned.remember_item(session, CustomerItem("C001", "HZ-1", "盒", "1.01.0001"), by="ann", now=utcnow())
    sign_in(desk_client, "mei")
    page = desk_client.get("/learned").text
    assert "HZ-1" in page and "ann" in page and csrf_of(page)
    response = desk_client.get("/learned/SAL_CustMatMapping.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("FCustomerId", "FCustMatNo", "FCustMatName", "FMaterialId")
    assert rows[2] == ("C001", "HZ-1", "盒", "1.01.0001")


def test_forget_needs_its_form_token_and_says_when_there_is_nothing_to_forget(engine, desk_client):
    add_user(engine, "mei")
    with session_scope(engine) as session:
        learned.remember_item(session, CustomerItem("C001", "HZ-1", "盒", "1.01.0001"), by="ann", now=utcnow())
    sign_in(desk_client, "mei")
    page = desk_client.get("/learned").text
    form = {"kind": "item", "customer": "C001", "code": "HZ-1"}
    assert desk_client.post("/learned/forget", data=form, follow_redirects=False).status_code == 403
    with session_scope(engine) as session:
        assert len(learned.taught_items(session)) == 1
    done = desk_client.post("/learned/forget", data={**form, "csrf": csrf_of(page)}, follow_redirects=False)
    assert done.headers["location"] == "/learned?done=forgotten_item"
    said = desk_client.get(done.headers["location"]).text
    assert "K3 中仍保留它" in said and "请在 K3 的客户物料对应表中手工删除" in said   # it is not taken back in K3
    again = desk_client.post("/learned/forget", data={**form, "csrf": csrf_of(page)}, follow_redirects=False)
    assert again.headers["location"] == "/learned?done=nothing_to_forget"
    with session_scope(engine) as session:
        assert learned.taught_items(session) == []


def sent_to_k3(engine, customer: str, code: str) -> None:
    """The outbox row that wrote this taught code to K3 Cloud, delivered (as the sender leaves it)."""
    import sqlalchemy as sa

    from outbox.plan import mapping_row
    from store.db import insert_new
    from store.models import OutboxItem
    from store.outbox import outbox_values

    with session_scope(engine) as session:
        (row,) = [t for t in learned.unplanned_items(session, "custmat:") if t[1].code == code]
        insert_new(session, OutboxItem.__table__, outbox_values(
            [mapping_row(row[0], customer, code, row[1].name, row[1].material)], utcnow()), ["stable_key"])
        session.execute(sa.update(OutboxItem.__table__).values(status="delivered"))
        session.commit()


def test_forgetting_a_code_orderdesk_wrote_to_k3_says_k3_still_has_it(engine, desk_client):
    """Given a taught code the outbox wrote to K3 Cloud, forgetting it at the desk says plainly
    that K3 keeps the mapping and must be changed there by hand."""
    add_user(engine, "mei")
    with session_scope(engine) as session:
        learned.remember_item(session, CustomerItem("C001", "HZ-2", "盒", "1.01.0001"), by="ann", now=utcnow())
    sent_to_k3(engine, "C001", "HZ-2")
    sign_in(desk_client, "mei")
    form = {"kind": "item", "customer": "C001", "code": "hz-2", "csrf": csrf_of(desk_client.get("/learned").text)}
    done = desk_client.post("/learned/forget", data=form, follow_redirects=False)
    assert done.headers["location"] == "/learned?done=forgotten_item_in_k3"
    assert "orderdesk 已将此对应写入 K3" in desk_client.get(done.headers["location"]).text

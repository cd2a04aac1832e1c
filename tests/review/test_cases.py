"""The case page: the original beside what was read, for every kind of original."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa
from PIL import Image

from review.originals import PageRenderer, original_view, sanitise_html
from tests.review.conftest import GOLDEN, add_user, fill_queue, sign_in


def _doc_ids(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: i for i, name in conn.execute(sa.text("SELECT id, filename FROM documents ORDER BY id"))}


def test_a_case_page_shows_the_segments_beside_the_lines_and_their_anomalies(engine, desk_settings, desk_client):
    """Given an EDIFACT order with anomalies: its page lists the interchange segment by segment,
    the read lines, and each anomaly's sentence under its line."""
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    doc = _doc_ids(engine)["edifact-anomalies.edi"]
    page = desk_client.get(f"/documents/{doc}").text
    segments = re.findall(r"<li><code>([^<]+)</code></li>", page)
    assert segments[0].startswith("UNB+") and any(s.startswith("LIN+") for s in segments)
    assert "UNKNOWN_ITEM" in page and "PAPER STRAW 6MM" in page
    assert 'class="anomaly"><code>UNKNOWN_ITEM</code>' in page   # in review: under its line of the correction form


def test_the_staff_mail_link_leads_to_the_case_page(engine, desk_settings, desk_client):
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    with engine.connect() as conn:
        order_id, doc_id = conn.execute(sa.text("SELECT id, document_id FROM orders ORDER BY id")).first()
    response = desk_client.get(f"/orders/{order_id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/documents/{doc_id}#order-{order_id}"
    assert desk_client.get("/orders/999999", follow_redirects=False).status_code == 404
    assert desk_client.get("/documents/999999", follow_redirects=False).status_code == 404


def test_the_original_is_a_download_with_the_stored_bytes(engine, desk_settings, desk_client):
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    doc = _doc_ids(engine)["x12-truncated.edi"]
    response = desk_client.get(f"/documents/{doc}/original")
    assert response.content == (GOLDEN / "x12-truncated.edi").read_bytes()
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-type"] == "application/octet-stream"


def _pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for n in range(pages):
        pdf.drawString(72, 720, f"Purchase order page {n + 1}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_pdf_and_fax_pages_render_as_images_in_sandboxed_workers():
    """Pages are counted and drawn by the render workers; a page that is not there, or bytes
    that are no PDF, give nothing (and the workers go on)."""
    renderer = PageRenderer(workers=1)
    try:
        pdf = _pdf(3)
        assert renderer.count("a", pdf, "pdf") == 3
        assert original_view(pdf, "pdf", page_count=3).kind == "pages"
        png = renderer.page("a", pdf, "pdf", 3)
        assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).width > 500
        assert renderer.page("a", pdf, "pdf", 4) is None
        assert renderer.page("b", b"%PDF-1.4 broken", "pdf", 1) is None
        frames = [Image.new("1", (400, 300), 1) for _ in range(2)]
        tiff = io.BytesIO()
        frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
        assert renderer.count("c", tiff.getvalue(), "tiff") == 2
        assert renderer.page("c", tiff.getvalue(), "tiff", 2).startswith(b"\x89PNG")
        assert renderer.kind("d", pdf, "scan.bin") == "pdf", "a document stored before kinds were"
    finally:
        renderer.close()


HOSTILE = """<html><head><style>body { background: url(http://evil.example/bg.png) }</style>
<script>document.title = 'ran'</script></head><body>
<p onclick="alert(1)">Order <b>PO-1</b></p><img src="http://evil.example/pixel.png" onerror="alert(2)">
<a href="javascript:alert(3)">click</a><a href="https://ok.example/">ok</a>
<div style="background-image: url(http://evil.example/x.png)">styled</div>
<iframe src="http://evil.example/"></iframe></body></html>"""


def test_sanitised_mail_html_keeps_text_and_drops_everything_that_runs_or_loads():
    clean = sanitise_html(HOSTILE)
    assert "PO-1" in clean and "styled" in clean
    for bad in ("<script", "onclick", "onerror", "javascript:", "<img", "url(", "<style", "style=",
                "<iframe", "evil.example"):
        assert bad not in clean, bad
    assert 'href="https://ok.example/"' in clean and "noopener" in clean


def test_read_again_keeps_the_earlier_outcome_in_the_history_and_the_audit_trail_says_who(engine, desk_settings, desk_client):
    """The case page's "read again" goes through the document service: the document is decided
    again and its earlier outcome shows in the history."""
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    doc = _doc_ids(engine)["x12-truncated.edi"]
    page = desk_client.get(f"/documents/{doc}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = desk_client.post(f"/documents/{doc}/reprocess", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and "done=reprocessed" in response.headers["location"]
    again = desk_client.get(response.headers["location"]).text
    assert 'id="done"' in again and 'class="history"' in again
    trail = re.search(r'<table class="grid audit" id="audit">(.*?)</table>', again, re.S).group(1)
    assert "mei" in trail and "failed -&gt; failed" in trail
    repeat = _doc_ids(engine)["x12-accepted.edi"]  # the last of that name wins: the repeat
    assert 'id="reprocess"' not in desk_client.get(f"/documents/{repeat}").text


def test_a_dead_row_is_sent_again(engine, desk_settings, desk_client):
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    with engine.begin() as conn:
        row = conn.execute(sa.text("SELECT id FROM outbox ORDER BY id")).scalar()
        conn.execute(sa.text("UPDATE outbox SET status = 'dead', last_error = 'refused' WHERE id = :id"), {"id": row})
    page = desk_client.get("/", params={"state": "dead"}).text
    assert f'action="/outbox/{row}/resend"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert desk_client.post(f"/outbox/{row}/resend", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM outbox WHERE id = :id"), {"id": row}).scalar() == "pending"
    assert desk_client.post(f"/outbox/{row}/resend", data={"csrf": csrf}, follow_redirects=False).status_code == 404
    with engine.connect() as conn:
        entries = conn.execute(sa.text("SELECT user_name, action, detail, outbox_id FROM audit_log")).all()
    assert [tuple(e) for e in entries] == [("mei", "resend", "dead -> pending", row)]


def _mail_with_cid_image_and_attachment() -> tuple[bytes, bytes]:
    from email.message import EmailMessage

    logo = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(logo, format="PNG")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "buyer@customer.example", "orders@ourco.example", "PO-7"
    message.set_content("Order PO-7 attached.")
    message.add_alternative('<p>Order PO-7 <img src="cid:logo@customer"> <img src="https://tracker.example/t.gif"></p>',
                            subtype="html")
    message.get_payload()[1].add_related(logo.getvalue(), "image", "png", cid="<logo@customer>")
    message.add_attachment(b"line,qty\n1,20\n", maintype="text", subtype="csv", filename="PO-7.csv")
    return message.as_bytes(), logo.getvalue()


def test_a_mail_shows_its_own_cid_images_and_offers_its_attachments(engine, desk_client):
    """Images the mail carries itself (cid:) are served from the stored message; a remote one
    keeps no address; attachments download."""
    from pipeline.service import arrive
    from store.db import utcnow

    data, logo = _mail_with_cid_image_and_attachment()
    doc = arrive(engine, data, source="mail", source_ref="test/po7.eml", filename="po7.eml", message_id=None,
                 now=utcnow()).document_id
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    page = desk_client.get(f"/documents/{doc}").text
    assert f'src="/documents/{doc}/cid/logo%40customer"' in page and "tracker.example" not in page
    image = desk_client.get(f"/documents/{doc}/cid/logo%40customer")
    assert image.content == logo and image.headers["content-type"] == "image/png"
    assert desk_client.get(f"/documents/{doc}/cid/nothing").status_code == 404
    link = re.search(rf'href="(/documents/{doc}/parts/\d+)">PO-7.csv<', page).group(1)
    download = desk_client.get(link)
    assert download.content == b"line,qty\n1,20\n" and download.headers["content-disposition"].startswith("attachment")


def test_the_k3_sales_order_number_is_on_the_case_page(engine, desk_settings, desk_client):
    """Given an order K3 Cloud numbered (FBillNo kept by the outbox), its case page shows the number."""
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    with engine.begin() as conn:
        order_id, doc_id = conn.execute(sa.text("SELECT id, document_id FROM orders WHERE status = 'accepted' "
                                                "ORDER BY id")).first()
        conn.execute(sa.text("UPDATE orders SET erp_bill_no = 'XSDD000042' WHERE id = :id"), {"id": order_id})
    page = desk_client.get(f"/documents/{doc_id}").text
    assert re.search(r'class="erp-bill-no">XSDD000042<', page)

"""A mail whose order came as a PDF or a scan attached to it: the case page shows the
attachment's pages as images beside what was read, each value pointing at its box there."""
from __future__ import annotations

import html
import io
import re
from email.message import EmailMessage

import pytest
from PIL import Image

from parsers.formats.mail import is_decoration
from review.attachments import attachments, page_sets
from review.originals import parse_mail
from tests.data.gen_documents import fax_page, fax_tiff, text_pdf
from tests.review.conftest import add_user, fill_queue, sign_in

CSV = b"line,item,qty\n1,AB-100,20\n"


def order_mail(*files: tuple[str, bytes, str], subject: str = "PO TP-2026-001") -> bytes:
    """A generated mail from a buyer with a short note and the files (name, bytes, MIME type) attached."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "buyer@customer.example", "orders@ourco.example", subject
    message["Date"] = "Tue, 17 Nov 2026 09:30:00 +0800"
    message.set_content("Please find our purchase order attached.\n")
    for name, data, mime in files:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def forwarded(inner: bytes, name: str = "FW PO TP-2026-001.eml", *, encoded: bool = False) -> bytes:
    """A colleague's mail forwarding the buyer's mail `inner` as an attachment (`encoded`: the
    attached message itself base64-encoded, as some mail programs do)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "sales@ourco.example", "orders@ourco.example", "FW: PO"
    message.set_content("Forwarding the customer's order.\n")
    if encoded:
        message.add_attachment(inner, maintype="message", subtype="rfc822", filename=name)
    else:
        message.add_attachment(parse_mail(inner), disposition="attachment", filename=name)
    return message.as_bytes()


def _read_from(part: str, pages: list[list[float]]) -> dict:
    """An order as `store.queue.order_view` gives it, read from the mail's attachment `part`."""
    return {"order": {"source": {"part": part, "kind": "pdf"}}, "pages": pages}


def test_the_pdf_and_picture_attachments_become_page_sets_marked_by_the_orders_read_from_them():
    """Given a mail with a CSV, a PDF and a two-page TIFF attached: the PDF and the TIFF are page
    sets (in the message's order, pages counted by the renderer, under their own download index),
    the CSV is not; the order read from the PDF takes the PDF's page sizes and marks its pages
    as "a1-"; an order read from elsewhere (the body) is no attachment's."""
    tiff = fax_tiff([fax_page(), fax_page()])
    message = parse_mail(order_mail(("po.csv", CSV, "text/csv"), ("订单.pdf", text_pdf(), "application/pdf"),
                                    ("scan.tif", tiff, "image/tiff")))
    found = attachments(message)
    assert [(a.index, a.name, a.kind) for a in found] == [(0, "po.csv", "text"), (1, "订单.pdf", "pdf"),
                                                          (2, "scan.tif", "tiff")]
    assert found[2].data == tiff
    counted = []
    sets, prefixes = page_sets(found, [_read_from("订单.pdf", [[595.0, 842.0, 0.0]]), _read_from(None, [])],
                               lambda a: counted.append(a.name) or {"pdf": 1, "tiff": 2}[a.kind], lambda a: False)
    assert counted == ["订单.pdf", "scan.tif"]
    assert [(s.count, s.path, s.prefix, s.name) for s in sets] == [(1, "parts/1/pages", "a1-", "订单.pdf"),
                                                                    (2, "parts/2/pages", "a2-", "scan.tif")]
    assert sets[0].frames == {1: (595.0, 842.0, 0.0)} and sets[1].frames == {}
    assert prefixes == {"订单.pdf": "a1-"}


def test_an_attachment_without_a_name_is_found_by_the_name_the_reader_made_up():
    message = EmailMessage()
    message["From"], message["Subject"] = "fax@customer.example", "Fax"
    message.set_content("A fax for you.")
    message.add_attachment(text_pdf(), maintype="application", subtype="pdf")
    (found,) = attachments(parse_mail(message.as_bytes()))
    assert found.name == "" and found.holds("attachment-1.pdf") and not found.holds("attachment-2.pdf")


def test_a_forwarded_message_is_one_attachment_followed_by_its_own():
    """A forwarded mail is listed (its bytes the message, for download) and then its PDF, which the
    reader reads under the PDF's own name; a nameless file is known by its place in its message."""
    inner = order_mail(("订单.pdf", text_pdf(), "application/pdf"))
    for encoded in (False, True):
        found = attachments(parse_mail(forwarded(inner, encoded=encoded)))
        assert [(a.index, a.name, a.kind, a.number) for a in found] == [(0, "FW PO TP-2026-001.eml", "mail", 1),
                                                                         (1, "订单.pdf", "pdf", 1)], encoded
        assert b"Please find our purchase order attached." in found[0].data and found[1].data.startswith(b"%PDF")
        assert found[1].holds("订单.pdf") and not found[0].holds("订单.pdf")


def _case(engine, desk_settings, desk_client, data: bytes) -> tuple[int, str]:
    doc = fill_queue(engine, desk_settings, extra=((data, "po-mail.eml", "mail"),))[-1]
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    return doc, desk_client.get(f"/documents/{doc}").text


def test_a_mail_case_page_shows_its_pdf_attachment_as_pages_with_the_values_marked(engine, desk_settings,
                                                                                      desk_client):
    """Given a generated mail carrying a CSV note and the order as a generated PDF: the case page
    shows the mail's headers and the PDF's page as an image (its size as read), every value read
    points at a box on that page, and the page image is served (once drawn, then cached); a page
    that is not there, or an attachment that is no PDF, is 404."""
    doc, page = _case(engine, desk_settings, desk_client,
                      order_mail(("note.txt", b"thanks", "text/plain"), ("订单.pdf", text_pdf(), "application/pdf")))
    assert "mail-headers" in page
    assert 'id="page-a1-1" data-page="a1-1"' in page and 'width="595" height="842"' in page
    assert f'src="/documents/{doc}/parts/1/pages/1"' in page
    marks = [html.unescape(m).split() for m in re.findall(r'data-mark="([^"]+)"', page)]
    assert len(marks) >= 3 * 5 and all(m[:2] == ["page", "a1-1"] for m in marks), marks
    quantity = re.search(r'name="line-1-quantity" value="1,?500" data-mark="page a1-1 (\d+) (\d+)', page)
    assert quantity, "the correction form's line 1 quantity points at its box on the attachment's page"
    image = desk_client.get(f"/documents/{doc}/parts/1/pages/1")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size[0] > 595
    assert desk_client.get(f"/documents/{doc}/parts/1/pages/1").content == image.content
    assert desk_client.get(f"/documents/{doc}/parts/1/pages/2").status_code == 404
    assert desk_client.get(f"/documents/{doc}/parts/0/pages/1").status_code == 404
    assert desk_client.get(f"/documents/{doc}/parts/9/pages/1").status_code == 404


def test_a_faxed_scan_mailed_as_the_only_attachment_shows_as_its_pages(engine, desk_settings, desk_client):
    """Given a fax server's mail whose only attachment is a generated two-page scan: both pages
    are shown under the attachment's name and served as images."""
    doc, page = _case(engine, desk_settings, desk_client,
                      order_mail(("fax-0042.tif", fax_tiff([fax_page(), fax_page()]), "image/tiff"), subject="Fax"))
    assert 'id="page-a0-1"' in page and 'id="page-a0-2"' in page and "fax-0042.tif" in page
    assert desk_client.get(f"/documents/{doc}/parts/0/pages/2").headers["content-type"] == "image/png"


def test_the_pdf_of_a_forwarded_mail_shows_as_pages_with_the_values_marked(engine, desk_settings, desk_client):
    """Given a colleague's mail forwarding the buyer's mail with its PDF: the PDF's page is shown
    (as the message's second attachment) and the values read from it point at it; the forwarded
    mail downloads as itself."""
    inner = order_mail(("订单.pdf", text_pdf(), "application/pdf"))
    doc, page = _case(engine, desk_settings, desk_client, forwarded(inner))
    assert 'id="page-a1-1"' in page and f'src="/documents/{doc}/parts/1/pages/1"' in page
    assert re.search(r'name="line-1-quantity" value="1,?500" data-mark="page a1-1 ', page)
    assert desk_client.get(f"/documents/{doc}/parts/1/pages/1").headers["content-type"] == "image/png"
    download = desk_client.get(f"/documents/{doc}/parts/0")
    assert b"Please find our purchase order attached." in download.content


def picture(width: int, height: int, kind: str = "PNG") -> bytes:
    """A generated picture of that size (a logo, a signature, or a photographed page)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def test_a_picture_too_small_to_be_a_page_is_no_page_set():
    """Given a mail with a 48 px logo, a 400 x 90 signature picture, a photographed page and a
    PDF: the logo and the signature (too small for the reader to read as an order) are no page
    sets, the photo and the PDF are; all four stay attachments (downloads)."""
    message = parse_mail(order_mail(("logo.png", picture(48, 48), "image/png"),
                                    ("signature.jpg", picture(400, 90, "JPEG"), "image/jpeg"),
                                    ("photo.jpg", picture(1200, 1600, "JPEG"), "image/jpeg"),
                                    ("po.pdf", text_pdf(), "application/pdf")))
    found = attachments(message)
    assert [a.name for a in found] == ["logo.png", "signature.jpg", "photo.jpg", "po.pdf"]
    sets, _ = page_sets(found, [], lambda a: 1, lambda a: is_decoration(a.data))
    assert [s.name for s in sets] == ["photo.jpg", "po.pdf"]


def whole_pdf_mail(pdf: bytes, filename: str | None = "PO-7781.pdf") -> bytes:
    """A mail that is not multipart: its one part, the whole message, is the PDF (as some
    scanners and ERP systems send it)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "buyer@customer.example", "orders@ourco.example", "PO"
    message["Date"] = "Tue, 17 Nov 2026 09:30:00 +0800"
    message.set_content(pdf, maintype="application", subtype="pdf", filename=filename)
    data = message.as_bytes()
    assert not parse_mail(data).is_multipart()
    return data


def test_a_mail_that_is_one_pdf_has_that_pdf_as_its_attachment():
    for name, made_up in (("PO-7781.pdf", "PO-7781.pdf"), (None, "attachment-1.pdf")):
        (found,) = attachments(parse_mail(whole_pdf_mail(text_pdf(), name)))
        assert (found.index, found.name, found.kind) == (0, name or "", "pdf") and found.data.startswith(b"%PDF")
        assert found.holds(made_up)


@pytest.mark.parametrize("name", ["PO-7781.pdf", None])
def test_a_case_page_shows_a_mail_that_is_one_pdf_as_its_pages_with_the_values_marked(engine, desk_settings,
                                                                                         desk_client, name):
    """Given a mail whose whole body is a generated PDF order (not multipart), named or not: the
    case page shows the PDF's page, the values read from it point at that page, and the PDF downloads."""
    doc, page = _case(engine, desk_settings, desk_client, whole_pdf_mail(text_pdf(), name))
    assert 'id="page-a0-1"' in page and f'src="/documents/{doc}/parts/0/pages/1"' in page
    assert re.search(r'name="line-1-quantity" value="1,?500" data-mark="page a0-1 ', page)
    assert desk_client.get(f"/documents/{doc}/parts/0/pages/1").headers["content-type"] == "image/png"
    assert desk_client.get(f"/documents/{doc}/parts/0").content.startswith(b"%PDF")


def test_a_logo_and_an_inline_signature_picture_are_downloads_not_pages(engine, desk_settings, desk_client):
    """Given a mail with its order as a generated PDF, a 48 px logo attached and a signature
    picture placed inline (as mail programs add one): the PDF is shown as a page; the logo and the
    signature are listed as downloads and shown as no page."""
    message = parse_mail(order_mail(("po.pdf", text_pdf(), "application/pdf"), ("logo.png", picture(48, 48), "image/png")))
    message.add_attachment(picture(240, 60), maintype="image", subtype="png", filename="image001.png",
                           disposition="inline", cid="<sig@customer>")
    doc, page = _case(engine, desk_settings, desk_client, message.as_bytes())
    assert re.findall(r'<figure class="page" id="page-([^"]+)"', page) == ["a0-1"]
    listed = re.findall(r'href="/documents/\d+/parts/(\d+)">([^<]+)</a>', page)
    assert listed == [("0", "po.pdf"), ("1", "logo.png"), ("2", "image001.png")]
    assert desk_client.get(f"/documents/{doc}/parts/1").content == picture(48, 48)
    assert desk_client.get(f"/documents/{doc}/parts/2").content == picture(240, 60)

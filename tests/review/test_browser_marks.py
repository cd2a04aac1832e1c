"""Where a value came from, in a real headless Chromium: pointing at a value read from a fax or
a PDF draws its box over the page image, where the generator printed that text; pointing at a
value read from a spreadsheet marks its cell in the sheet's table."""
from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFont

from tests.data.gen_documents import COLUMN_X, FONT, ROWS, fax_page, fax_tiff, text_pdf
from tests.review.conftest import add_user, fill_queue, screenshot
from tests.review.test_attachments import order_mail
from tests.review.test_browser_actions import _sign_in
from tests.review.test_marks import ORDER_SHEET, workbook

FAX_SKEW = 0.7   # degrees, counter-clockwise, as fax_page turns its page by default


def _open_case(live_desk, page, data: bytes, name: str, source: str = "fax") -> None:
    doc = fill_queue(live_desk.engine, live_desk.settings, extra=((data, name, source),))[-1]
    add_user(live_desk.engine, "mei")
    _sign_in(page, live_desk.url)
    page.goto(f"{live_desk.url}/documents/{doc}")


def _page_image(page, figure: str = "page-1") -> dict:
    """The page image's box on screen (x, y, width, height) once it has loaded, with its natural size."""
    page.locator(f"#{figure} img").scroll_into_view_if_needed()   # drawn lazily: only when in view
    page.wait_for_function(f"() => {{ const i = document.querySelector('#{figure} img');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    box = page.locator(f"#{figure} img").bounding_box()
    box["natural"] = page.evaluate(f"() => {{ const i = document.querySelector('#{figure} img');"
                                   " return [i.naturalWidth, i.naturalHeight]; }")
    return box


def _on_screen(image: dict, x: float, y: float, width: float, height: float) -> tuple[float, float]:
    """A point of a page `width` x `height` (the generator's units) where the browser shows it."""
    return image["x"] + x * image["width"] / width, image["y"] + y * image["height"] / height


def _assert_marks(page, selector: str, at: tuple[float, float], row_height: float, figure: str = "page-1") -> dict:
    """Point at the value: one mark appears, holds the point `at`, and is no taller than a row."""
    page.hover(selector)
    page.wait_for_selector(f"#{figure} .marks .mark")
    assert page.locator(".marks .mark").count() == 1
    mark = page.locator(f"#{figure} .marks .mark").bounding_box()
    x, y = at
    assert mark["x"] <= x <= mark["x"] + mark["width"], (mark, at)
    assert mark["y"] <= y <= mark["y"] + mark["height"], (mark, at)
    assert mark["height"] < row_height, "the mark is one cell, not the row's neighbours"
    return mark


def _turned(x: float, y: float, centre: tuple[float, float], degrees: float) -> tuple[float, float]:
    """Where PIL's Image.rotate(degrees) (counter-clockwise, about `centre`) moves a point."""
    a = math.radians(degrees)
    dx, dy = x - centre[0], y - centre[1]
    return centre[0] + dx * math.cos(a) + dy * math.sin(a), centre[1] - dx * math.sin(a) + dy * math.cos(a)


def test_pointing_at_a_faxed_quantity_draws_its_box_over_the_scan(live_desk, browser_page):
    """Given a skewed generated fax: hovering line 2's quantity draws a box over the spot where
    the generator printed "288" (turned with the page by the fax's skew); focusing line 1's
    price with the keyboard moves the box there; leaving takes it away."""
    page = browser_page
    _open_case(live_desk, page, fax_tiff([fax_page()]), "fax-marks.tif")
    image = _page_image(page)
    size = image["natural"]
    assert size == [1654, 2339]
    # fax_page's own geometry: columns at COLUMN_X scaled to 200 dpi and by 1.05, rows 70 px apart from y 620,
    # text 36 px high drawn 16 px below the row's top rule; numbers right-aligned 12 px inside their column.
    xs = [round(x * 200 / 72 * 1.05) for x in COLUMN_X]
    font = ImageFont.truetype(FONT, 36)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))

    def printed(row: int, column: int) -> tuple[float, float]:
        text = ROWS[row][column]
        x = xs[column + 1] - 12 - measure.textlength(text, font=font) / 2
        y = 620 + 70 * (row + 1) + 16 + 20
        return _turned(x, y, (size[0] / 2, size[1] / 2), FAX_SKEW)

    scale = image["height"] / size[1]
    _assert_marks(page, "input[name=line-2-quantity]", _on_screen(image, *printed(1, 3), *size), 70 * scale)
    screenshot(page, "case-fax-marked")
    page.mouse.move(5, 5)
    page.focus("input[name=line-1-unit_price]")
    mark = page.locator("#page-1 .marks .mark").bounding_box()
    x, y = _on_screen(image, *printed(0, 5), *size)
    assert mark["x"] <= x <= mark["x"] + mark["width"] and mark["y"] <= y <= mark["y"] + mark["height"]
    page.evaluate("() => document.activeElement.blur()")
    assert page.locator(".marks .mark").count() == 0
    assert page.console_errors == []


A4 = (595.2756, 841.8898)   # text_pdf's page, in points


def _printed_in_pdf(row: int, column: int) -> tuple[float, float]:
    """Where text_pdf printed ROWS[row][column] (the middle of its text; points, y from the top)."""
    from reportlab.pdfbase import pdfmetrics

    width, height = A4
    text = ROWS[row][column]
    x = COLUMN_X[column + 1] - 4 - pdfmetrics.stringWidth(text, "WQY", 9) / 2
    baseline = height - 200 - 18 * (row + 1) - 12
    return x, height - baseline - 3   # the middle of 9-point digits, 3 points above the baseline


def test_pointing_at_a_pdf_value_draws_its_box_over_the_page(live_desk, browser_page):
    """Given a generated text PDF: hovering line 1's quantity and line 3's price draw a box over
    the place reportlab printed them (PDF points, y from the top of the A4 page)."""
    page = browser_page
    _open_case(live_desk, page, text_pdf(), "po-marks.pdf")
    image = _page_image(page)
    scale = image["height"] / A4[1]
    _assert_marks(page, "input[name=line-1-quantity]", _on_screen(image, *_printed_in_pdf(0, 3), *A4), 18 * scale)
    _assert_marks(page, "input[name=line-3-unit_price]", _on_screen(image, *_printed_in_pdf(2, 5), *A4), 18 * scale)
    screenshot(page, "case-pdf-marked")
    assert page.console_errors == []


def test_a_mailed_pdf_shows_as_pages_beside_the_mail_and_its_values_point_at_their_boxes(live_desk, browser_page):
    """Given a generated mail carrying a note and the order as a generated text PDF: the case page
    shows the mail and, under the attachment's name, the PDF's page drawn as an image; hovering
    line 1's quantity and line 2's price draws a box on that page where reportlab printed them."""
    page = browser_page
    data = order_mail(("note.txt", b"thanks", "text/plain"), ("订单-TP.pdf", text_pdf(), "application/pdf"))
    _open_case(live_desk, page, data, "po-mail.eml", "mail")
    assert page.locator("table.mail-headers").is_visible()
    assert "订单-TP.pdf" in page.locator("#page-a1-1 figcaption").inner_text()
    image = _page_image(page, "page-a1-1")
    scale = image["height"] / A4[1]
    _assert_marks(page, "input[name=line-1-quantity]", _on_screen(image, *_printed_in_pdf(0, 3), *A4), 18 * scale,
                  figure="page-a1-1")
    _assert_marks(page, "input[name=line-2-unit_price]", _on_screen(image, *_printed_in_pdf(1, 5), *A4), 18 * scale,
                  figure="page-a1-1")
    screenshot(page, "case-mail-pdf-marked")
    assert page.console_errors == []


def test_an_xlsx_case_shows_its_sheet_and_marks_the_cells_read(live_desk, browser_page):
    """Given an XLSX order: the case page shows the sheet with exactly the cells read marked
    (the buyer in the title, PO number, date, and each line's code, name, unit, quantity and
    price; no heading); pointing at line 2's quantity highlights cell E6."""
    page = browser_page
    _open_case(live_desk, page, workbook(("订单", ORDER_SHEET)), "po-marks.xlsx")
    read = set(page.locator("table.sheet td.read").evaluate_all("cells => cells.map(c => c.dataset.cell)"))
    assert {"B5", "C5", "D5", "E5", "F5", "B6", "C6", "D6", "E6", "F6"} <= read
    assert not read & {"A4", "B4", "C4", "D4", "E4", "F4"}, "headings are not values"
    assert read - {"B5", "C5", "D5", "E5", "F5", "B6", "C6", "D6", "E6", "F6"} <= {"A1", "A3", "B3", "E3", "F3"}
    page.hover("input[name=line-2-quantity]")
    assert page.locator("table.sheet td.here").evaluate_all("cells => cells.map(c => c.dataset.cell)") == ["E6"]
    assert page.locator("table.sheet td.here").inner_text() == "500"
    screenshot(page, "case-xlsx-marked")
    page.hover("input[name=line-1-unit_price]")
    assert page.locator("table.sheet td.here").evaluate_all("cells => cells.map(c => c.dataset.cell)") == ["F5"]
    assert page.console_errors == []


def test_pointing_at_a_pdf_header_value_boxes_the_value_not_its_label(live_desk, browser_page):
    """Given a generated text PDF whose header prints "订单编号 PO No.：TP-2026-001" on one line:
    hovering the PO number draws a box that starts where reportlab printed the value (after the
    label, give or take half a character) and covers it to its end."""
    from reportlab.pdfbase import pdfmetrics

    from tests.data.gen_documents import FIELDS

    page = browser_page
    _open_case(live_desk, page, text_pdf(), "po-header-marks.pdf")
    image = _page_image(page)
    label = FIELDS[0][:FIELDS[0].index("：") + 1]
    start = 40 + pdfmetrics.stringWidth(label, "WQY", 9)
    end = 40 + pdfmetrics.stringWidth(FIELDS[0], "WQY", 9)
    middle = 120 - 3   # from the top of the page: the baseline is 120 points down, digits 6 points tall
    mark = _assert_marks(page, "input[name=po_number]", _on_screen(image, (start + end) / 2, middle, *A4), 18 * image["height"] / A4[1])
    char = 9 * image["width"] / A4[0]
    left, _ = _on_screen(image, start, middle, *A4)
    right, _ = _on_screen(image, end, middle, *A4)
    assert left - char / 2 <= mark["x"] and mark["x"] + mark["width"] <= right + char, (mark, left, right)
    screenshot(page, "case-pdf-header-marked")
    assert page.console_errors == []


def test_pointing_at_a_value_of_a_plain_text_mail_marks_its_characters(live_desk, browser_page):
    """Given an order typed in a mail's plain text: hovering the PO number marks exactly the
    characters "HZ-MARK-2" in the mail's text; hovering line 1's quantity moves the mark to
    "2000" in its line; pointing away restores the text as it was."""
    from tests.e2e.documents import text_mail

    page = browser_page
    data, _ = text_mail("HZ-MARK-2")
    _open_case(live_desk, page, data, "po-text.eml", "mail")
    before = page.locator("pre.text").inner_text()
    page.hover("h3 span[data-mark]")
    page.wait_for_selector("pre.text mark.text-mark")
    assert page.locator("pre.text mark.text-mark").inner_text() == "HZ-MARK-2"
    assert page.locator("pre.text mark.text-mark").evaluate("m => m.parentNode.textContent") == "订单号：HZ-MARK-2"
    page.hover("table.lines tbody tr:first-child td.num >> nth=0")
    assert page.locator("pre.text mark.text-mark").count() == 1
    assert page.locator("pre.text mark.text-mark").inner_text() == "2000"
    screenshot(page, "case-mail-text-marked")
    page.mouse.move(5, 5)
    assert page.locator("pre.text mark").count() == 0 and page.locator("pre.text").inner_text() == before
    assert page.console_errors == []

"""Where a value came from, in a real headless Chromium: pointing at a value read from a fax or
a PDF draws its box over the page image, where the generator printed that text; pointing at a
value read from a spreadsheet marks its cell in the sheet's table."""
from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFont

from tests.data.gen_documents import COLUMN_X, FONT, ROWS, fax_page, fax_tiff, text_pdf
from tests.review.conftest import add_user, fill_queue, screenshot
from tests.review.test_browser_actions import _sign_in
from tests.review.test_marks import ORDER_SHEET, workbook

FAX_SKEW = 0.7   # degrees, counter-clockwise, as fax_page turns its page by default


def _open_case(live_desk, page, data: bytes, name: str) -> None:
    doc = fill_queue(live_desk.engine, live_desk.settings, extra=((data, name, "fax"),))[-1]
    add_user(live_desk.engine, "mei")
    _sign_in(page, live_desk.url)
    page.goto(f"{live_desk.url}/documents/{doc}")


def _page_image(page) -> dict:
    """Page 1's image on screen (x, y, width, height) once it has loaded, with its natural size."""
    page.wait_for_function("() => { const i = document.querySelector('#page-1 img');"
                           " return i && i.complete && i.naturalWidth > 0; }")
    box = page.locator("#page-1 img").bounding_box()
    box["natural"] = page.evaluate("() => { const i = document.querySelector('#page-1 img');"
                                   " return [i.naturalWidth, i.naturalHeight]; }")
    return box


def _on_screen(image: dict, x: float, y: float, width: float, height: float) -> tuple[float, float]:
    """A point of a page `width` x `height` (the generator's units) where the browser shows it."""
    return image["x"] + x * image["width"] / width, image["y"] + y * image["height"] / height


def _assert_marks(page, selector: str, at: tuple[float, float], row_height: float) -> dict:
    """Point at the value: one mark appears, holds the point `at`, and is no taller than a row."""
    page.hover(selector)
    page.wait_for_selector("#page-1 .marks .mark")
    assert page.locator(".marks .mark").count() == 1
    mark = page.locator("#page-1 .marks .mark").bounding_box()
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


def test_pointing_at_a_pdf_value_draws_its_box_over_the_page(live_desk, browser_page):
    """Given a generated text PDF: hovering line 1's quantity and line 3's price draw a box over
    the place reportlab printed them (PDF points, y from the top of the A4 page)."""
    from reportlab.pdfbase import pdfmetrics

    page = browser_page
    _open_case(live_desk, page, text_pdf(), "po-marks.pdf")
    image = _page_image(page)
    width, height = 595.2756, 841.8898
    top = height - 200

    def printed(row: int, column: int) -> tuple[float, float]:
        text = ROWS[row][column]
        x = COLUMN_X[column + 1] - 4 - pdfmetrics.stringWidth(text, "WQY", 9) / 2
        baseline = top - 18 * (row + 1) - 12
        return x, height - baseline - 3   # the middle of 9-point digits, 3 points above the baseline

    scale = image["height"] / height
    _assert_marks(page, "input[name=line-1-quantity]", _on_screen(image, *printed(0, 3), width, height), 18 * scale)
    _assert_marks(page, "input[name=line-3-unit_price]", _on_screen(image, *printed(2, 5), width, height), 18 * scale)
    screenshot(page, "case-pdf-marked")
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

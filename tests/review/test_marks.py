"""The case page points at where each value was read: boxes on page images, cells of a sheet."""
from __future__ import annotations

import html
import re
from datetime import datetime
from io import BytesIO

import openpyxl
import sqlalchemy as sa

from review.marks import order_marks, page_box, read_cells
from review.originals import SHEET_ROWS, sheet_views
from tests.data.gen_documents import text_pdf
from tests.review.conftest import GOLDEN, add_user, fill_queue, sign_in

ORDER_SHEET = [
    ["好味食品有限公司  采购订单"],
    [],
    ["订单编号：", "HW-7", None, None, "订单日期：", datetime(2026, 11, 17)],
    ["序号", "物料编号", "物料名称", "单位", "数量", "单价"],
    [1, "1.01.0001", "瓦楞纸箱", "个", 3000, 1.2],
    [2, "1.01.0002", "瓦楞纸箱", "个", 500, 2.6],
]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    """A workbook in memory, one sheet per (title, rows)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _case_page(engine, desk_settings, desk_client, data: bytes, name: str, source: str = "fax") -> str:
    doc = fill_queue(engine, desk_settings, extra=((data, name, source),))[-1]
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    return desk_client.get(f"/documents/{doc}").text


def _marks(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'data-mark="([^"]+)"', page)]


def test_a_box_is_placed_in_percent_of_its_page():
    """A box in PDF points becomes percent of the page the reader measured; no page size, no box."""
    where = {"page": 1, "box": [59.5, 84.2, 119.0, 168.4]}
    assert page_box(where, [[595.0, 842.0, 0.0]]) == page_box(where, [[595.0, 842.0]])
    box = page_box(where, [[595.0, 842.0, 0.0]])
    assert (box.page, round(box.left, 3), round(box.top, 3), round(box.width, 3), round(box.height, 3)) == \
        (1, 10.0, 10.0, 10.0, 10.0)
    assert page_box(where, []) is None
    assert page_box({"page": 2, "box": [1, 2, 3, 4]}, [[595.0, 842.0]]) is None
    assert page_box({"page": 1, "cell": "B7"}, [[595.0, 842.0]]) is None


def test_each_value_of_a_line_points_at_its_own_cell():
    """Given a line whose quantity and price were read from two cells: each column gets its own
    mark; the line number falls back to the line's own box; a sheet marks cells by name."""
    order = {"pages": [[600.0, 800.0, 0.0]], "fields": {"po_number": {"page": 1, "box": [60, 80, 120, 96], "cell": "B3"}},
             "provenance": [{"line_no": 1, "where": {"page": 1, "box": [300, 400, 330, 416], "cell": "E5", "fields": {
                 "quantity": {"page": 1, "box": [300, 400, 330, 416], "cell": "E5"},
                 "unit_price": {"page": 1, "box": [420, 400, 450, 416], "cell": "F5"},
                 "code": {"page": 1, "box": [90, 400, 150, 416], "cell": "B5"}}}}]}
    pages = order_marks(order, sheet=False)
    # hundredths of a percent of the page: left, top, width, height
    assert pages.header["po_number"] == "page 1 1000 1000 1000 200"
    assert pages.lines[(1, "quantity")] == "page 1 5000 5000 500 200"
    assert pages.lines[(1, "unit_price")] == "page 1 7000 5000 500 200"
    assert pages.lines[(1, "sku")] == "page 1 1500 5000 1000 200"   # the code read is what the item was matched on
    assert pages.lines[(1, "line_no")] == pages.lines[(1, "quantity")]
    assert (1, "description") not in pages.lines
    assert 'data-mark="page 1 5000 5000' in pages.value(1, "quantity") and pages.value(1, "unit") == ""
    cells = order_marks(order, sheet=True)
    assert cells.lines[(1, "unit_price")] == "cell F5" and cells.header["po_number"] == "cell B3"
    assert read_cells({1: cells}) == {"B3", "B5", "E5", "F5"}


def test_a_sheet_is_cut_to_size_and_names_its_cells_as_the_reader_does():
    """A workbook of two sheets names cells "Sheet!B7"; a long sheet is cut with a count of what is left out."""
    long_rows = [["序号", "数量"]] + [[n, n * 10] for n in range(1, SHEET_ROWS + 50)]
    views = sheet_views(workbook(("订单", ORDER_SHEET), ("长表", long_rows)), "sheet")
    assert [v.name for v in views] == ["订单", "长表"]
    assert views[0].cell(4, 4) == "订单!E5" and views[0].rows[4][4] == "3000"
    assert views[0].columns == ["A", "B", "C", "D", "E", "F"] and views[0].cut_rows == 0
    assert len(views[1].rows) == SHEET_ROWS and views[1].cut_rows == 50
    (single,) = sheet_views(workbook(("订单", ORDER_SHEET)), "sheet")
    assert single.cell(4, 4) == "E5"
    assert sheet_views(b"PK\x03\x04 not a workbook", "sheet") is None


def test_a_pdf_case_page_marks_each_value_with_its_box(engine, desk_settings, desk_client):
    """Given a generated text PDF: the case page shows its page with its size, and every line's
    quantity, price and item code carry a box on page 1 inside the page, left to right in the
    order they are printed."""
    page = _case_page(engine, desk_settings, desk_client, text_pdf(), "po.pdf")
    assert 'id="page-1" data-page="1"' in page and 'width="595" height="842"' in page
    marks = [m.split() for m in _marks(page)]
    assert len(marks) >= 3 * 5, marks
    assert all(m[0] == "page" and m[1] == "1" and 0 <= int(m[2]) < 10000 and 0 <= int(m[3]) < 10000 for m in marks)
    quantity = re.findall(r'name="line-1-quantity" value="[^"]*" data-mark="page 1 (\d+) (\d+)', page)
    price = re.findall(r'name="line-1-unit_price" value="[^"]*" data-mark="page 1 (\d+) (\d+)', page)
    code = re.findall(r'name="line-1-sku" value="[^"]*" data-mark="page 1 (\d+) (\d+)', page)
    assert quantity and price and code, "the lines in the correction form point at their cells"
    assert int(code[0][0]) < int(quantity[0][0]) < int(price[0][0])
    assert abs(int(quantity[0][1]) - int(price[0][1])) < 50, "one row: the same height on the page"
    assert '<script src="/static/marks.js" defer>' in page


def test_an_xlsx_case_page_shows_the_sheet_with_the_read_cells_marked(engine, desk_settings, desk_client):
    """Given an XLSX order: the original is its sheet as a table; the cells of the PO number,
    the quantities, prices and codes are the marked ones, and the values point at them."""
    page = _case_page(engine, desk_settings, desk_client, workbook(("订单", ORDER_SHEET)), "po.xlsx")
    assert 'class="sheet"' in page
    read = set(re.findall(r'<td data-cell="([^"]+)" class="read">', page))
    assert {"B5", "E5", "F5", "B6", "E6", "F6"} <= read
    assert "A4" not in read and "E4" not in read, "the headings are not values read"
    assert re.search(r'<td data-cell="E5" class="read">3000</td>', page)
    marks = set(_marks(page))
    assert {"cell E5", "cell F6", "cell B5"} <= marks


def test_a_csv_case_page_is_a_table_too(engine, desk_settings, desk_client):
    fill_queue(engine, desk_settings)
    add_user(engine, "mei")
    sign_in(desk_client, "mei")
    with engine.connect() as conn:
        doc = conn.execute(sa.text("SELECT id FROM documents WHERE filename = 'csv-order.csv'")).scalar()
    page = desk_client.get(f"/documents/{doc}").text
    assert 'class="sheet"' in page
    assert re.search(r'<td data-cell="G2" class="read">1000</td>', page)
    assert "cell G2" in _marks(page)


def test_a_mail_shows_the_spreadsheet_its_order_came_in_with_the_read_cells_marked(engine, desk_settings, desk_client):
    """Given a mail whose order came as a CSV attachment: under the mail's headers the attachment
    is a table with the read cells marked, and the lines point at them by the attachment's name."""
    page = _case_page(engine, desk_settings, desk_client, (GOLDEN / "mail-csv-attachment.eml").read_bytes(),
                      "mail-csv-attachment.eml", "mail")
    assert "mail-headers" in page and 'class="sheet"' in page and "<h3>采购订单.csv</h3>" in page
    assert re.search(r'<td data-cell="采购订单.csv/G2" class="read">1000</td>', page)
    assert {"cell 采购订单.csv/G2", "cell 采购订单.csv/I3"} <= set(_marks(page))


def _spelled(lines: list[str], mark: str) -> str:
    """The characters a "text <line> <start> <end>" mark covers (UTF-16 units, as the browser counts)."""
    _, number, start, end = mark.split()
    return lines[int(number) - 1].encode("utf-16-le")[2 * int(start):2 * int(end)].decode("utf-16-le")


def _read_values(page: str) -> list[tuple[str, str]]:
    """(mark, value shown) of every marked value in the read order's tables."""
    return [(html.unescape(m), v) for m, v in re.findall(r'<td[^>]*? data-mark="([^"]+)" tabindex="0">([^<]*)</td>', page)]


def test_a_plain_text_mail_marks_the_characters_of_each_value(engine, desk_settings, desk_client):
    """Given an order typed in a mail's plain text ("订单号：HZ-MARK-1", lines "1. PET瓶 … 2000个
    0.45元"): the page shows the text line by line; the PO number points at the characters
    "HZ-MARK-1" of its line, not at its label; the dates at their own characters; each line's
    description, quantity and price at exactly the characters that print them in that line, and
    its row number at the whole line."""
    from decimal import Decimal

    from review.originals import parse_mail
    from tests.e2e.documents import text_mail

    data, _ = text_mail("HZ-MARK-1")
    page = _case_page(engine, desk_settings, desk_client, data, "po-text.eml", "mail")
    lines = parse_mail(data).get_body(preferencelist=("plain",)).get_content().splitlines()
    assert page.count('<span class="tl" id="tl-') == len(lines)
    po = html.unescape(re.search(r'<h3>PO <span data-mark="([^"]+)"', page).group(1))
    assert _spelled(lines, po) == "HZ-MARK-1" and lines[int(po.split()[1]) - 1].startswith("订单号")
    values = _read_values(page)
    spelled = {shown: _spelled(lines, mark) for mark, shown in values}
    ordered = next(shown for shown in spelled if re.fullmatch(r"\d{4}-\d\d-\d\d", shown))
    assert spelled[ordered] == ordered, "the order date's own characters, not its label"
    assert spelled["PET瓶 500ml 透明 28mm"] == "PET瓶 500ml 透明 28mm" and spelled["瓶盖 28mm 蓝色"] == "瓶盖 28mm 蓝色"
    assert (spelled["2000"], spelled["5000"], spelled["0.45"], spelled["0.05"]) == ("2000", "5000", "0.45", "0.05")
    assert spelled["1"] == lines[7] and spelled["2"] == lines[8], "a row number marks its whole line"
    numbers = [(shown, _spelled(lines, mark)) for mark, shown in values
               if re.fullmatch(r"[\d.]+", shown) and _spelled(lines, mark) not in lines]
    assert len(numbers) == 4 and all(Decimal(a) == Decimal(b) for a, b in numbers), numbers


def test_a_text_file_marks_its_values_too(engine, desk_settings, desk_client):
    """Given the golden WeChat text file (GB18030), in review: its PO number, date, quantities
    and prices point at their characters in the text shown, never at a label."""
    data = (GOLDEN / "text-wechat.txt").read_bytes()
    page = _case_page(engine, desk_settings, desk_client, data, "wechat.txt", "fax")
    lines = data.decode("gb18030").splitlines()
    spelled = {_spelled(lines, mark) for mark in _marks(page) if mark.startswith("text ")}
    assert {"HZ-20261119", "2026-11-19", "400", "2.60", "2000", "0.45"} <= spelled, spelled
    assert not any(label in value for value in spelled for label in ("订单号", "下单日期")), "no label is marked"


def test_a_value_not_found_where_the_reader_says_is_not_marked():
    """The text marks check the stored line: a PO number the line does not spell (the text shown
    is not the one read) is left unmarked rather than guessed; a number is found by its value."""
    order = {"fields": {"po_number": {"line": 1, "text": "PO-9"}, "currency": {"line": 2, "text": "CNY"}},
             "order": {"lines": [{"line_no": 1, "quantity": "1500", "unit_price": "3.50", "description": "Box"}]},
             "provenance": [{"line_no": 1, "where": {"line": 3}}]}
    marks = order_marks(order, sheet=False, text=["PO No.: PO-8", "Währung: CNY", "1 Box  1,500 pcs  3.5"])
    assert "po_number" not in marks.header and marks.header["currency"] == "text 2 9 12"
    assert marks.lines[(1, "quantity")] == "text 3 7 12" and marks.lines[(1, "unit_price")] == "text 3 18 21"
    assert marks.lines[(1, "description")] == "text 3 2 5" and marks.lines[(1, "line_no")] == "text 3 0 21"
    counted = {"order": {"lines": [{"line_no": 2, "quantity": "2", "unit_price": "0.05"}]},
               "provenance": [{"line_no": 2, "where": {"line": 1}}]}
    marks = order_marks(counted, sheet=False, text=["2. 瓶盖 2个  0.05元"])
    assert marks.lines[(2, "quantity")] == "text 1 6 7", "the row's own number is not its quantity"

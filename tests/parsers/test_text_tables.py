"""Tables written in a mail's text: drawn with pipes, cut by tabs (an HTML table) or aligned by
spaces, under multi-word headings (generated)."""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal as D

import pytest

from parsers.context import ParseContext
from parsers.layout.textlines import orders_from_text
from parsers.model import SourceKind

MAIL = ParseContext(path="m.eml", sender="b@example.com", sent=date(2026, 11, 18), subject="Order")
CODE_HEADINGS = ["Customer Part #", "Our Part No.", "Buyer Item No.", "Item Code", "Part No."]
TEXT_HEADINGS = ["Item Description", "Description", "Product"]
QTY_HEADINGS = ["Qty", "Quantity", "Order Qty"]
PRICE_HEADINGS = ["Unit Price (EUR)", "Unit Price", "Price"]
ROWS = [("EW-15747", "PET bottle 660ml clear 28mm", 500, "EA", "0.123"),
        ("EW-14802", "Sealing tape 40mm x 150m beige", 260, "ROLL", "0.7527"),
        ("EW-17727", "Bubble wrap 50cm double layer", 1919, "m", "0.1465"),
        ("EW-79715", "Printed box 50x35x120mm white card", 10200, "PK", "0.334")]


def _render(cells: list[list[str]], style: str) -> list[str]:
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    if style == "tabs":
        return ["\t".join(row) for row in cells]
    if style == "pipes":
        return [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("style", ["tabs", "pipes", "spaces"])
def test_text_tables_keep_their_columns(seed, style):
    """Given a text table in any drawing style under multi-word headings, every line keeps its
    code, quantity, unit and price, and a "label<tab>value" row above gives the PO number."""
    rng = random.Random(seed)
    heading = ["#", rng.choice(CODE_HEADINGS), rng.choice(TEXT_HEADINGS), rng.choice(QTY_HEADINGS), "UoM",
               rng.choice(PRICE_HEADINGS), "Extended"]
    rows = rng.sample(ROWS, rng.randint(1, 4))
    cells = [heading] + [[str(n), code, text, f"{qty:,}", unit, price, f"{qty * D(price):,.2f}"]
                         for n, (code, text, qty, unit, price) in enumerate(rows, start=1)]
    po = f"MB26-{rng.randint(10000, 99999)}"
    top = f"Order No.\t{po}" if style == "tabs" else f"Order No.: {po}"
    text = "\n".join(["Dear Sir or Madam,", "", "PURCHASE ORDER", top, "", *_render(cells, style), "",
                      "Best regards,", "John Miller"])
    (order,) = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    assert order.po_number == po
    got = [(l.customer_sku or l.code or l.our_sku, l.quantity, l.unit, l.unit_price) for l in order.lines]
    assert got == [(code, D(qty), unit, D(price)) for code, _, qty, unit, price in rows]


@pytest.mark.parametrize("first", ["序号 物料编码", "No. Item Code", "# Part No."])
def test_two_headings_one_space_apart_stay_two_columns(first):
    """Given "序号 物料编码" (a counter and a code heading one space apart) over aligned rows, the
    counter is no part of the code."""
    text = "\n".join([f"{first}     Description        Qty      Unit  Price",
                      "1    WY-BT-0500   500ml bottle       20,000    PCS   0.47",
                      "2    WY-CP-038    Bottle cap         20,000    PCS   0.0827", ""])
    (order,) = orders_from_text(text, MAIL, SourceKind.EMAIL).orders
    assert [(l.code or l.customer_sku, l.unit_price) for l in order.lines] == [
        ("WY-BT-0500", D("0.47")), ("WY-CP-038", D("0.0827"))]

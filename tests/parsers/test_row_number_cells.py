"""Row numbers where a reader left them: in a leftmost column no heading names, or printed before
each code or name of an item column (a "#" heading read glued to the next label). They number the
rows (and the row-number check counts them); the codes and names are read without them."""
from __future__ import annotations

import random

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import CheckName, CheckOutcome, SourceKind

_HEADS = {"code": ("Item Code", "Part No.", "物料编码", "Art.-Nr."), "name": ("Description", "品名", "Bezeichnung"),
          "qty": ("Qty", "数量", "Menge"), "price": ("Unit Price", "单价", "Preis"), "amount": ("Amount", "金额", "Betrag")}


def _table(rng: random.Random, n: int, where: str) -> tuple[list[list[str | None]], list[tuple[str, int]]]:
    """A generated order table of n rows whose numbers stand `where`: "column" (unheaded, leftmost),
    "code" or "name" (before the cell's text, the "#" glued to that column's heading)."""
    heads = [rng.choice(_HEADS[k]) for k in ("code", "name", "qty", "price", "amount")]
    truth, body = [], []
    for i in range(1, n + 1):
        code = f"{rng.randint(1, 5)}.0{rng.randint(1, 9)}.{rng.randint(1000, 9999)}"
        qty, price = rng.randint(1, 900), rng.randint(10, 999)
        cells = [code, rng.choice(["Carton box", "PE film 50cm", "纸箱 5层"]), str(qty), f"{price / 100:.2f}",
                 f"{qty * price / 100:.2f}"]
        truth.append((code, qty))
        if where == "code":
            cells[0] = f"{i} {code}"
        elif where == "name":
            cells[1] = f"{i} {cells[1]}"
        body.append(([str(i)] if where == "column" else []) + cells)
    if where == "column":
        heads = [None] + heads
    else:
        k = 0 if where == "code" else 1
        heads[k] = rng.choice(["#", "No.", "序号"]) + rng.choice(["", " "]) + heads[k]
    rows = [["Purchase Order"], ["PO No.", "PO-2026-0077"], ["Order Date", "2026-11-17"], heads, *body]
    return rows, truth


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("where", ["column", "code", "name"])
def test_row_numbers_beside_or_inside_item_cells_number_the_rows(seed, where):
    rng = random.Random(seed)
    n = rng.randint(2, 12)
    rows, truth = _table(rng, n, where)
    (order,) = orders_from_rows(rows, ParseContext(path="po.tif"), SourceKind.FAX).orders
    assert [(line.code, int(line.quantity)) for line in order.lines] == truth
    assert all(line.description and not line.description[0].isdigit() for line in order.lines)
    numbered = [c for c in order.read_checks if c.check is CheckName.ROW_NUMBERS]
    assert [c.outcome for c in numbered] == [CheckOutcome.PASSED], numbered


@pytest.mark.parametrize("cells", [
    ["3 ply carton", "5 ply carton"],          # names that begin with a number, not 1, 2
    ["1 Carton box", "1 PE film"],             # not a count
])
def test_numbers_that_do_not_count_the_rows_stay_in_the_names(cells):
    rows = [["PO No.", "PO-1"], ["Item Code", "Description", "Qty"]] + [
        [f"1.01.100{i}", text, "10"] for i, text in enumerate(cells)]
    (order,) = orders_from_rows(rows, ParseContext(path="po.xlsx"), SourceKind.XLSX).orders
    assert [line.description for line in order.lines] == cells

"""A column headed for a code and a text at once ("Part/Description"): the code printed first is the item code."""
from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import SourceKind
from parsers.vocab.labels import names_code_too

HEADINGS = ["Part/Description", "Part No. / Description", "Item Code & Description", "物料编码/名称",
            "Code and Name", "料号/品名"]
CODES = ["080-501714", "2PART-TB-ASM", "1.04.0047", "AB-100", "WY-SQ-400", "521200580"]
TEXTS = ["PLINTH ASM, SI", "TOOLING MOLD", "PE自封袋 200x300mm", "500ml bottle", "BULLET_SOCKET (NO PLATING)"]


@pytest.mark.parametrize("seed", range(30))
def test_the_code_printed_first_under_a_combined_heading_is_the_items_code(seed):
    """Given a table whose one column is headed for code and description, each row's leading code
    is also the line's code, the description stays as printed; a row with no code has none."""
    rng = random.Random(seed)
    heading = rng.choice(HEADINGS)
    rows = [["PO No.", f"PO-{seed}"], ["Line", heading, "Qty", "Unit Price"]]
    want = []
    for n in range(1, rng.randint(2, 5)):
        code, text = (rng.choice(CODES) if rng.random() < 0.7 else None), rng.choice(TEXTS)
        rows.append([str(n), f"{code} {text}" if code else text, str(n * 10), "1.50"])
        want.append((code, f"{code} {text}" if code else text, D(n * 10)))
    (order,) = orders_from_rows(rows, ParseContext(path="po.xlsx"), SourceKind.XLSX).orders
    assert [(l.code, l.description, l.quantity) for l in order.lines] == want


@pytest.mark.parametrize("heading,combined", [
    ("Part/Description", True), ("物料编码/名称", True), ("品名/规格", False), ("Description", False),
    ("Qty/Unit", False), ("Item/Description", False),
])
def test_which_headings_name_a_code_and_a_text(heading, combined):
    assert names_code_too(heading) is combined

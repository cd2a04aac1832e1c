"""Narrow unruled fax tables: where two headed columns meet when the detector ran their cells together.

First scripted OCR pages (no recogniser) that show the two ways the column edge was misplaced: a
quantity whose box runs into the price beside it ("4900." over the price's first digit, "900.6855"
for 90 and 0.6855) pulled the edge to the quantity's left end, and a heading run "Unit Quantity
Unit Price (CNY) Line Total", its words placed by estimated widths, cut "Unit Price" in two. Then
narrow unruled stress faxes in several languages with the quantity and the price side by side,
read by the real OCR engine.
"""
from __future__ import annotations

import os
from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.formats import fax
from parsers.layout import columns
from tests.parsers.test_unruled_fax import _codes, _nearest, _read, _row, _unruled_fax
from tests.stress import page as stress_page


def test_a_quantity_run_into_its_price_does_not_pull_the_edge_to_the_quantity_start():
    """Given right-aligned quantities under "Qty" and prices under "Price" printed closer than a word
    gap, where one quantity's box runs into its price ("4900." over the price's "0") and a run holds
    a quantity, a price and an amount, the cut between the two headings falls between the quantities'
    ends and the prices' starts, not at the start of the first quantity."""
    qty, price = (1098.0, 1159.0), (1212.0, 1289.0)
    words = [(1128.0, 1215.0), (1210.0, 1311.0), (1147.0, 1204.0), (1214.0, 1240.0), (1235.0, 1310.0),
             (1095.0, 1422.0), (1161.0, 1313.0)]  # "4900." "0.0069" | "245" "0." "2803" | one run | "900.6855"
    for size in (26.0, 30.0, 34.0):
        cut = columns.column_cut(words, qty, price, size)
        assert cut is not None and 1204 <= cut <= 1214


def test_a_label_run_whose_words_are_placed_by_estimate_keeps_unit_price_whole():
    """Given an English heading read as one run "Unit Quantity Unit Price (CNY) Line Total" (its
    words placed by estimated widths, "Unit" of "Unit Price" over the right-aligned quantities),
    each row keeps its quantity and unit price: "Unit Price" is one column, the unit is the first."""
    words = _row(100, ("PO No.: 4500920021", 160, 460)) + _row(
        300, ("Supplier Code Product", 167, 469), ("Unit Quantity Unit Price (CNY) Line Total", 787, 1341))
    rows = [("2.01.1044", "Sealing tape 70mm x 370m beige", "ROLL", "27", "8.52", "230.04"),
            ("1.04.1033", "PET bottle 540ml clear 28mm", "PCS", "70", "0.4987", "34.91"),
            ("1.02.1013", "Bubble wrap 40cm double layer", "M", "1140.5", "0.3337", "380.58")]
    y = 350
    for sku, name, unit, qty, price, amount in rows:
        words += _row(y, (sku, 165, 298), (name, 363, 777), (unit, 790, 790 + 17 * len(unit)),
                      (qty, 1000 - 22 * len(qty), 1000), (price, 1202 - 16 * len(price), 1202),
                      (amount, 1336 - 15 * len(amount), 1336))
        y += 46
    order = _read(words)
    assert [(_codes(line), line.quantity, line.unit_price) for line in order.lines] == [
        ({sku}, Decimal(qty), Decimal(price)) for sku, _n, _u, qty, price, _a in rows]


NARROW = (  # (language, seed, skew): quantity and price side by side in a narrow unruled table
    ("en", 21, 0.9),
    ("fr", 24, 0.5),
    ("en", 83, 0.95),
    ("de", 22, -0.7),
)


@pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
@pytest.mark.parametrize(("lang", "seed", "skew"), NARROW)
def test_narrow_unruled_quantity_and_price_side_by_side_keep_their_columns(lang, seed, skew):
    """Given a narrow unruled fax whose columns are code, name, unit, quantity, price and amount
    (quantities right-aligned against the prices), read by the real OCR engine, every row comes out
    with its own code, quantity and unit price."""
    columns_ = ("sku", "name", "unit", "qty", "price", "amount")
    data, truth = _unruled_fax(lang, columns_, narrow=True, skew=skew, seed=seed)
    (order,) = fax.parse(data, ParseContext(path="narrow.tif")).orders
    codes = [ln.sku for ln in truth.lines]
    assert [_nearest(_codes(line), codes) for line in order.lines] == codes
    assert [(line.quantity, line.unit_price) for line in order.lines] == [
        (ln.quantity, ln.unit_price) for ln in truth.lines]


@pytest.mark.parametrize(("price_label", "qty_label"), [
    ("Price (UsD)", "Order Qty."), ("Unit Price (Cny)", "Qty"), ("Prix (eUR)", "Quantité"), ("Preis (EuR)", "Menge")])
def test_a_currency_note_read_in_mixed_case_and_run_into_the_next_label_stays_with_its_price(price_label, qty_label):
    """Given a heading run "Price (UsD)Order Qty." (the note's letters read in mixed case, no space
    before the next label), the note stays whole with the price's label: the price column is not
    cut to a sliver, and every row keeps its own price and quantity."""
    words = _row(100, ("PO No.: 4500810092", 160, 460)) + _row(
        300, ("No.", 125, 170), ("Item Code Item Description", 174, 497), (price_label + qty_label, 732, 992),
        ("UoM", 993, 1060), ("Line Total", 1073, 1180))
    rows = [("1", "2.02.1057", "Printed box 80x35x830mm", "0.2329", "930", "PCS", "216.60"),
            ("2", "2.01.1047", "PET bottle 500ml clear", "0.1204", "2,250", "PCS", "270.90"),
            ("3", "1.04.1036", "Work gloves 60cm nitrile", "0.2615", "291", "PR", "76.10")]
    y = 350
    for n, sku, name, price, qty, unit, amount in rows:
        words += _row(y, (n, 124, 145), (sku, 178, 300), (name, 309, 634), (price, 862 - 14 * len(price), 862),
                      (qty, 987 - 17 * len(qty), 987), (unit, 997, 1046), (amount, 1181 - 14 * len(amount), 1181))
        y += 46
    order = _read(words)
    assert [(_codes(line), line.unit_price, line.quantity) for line in order.lines] == [
        ({sku}, Decimal(price), Decimal(qty.replace(",", ""))) for _n, sku, _name, price, qty, _u, _a in rows]


@pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
@pytest.mark.parametrize("seed", range(4))
def test_a_code_reaching_past_a_misplaced_column_edge_is_not_cut_between_its_glyphs(seed):
    """Given a code ("1.02.1019") and the name a little apart, read as one run, and a column edge that
    falls inside the code, its last glyph or two short of the code's end (the names' boxes start early,
    over the code's last digit), the run is not cut at the narrow blank between two of the code's
    glyphs: the code is never read as "1.02.101"."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    from parsers.formats import faxruns
    from parsers.layout.words import Word
    from parsers.ocr import default_engine
    from parsers.vocab import labels as F

    rng = random.Random(seed)
    code = f"{rng.randint(1, 2)}.0{rng.randint(1, 4)}.10{rng.randint(10, 59)}"
    name = rng.choice(["Bubble wrap", "PET瓶", "瓦楞纸箱", "Work gloves"])
    font = ImageFont.truetype(stress_page.FONT, 26)
    image = Image.new("L", (900, 60), 255)
    draw = ImageDraw.Draw(image)
    c0, c1 = 40.0, 40.0 + draw.textlength(code, font=font)
    n0 = c1 + 34
    draw.text((c0, 15), code, fill=0, font=font)
    draw.text((n0, 15), name, fill=0, font=font)
    n1 = n0 + draw.textlength(name, font=font)
    run = Word(f"{code} {name}", (c0 - 2, 12, n1 + 2, 48), 0.95)
    inside = c1 - (c1 - c0) / len(code) * rng.uniform(1.0, 1.6)
    edge = faxruns.Edge(inside, (inside, inside), 0, 60, (0, 60), F.CODE, F.NAME)
    words = faxruns.reread_straddling([run], image, [edge], default_engine())
    assert all(w.text.replace(" ", "") != code[:-1] for w in words)
    assert any(code in w.text.replace(" ", "") for w in words)


@pytest.mark.parametrize(("heading", "longest"), [
    (("No.", "Vendor Part #", "Product", "Qty", "Price"), "Corrugated carton 40x30x500mm 5-ply BC flute"),
    (("Pos.", "Artikel-Nr.", "Bezeichnung", "Menge", "Preis"), "Wellpappkarton 40x30x500mm 5-lagig BC Welle"),
    (("N°", "Réf.", "Désignation", "Qté", "Prix"), "Carton ondulé 60x30x120mm 3 plis cannelure B"),
])
def test_a_name_longer_than_the_others_keeps_its_last_words_out_of_the_quantity(heading, longest):
    """Given a narrow unruled table whose longest name ends just short of the right-aligned quantities,
    and two rows whose names ("… 5-ply BC flute") leave the same word gap at the same place, the
    name's last words stay in the name: every row keeps its quantity and price."""
    no, code, name, qty, price = heading
    words = _row(100, ("PO No.: CG2026110045", 120, 420)) + _row(
        300, (no, 129, 174), (code, 182, 374), (name, 383, 492), (qty, 992, 1053), (price, 1183, 1259))
    names = ["Bubble wrap 60cm double layer", longest, "Stretch film 50mm x 970um", longest.replace("40x30x500", "60x30x120"),
             "PE hose OD 15mm wall 2mm"]
    skus = ["2.01.1041", "1.01.1000", "1.02.1018", "1.03.1028", "1.02.1011"]
    quantities, prices = ["1,499", "390", "253", "120", "1,477.5"], ["0.3123", "1.17", "1.90", "1.22", "0.5159"]
    pitch = (993 - 386 - 8 * longest.count(" ")) / len(longest.replace(" ", ""))  # the longest ends at 993
    y = 350
    for n, (sku, text, q, p) in enumerate(zip(skus, names, quantities, prices), start=1):
        runs = [(str(n), 126, 153), (sku, 190, 326)]
        x = 386.0
        for part in text.split():  # each word its own box, as the name's words are once tokenised
            runs.append((part, x, x + pitch * len(part)))
            x += pitch * len(part) + 8
        runs += [(q, 1100 - 15 * len(q), 1100), (p, 1282 - 15 * len(p), 1282)]
        words += _row(y, *runs)
        y += 46
    order = _read(words)
    assert [(line.quantity, line.unit_price) for line in order.lines] == [
        (Decimal(q.replace(",", "")), Decimal(p)) for q, p in zip(quantities, prices)]


@pytest.mark.parametrize("run", ["Buyer Item #·Unit Cost (USD) Order Qty UM", "Buyer Item·Unit Cost (USD) Order Qty·UM",
                                 "Buyer Item # Unit Cost (USD)·Order Qty UM"])
def test_a_speck_between_two_labels_of_one_heading_run_does_not_join_them(run):
    """Given a heading read as one run in which a speck ('·') stands between two labels with no
    space ("#·Unit"), the run is still cut label by label: each row keeps its customer code, price
    and quantity."""
    words = _row(100, ("PO No.: AB26-00036", 160, 460)) + _row(
        300, ("Line", 145, 213), ("Description", 217, 388), (run, 692, 1338), ("Extended", 1329, 1483))
    rows = [("1", "Bottle cap 70mm white", "AHE-83848", "0.0147", "2,000", "PCS", "29.40"),
            ("2", "PE zip bag 70x30cm 100/pack", "AHE-80149", "1.54", "38", "PK", "58.52"),
            ("3", "Deep groove bearing 6216-2RS", "AHE-66552", "3.30", "198", "SET", "653.40")]
    y = 350
    for n, name, cust, price, qty, unit, amount in rows:
        words += _row(y, (n, 147, 164), (name, 221, 221 + 14 * len(name)), (cust, 688, 851),
                      (price, 1112 - 17 * len(price), 1112), (qty, 1269 - 18 * len(qty), 1269), (unit, 1279, 1336),
                      (amount, 1483 - 17 * len(amount), 1483))
        y += 46
    order = _read(words)
    assert [(line.customer_sku, line.unit_price, line.quantity) for line in order.lines] == [
        (cust, Decimal(price), Decimal(qty.replace(",", ""))) for _n, _name, cust, price, qty, _u, _a in rows]

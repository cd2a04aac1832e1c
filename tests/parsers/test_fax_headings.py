"""Fax table headings the OCR engine reads wrongly still head their table.

Generated faxes (the stress generator's pages, rendered skewed and speckled, read by the real OCR
engine) whose quantity heading is smudged into letters no label vocabulary holds ("QQ", "QY": what
the recogniser makes of a faint "Qty"), ruled and unruled, in several languages: the column of
plain numbers under the one heading no label names is the count, and every row is read with its
own quantity. A scripted page shows a speck read as a bracket between two words of one heading.
"""
from __future__ import annotations

import io
import os
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from PIL import Image

from parsers.context import ParseContext
from parsers.formats import fax
from parsers.layout.headings import unread_count
from parsers.layout.words import Word
from parsers.ocr import OcrWord
from tests.stress import page as stress_page
from tests.stress import render, vocab
from tests.stress.catalog import draw_catalog
from tests.stress.orders import draw_order
from tests.stress.style import draw_style


def _fax(lang: str, columns: tuple[str, ...], qty_label: str, *, ruled: bool, skew: float, seed: int,
         unit_in_qty: bool = False):
    """A stress fax in `lang` with exactly `columns`, its quantity column headed `qty_label`: (tiff bytes, truth)."""
    rng = random.Random(f"headings/{seed}")
    cat = draw_catalog(random.Random(f"headings/{seed}/catalog"))
    truth = draw_order(cat, rng, serial=seed, anomaly_rate=0.0, own_codes="cust" in columns, max_lines=5)
    truth.lines = truth.lines[:5]
    style = draw_style(truth, "fax", rng)
    labels = {k: rng.choice(v) for k, v in vocab.COLUMN_LABELS[lang].items()}
    style = replace(style, lang=lang, title=vocab.TITLES[lang][0],
                    field_labels={k: rng.choice(v) for k, v in vocab.FIELD_LABELS[lang].items()},
                    column_labels={**labels, "qty": qty_label}, total_label=vocab.TOTAL_LABELS[lang][0],
                    date_form=rng.choice(vocab.date_forms(lang, truth.customer.country)),
                    number_form=rng.choice(vocab.number_forms(lang)), colon="：" if lang.startswith("zh") else ":",
                    columns=columns, ruled=ruled, narrow=False, lines_as="table", unit_in_qty=unit_in_qty,
                    page_rows=None, print_total=True)
    pages = stress_page.layout(truth, style, rng)
    return render.fax_bytes(pages, skew=skew, specks=1500, container="tiff", seed=seed), truth


SMUDGED = (  # (language, columns, printed quantity heading, ruled, skew, seed)
    ("en", ("no", "sku", "name", "qty", "unit", "price", "amount"), "QQ", True, 1.6, 21),
    ("en", ("no", "cust", "name", "spec", "qty", "unit", "price", "amount"), "QY", False, -0.9, 22),
    ("de", ("sku", "name", "qty", "unit", "price", "amount"), "Mcnqc", True, 0.7, 23),
    ("fr", ("no", "sku", "name", "unit", "qty", "price", "amount"), "Qlé", False, 1.1, 24),
    # a long heading with one letter read as a mark, right beside the unit column
    ("de", ("no", "cust", "name", "qty", "unit", "price", "amount"), "Anzah!", False, -1.4, 26),
    ("en", ("no", "sku", "name", "qty", "unit", "price", "amount"), "Quantlty", True, 0.8, 27),
)
# The count written with its unit in one cell ("291 pack") under the smudged heading.
SMUDGED_WITH_UNITS = (
    ("en", ("no", "cust", "name", "qty", "price", "amount"), "Qy", True, -1.0, 25),
    ("de", ("sku", "name", "qty", "price", "amount"), "Mcnqc", False, 0.9, 28),
)


@pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
@pytest.mark.parametrize(("lang", "columns", "qty_label", "ruled", "skew", "seed"), SMUDGED)
def test_a_smudged_quantity_heading_still_heads_the_count_column(lang, columns, qty_label, ruled, skew, seed):
    """Given a generated fax whose quantity heading reads as no known label, every row is read with
    its own quantity (at most one unreadable), never another column's number."""
    data, truth = _fax(lang, columns, qty_label, ruled=ruled, skew=skew, seed=seed)
    (order,) = fax.parse(data, ParseContext(path="smudged.tif")).orders
    assert len(order.lines) == len(truth.lines)
    read = [line.quantity for line in order.lines]
    want = [ln.quantity for ln in truth.lines]
    assert all(got in (right, None) for got, right in zip(read, want))
    assert sum(q is None for q in read) <= 1


@pytest.mark.skipif(not os.path.exists(stress_page.FONT), reason="fonts-wqy-microhei is not installed")
@pytest.mark.parametrize(("lang", "columns", "qty_label", "ruled", "skew", "seed"), SMUDGED_WITH_UNITS)
def test_a_smudged_heading_over_counts_written_with_their_unit_still_heads_them(lang, columns, qty_label, ruled,
                                                                                skew, seed):
    """Given a generated fax whose count cells hold the unit too ("291 pack") under a quantity heading
    that reads as no label, the fax is read (not failed) and every row has its own quantity and unit."""
    data, truth = _fax(lang, columns, qty_label, ruled=ruled, skew=skew, seed=seed, unit_in_qty=True)
    (order,) = fax.parse(data, ParseContext(path="smudged.tif")).orders
    assert len(order.lines) == len(truth.lines)
    read = [line.quantity for line in order.lines]
    assert all(got in (ln.quantity, None) for got, ln in zip(read, truth.lines))
    assert sum(q is None for q in read) <= 1
    assert sum(line.unit is not None for line in order.lines) >= len(truth.lines) - 1


def _heading(*texts: str) -> list[list[Word]]:
    return [[Word(t, (100.0 * k, 0, 100.0 * k + 60, 20))] for k, t in enumerate(texts)]


def _under(*texts: str) -> list[Word]:
    return [Word(t, (100.0 * k + 5, 40, 100.0 * k + 55, 60)) for k, t in enumerate(texts)]


@pytest.mark.parametrize(("heading", "below", "count"), [
    (("Item", "Code", "QQ", "Unit", "Price"), ("1", "1.01.1003", "20", "PCS", "3.50"), 2),
    (("Code", "QQ", "Price", "Amount"), ("1.01.1003", "1,200", "3.50", "4,200.00"), 1),
    # two unnamed columns of numbers: which one counts cannot be told
    (("Code", "QQ", "Wt", "Price"), ("1.01.1003", "20", "3", "3.50"), None),
    # a heading that names its quantity needs no guess
    (("Code", "Qty", "Wt", "Price"), ("1.01.1003", "20", "3", "3.50"), None),
    # words under the unnamed heading: not a count column
    (("Code", "Xyz", "Price", "Amount"), ("1.01.1003", "red", "3.50", "7.00"), None),
    # counts written with their unit ("291 pack", "1,200 PCS"), or in another's reach, are counts
    (("No.", "Code", "QY", "Unit Cost", "Extended"), ("1", "PBB-65949", "291 pack", "1.65", "480.15"), 2),
    (("Code", "QQ", "Price"), ("1.01.1003", "1,200 PCS", "3.50"), 1),
    # a unit word alone is no count
    (("Code", "QQ", "Price", "Amount"), ("1.01.1003", "pack", "3.50", "7.00"), None),
    # a number with a word that is no unit is no count
    (("Code", "QQ", "Price", "Amount"), ("1.01.1003", "20 blue", "3.50", "7.00"), None),
    # no price or amount to check a guessed count against
    (("Code", "QQ", "Unit"), ("1.01.1003", "20", "PCS"), None),
])
def test_the_unread_count_heading_is_the_one_unnamed_cell_over_numbers(heading, below, count):
    """The count column is guessed only when exactly one unnamed heading stands over plain numbers
    and the heading names an item and a price or an amount to check it by."""
    assert unread_count(_heading(*heading), _under(*below)) == count


class _Scripted:
    """An OCR engine that returns the same words for every page (no recogniser: no re-reads)."""

    def __init__(self, words):
        self.words = words

    def read(self, image):
        return list(self.words)


def test_a_speck_read_as_a_bracket_inside_a_heading_keeps_the_heading_whole():
    """Given the heading "Buyer Item #" read as "Buyer]" and "Item #" (a speck between the words read
    as a bracket), the column is the customer's code column and its codes are read there."""
    def run(y, *cells):
        return [OcrWord(text, (x0, y, x1, y + 28), 0.99) for text, x0, x1 in cells]

    words = run(100, ("PO No.: PO-2026-0107", 160, 460))
    words += run(300, ("#", 156, 180), ("Buyer]", 214, 313), ("Item #", 300, 404), ("Product", 423, 551),
                 ("Qty", 961, 1018), ("UM", 1049, 1107), ("Unit Price", 1167, 1310), ("Line Total", 1334, 1476))
    words += run(370, ("1", 154, 173), ("PHK-36416", 220, 368), ("Sealing tape", 434, 611), ("109", 960, 1020),
                 ("ROLL", 1050, 1130), ("1.04", 1236, 1306), ("113.36", 1373, 1475))
    words += run(440, ("2", 154, 178), ("PHK-25702", 219, 367), ("Sealing tape", 434, 611), ("248", 960, 1020),
                 ("ROLL", 1050, 1129), ("0.6365", 1200, 1305), ("157.85", 1371, 1475))
    words += run(520, ("Total 271.21", 1309, 1491))
    png = io.BytesIO()
    Image.new("L", (1500, 1200), 255).save(png, format="PNG")
    (order,) = fax.parse(png.getvalue(), ParseContext(path="fax.tif"), ocr=_Scripted(words)).orders
    assert [(ln.customer_sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("PHK-36416", Decimal(109), Decimal("1.04")), ("PHK-25702", Decimal(248), Decimal("0.6365"))]


def _narrow_item_page() -> list[OcrWord]:
    """An unruled English table whose "Item" (row numbers) and "Description" headings are printed
    closer than a word gap, so that they read as the one label "Item Description"; one row number
    is read as a mark (">") and one with a dot ("3.")."""
    def run(y, *cells):
        return [OcrWord(text, (x0, y, x1, y + 30), 0.99) for text, x0, x1 in cells]

    words = run(100, ("Purchase Order No: CG2026110106", 102, 560))
    words += run(300, ("Item", 111, 173), ("Description", 182, 320), ("Customer Part#", 681, 860), ("Qty", 900, 960),
                 ("UoM", 976, 1041), ("Unit Price", 1060, 1175), ("Amount", 1200, 1285))
    rows = [(">", "Strapping band 40mm", "TG-13212", "354", "KG", "1.06", "375.24"),
            ("2", "Stretch film 70mm", "TG-94554", "342", "KG", "0.9163", "313.37"),
            ("3.", "Bubble wrap 50cm", "TG-13927", "1,398", "M", "0.1137", "158.95")]
    for k, (n, name, cust, qty, unit, price, amount) in enumerate(rows):
        words += run(360 + 50 * k, (n, 110, 134), (name, 188, 420), (cust, 677, 798), (qty, 915, 970),
                     (unit, 980, 1020), (price, 1090, 1171), (amount, 1196, 1284))
    return words + run(560, ("Total 847.56", 1140, 1290))


def test_two_labels_read_as_one_are_cut_where_the_rows_show_two_columns():
    """Given "Item" (over row numbers) and "Description" printed closer than a word gap, the rows'
    gutter between them makes them two columns: descriptions keep no row number, lines are numbered."""
    png = io.BytesIO()
    Image.new("L", (1500, 1200), 255).save(png, format="PNG")
    (order,) = fax.parse(png.getvalue(), ParseContext(path="fax.tif"), ocr=_Scripted(_narrow_item_page())).orders
    assert [(ln.customer_sku, ln.description, ln.quantity) for ln in order.lines] == [
        ("TG-13212", "Strapping band 40mm", Decimal(354)), ("TG-94554", "Stretch film 70mm", Decimal(342)),
        ("TG-13927", "Bubble wrap 50cm", Decimal(1398))]


def test_the_column_edges_are_found_when_a_misread_heading_stands_over_two_gutter_columns():
    """Given the heading "Buyer Item #" misread "Buyxr]" "Item #" over customer codes, so that no
    heading cell's middle stands over one of the gutter columns its words head, the unruled table's
    edges are still found, that column named by no field (the re-reader used to stop on it with a
    KeyError, and the whole fax failed)."""
    from parsers.formats import faxruns

    def run(y, *cells):
        return [Word(text, (float(x0), y, float(x1), y + 28.0), 0.99) for text, x0, x1 in cells]

    words = run(536, ("#", 156, 180), ("Buyxr]", 214, 313), ("Item #", 300, 404), ("'Product", 423, 551),
                ("Spec", 637, 718), ("Qty", 961, 1018), ("UM", 1049, 1107), ("Unit- Price.", 1167, 1310),
                ("Line Total", 1334, 1476))
    for y, n, code, name, spec, qty, unit, price, amount in (
            (612, "1", "PHK-36416", "Sealing tape", "50mm x 930m beige", "109", "ROLL", "1.04", "113.36"),
            (686, "2", "PHK-25702", "Sealing tape", "40mm x 580m beige", "248", "ROLL", "0.6365", "157.85"),
            (760, "3", "PHK-37307", "... PE zip bag", "40x30cm-100/pack", "123", "PACK", "1.69", "207.87")):
        words += run(y, (n, 154, 178), (code, 212, 376), (name, 434 if n != "3" else 402, 611 if n != "3" else 584),
                     (spec, 638, 932), (qty, 960, 1020), (unit, 1050, 1130), (price, 1232, 1306), (amount, 1372, 1476))
    words += run(845, ("Total 479.08", 1309, 1491))
    edges = faxruns.table_edges(words)
    assert [e.right for e in edges][-4:] == ["quantity", "unit", "unit_price", "amount"]


class _Pages:
    """An OCR engine that reads the scripted pages in turn."""

    def __init__(self, pages):
        self.pages = iter(pages)

    def read(self, image):
        return list(next(self.pages))


def _two_page_tiff() -> bytes:
    out = io.BytesIO()
    first, second = Image.new("L", (1500, 2300), 255), Image.new("L", (1500, 2300), 255)
    first.save(out, format="TIFF", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_heading_repeated_on_the_next_page_names_what_the_first_page_misread():
    """Given a table over two pages whose first-page heading lost a label to OCR ("z°" for "N°")
    and whose second page repeats the heading whole, all rows of both pages are read, the first
    page's too (the fuller heading on page 2 was taken as the table's, the rows above it lost)."""
    def run(y, *cells):
        return [OcrWord(text, (x0, y, x1, y + 28), 0.99) for text, x0, x1 in cells]

    def heading(y, number):
        return run(y, (number, 165, 189), ("Nuestra ref.", 224, 350), ("Articulo", 382, 465), ("Cantidad", 756, 850),
                   ("Unidad", 885, 960), ("P. unit. (EUR)", 995, 1129), ("Total", 1163, 1213))

    def row(y, n, cust, name, qty, unit, price, amount):
        return run(y, (n, 165, 175), (cust, 222, 336), (name, 382, 700), (qty, 810, 848), (unit, 885, 926),
                   (price, 1057, 1127), (amount, 1162, 1251))

    page1 = run(170, ("ORDEN DE COMPRA", 628, 1028)) + run(266, ("N° de pedido: KB26-00128", 136, 500))
    page1 += heading(654, "z°") + row(704, "1", "AAT-32208", "Work gloves", "163", "pair", "0,4173", "68,02")
    page1 += row(754, "2", "AAT-26746", "Stretch film", "821", "kg", "2,09", "1.715,89")
    page1 += run(2249, ("Pagina 1 de 2", 755, 900))
    page2 = heading(163, "N°") + row(214, "3", "AAT-25137", "Hex bolt", "236", "BOX", "10,34", "2.440,24")
    page2 += run(378, ("Total 4.224,15", 1314, 1483)) + run(2248, ("Pagina 2 de 2", 756, 901))
    (order,) = fax.parse(_two_page_tiff(), ParseContext(path="fax.tif"), ocr=_Pages([page1, page2])).orders
    assert [(ln.line_no, ln.customer_sku, ln.quantity) for ln in order.lines] == [
        (1, "AAT-32208", Decimal(163)), (2, "AAT-26746", Decimal(821)), (3, "AAT-25137", Decimal(236))]


def test_a_heading_run_with_a_misread_label_is_cut_into_its_labels():
    """Given the detector's one run "序號物料编碼物料名稠" (物料名稱 with 稱 misread), it is cut into three
    heading cells, the last naming the item's name, and the line heads a table with a quantity."""
    from parsers.layout.headings import cell_field, heading_cells, is_header

    line = [Word("序號物料编碼物料名稠", (169, 560, 526, 590)), Word("訂購數量", (757, 560, 850, 590)),
            Word("單位", (880, 560, 930, 590)), Word("單價(港)", (1000, 560, 1122, 590))]
    cells = heading_cells(line)
    assert [cell_field(c) for c in cells] == ["line_no", "code", "name", "quantity", "unit", "unit_price"]
    assert is_header(line)


def test_labels_of_one_heading_stay_together_over_one_column():
    """Given the detector's heading runs "Customer Part # Description" and "Quantity UoM Unit Cost
    Line Total" over codes (one cut in two pieces) and amounts that stand under one word of their
    heading only, "Customer Part #" and "Line Total" each stay one heading: the codes are the
    customer's and the amounts the lines' (not "Customer" | "Part #", "Line" | "Total")."""
    def run(y, *cells):
        return [OcrWord(text, (x0, y, x1, y + 28), 0.99) for text, x0, x1 in cells]

    words = run(100, ("PO No.: CG2026110020", 160, 460))
    words += run(300, ("Item", 162, 244), ("Customer Part # Description", 232, 615),
                 ("Quantity UoM Unit Cost Line Total", 899, 1363))
    rows = [(("1", 161, 185), ("AKE-65134", 239, 382), ("Bottle cap 60mm blue", 465, 749), ("5,600", 935, 1012),
             ("PCS", 1022, 1076), ("0.006", 1143, 1225), ("33.60", 1285, 1363)),
            (("2", 162, 185), ("AKE-", 242, 300), ("49816", 296, 381), ("Sealing tape 50mm x 510m beige", 464, 886),
             ("223", 959, 1012), ("ROLL", 1024, 1072), ("0.3029", 1152, 1220), ("67.55", 1288, 1359)),
            (("3", 159, 184), ("AKE-34544", 239, 380), ("Sealing tape 70mm x 820m beige", 463, 890), ("116", 960, 1011),
             ("ROLL", 1023, 1071), ("1.23", 1184, 1220), ("142.68", 1272, 1358))]
    for k, cells in enumerate(rows):
        words += run(360 + 50 * k, *cells)
    words += run(520, ("Total 243.83", 1200, 1363))
    png = io.BytesIO()
    Image.new("L", (1500, 1200), 255).save(png, format="PNG")
    (order,) = fax.parse(png.getvalue(), ParseContext(path="fax.tif"), ocr=_Scripted(words)).orders
    assert [(ln.customer_sku, ln.amount) for ln in order.lines] == [
        ("AKE-65134", Decimal("33.60")), ("AKE-49816", Decimal("67.55")), ("AKE-34544", Decimal("142.68"))]


@pytest.mark.parametrize("unit_cost", [(1143, 1225), (1190, 1250), (1180, 1238)])
def test_a_heading_is_cut_only_where_each_part_has_words_of_its_own_under_it(unit_cost):
    """"Item" "Description" over row numbers and names is cut in two; "Line" "Total" over amounts
    that stand under "Total" only is not, also when the unit cost's column ends just under the
    start of "Line" (a word centred left of "Line" is the unit cost's, not a column of its own)."""
    from parsers.layout.columns import cut_at_gutters

    def words(y, *cells):
        return [Word(t, (float(a), y, float(b), y + 28.0)) for t, a, b in cells]

    rows = [words(400 + 50 * k, (str(k + 1), 111, 134), (name, 188, 357), ("0.006", *unit_cost), ("33.60", 1285, 1363))
            for k, name in enumerate(("Strapping band", "Bubble wrap", "Stretch film"))]
    heading = [words(300, ("Item", 111, 173), ("Description", 182, 320)), words(300, ("Unit Cost", 1130, 1230)),
               words(300, ("Line", 1245, 1290), ("Total", 1298, 1363))]
    cut = cut_at_gutters(heading, rows, 28.0)
    assert [" ".join(w.text for w in c) for c in cut] == ["Item", "Description", "Unit Cost", "Line Total"]

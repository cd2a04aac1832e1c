"""Classes of PDF order lines the page reader used to lose, each proved on generated variations:

- prose lines whose price follows a currency sign ("£12.50", "US$ 0.3695", "￥0.69") and whose
  codes are bracketed as "(our P/N A-1, P/N 1.04.0047)", wrapped over two text lines anywhere;
- narrow unruled tables whose columns stand closer than a word gap ("2.02.1053 1,255 MTR"), with
  a bracketed currency note in a heading ("Unit Cost (USD)");
- a column of the customer's own codes headed by an owner word ("Nuestra ref.", "Notre réf.",
  "本司料號", "Our ref.") beside our code: both are kept.
"""
from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest

from parsers.context import ParseContext
from parsers.formats import pdf
from parsers.vocab import labels as F

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ITEMS = (("1.01.0003", "Carton 400x300x250"), ("1.02.0011", "Sealing tape 48mm"), ("1.04.0047", "PE zip bag"),
         ("2.02.1053", "PE hose OD 17mm wall 2mm"), ("1.03.1026", "Strapping band 50mm PP white"))
UNITS = ("PCS", "ROLL", "PK", "BOX", "MTR")
SIGNS = ("£", "£ ", "US$ ", "USD ", "EUR ", "￥", "¥", "$", "GBP ")


def _canvas():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
    out = io.BytesIO()
    return out, canvas.Canvas(out, pagesize=A4), A4


def _wrapped(text: str, rng: random.Random) -> list[str]:
    """The text broken at a random space in its second half, as a narrow page would wrap it."""
    spaces = [i for i, ch in enumerate(text) if ch == " " and i > len(text) // 2]
    cut = rng.choice(spaces)
    return [text[:cut], text[cut + 1:]]


def _prose_pdf(rng: random.Random) -> tuple[bytes, list[tuple]]:
    out, c, (_, height) = _canvas()
    c.setFont("WQY", 14)
    c.drawString(220, height - 60, "PURCHASE ORDER")
    c.setFont("WQY", 9)
    c.drawString(40, height - 90, f"Order No. PO-{rng.randint(1000, 9999)}    Date 2026-11-17")
    y, want = height - 120, []
    for i, (code, name) in enumerate(rng.sample(ITEMS, rng.randint(2, 4)), start=1):
        qty, price, unit = Decimal(rng.randint(2, 90) * 10), Decimal(rng.randint(11, 999)) / 100, rng.choice(UNITS)
        theirs = f"{rng.choice('ABKX')}{rng.choice('FKM')}-{rng.randint(10000, 99999)}"
        codes = rng.choice([f"(our P/N {theirs}, P/N {code})", f"(P/N {code})", f"(our P/N {theirs}, P/N {code})"])
        text = f"Item {i}: {name} {codes}, quantity {qty} {unit}, unit price {rng.choice(SIGNS)}{price}"
        if rng.random() < 0.5:
            text += f", amount {qty * price:.2f}"
        for part in _wrapped(text, rng) if rng.random() < 0.7 else [text]:
            c.drawString(40, y, part)
            y -= 13
        want.append((code, theirs if "our P/N" in codes else None, qty, unit, price))
    c.save()
    return out.getvalue(), want


@pytest.mark.parametrize("seed", range(12))
def test_prose_lines_keep_their_codes_and_signed_prices_when_wrapped(seed):
    """Given prose order lines with bracketed codes and a currency sign before the price, some wrapped
    onto a second text line, every line keeps both codes, its quantity, unit and price."""
    data, want = _prose_pdf(random.Random(seed))
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    got = [(l.code, l.customer_sku, l.quantity, l.unit, l.unit_price) for l in order.lines]
    assert got == want


HEADINGS = (("No.", "Item Description", "Part No.", "Qty", "UoM", "Unit Cost (USD)", "Amount"),
            ("Pos.", "Description", "Item Code", "Quantity", "UoM", "Price (EUR)", "Line Total"),
            ("#", "Product", "Art.-Nr.", "Menge", "ME", "Preis (EUR)", "Betrag"))


def _narrow_pdf(rng: random.Random) -> tuple[bytes, list[tuple]]:
    """An unruled table whose columns start right after the widest cell of the column before
    (a few points apart), so no gutter is as wide as a space."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out, c, (_, height) = _canvas()
    c.setFont("WQY", 14)
    c.drawString(220, height - 60, "Purchase Order")
    size, gap = 8, rng.choice((3.5, 4.5, 5.5))
    heading = rng.choice(HEADINGS)
    rows, want = [], []
    for n, (code, name) in enumerate(rng.sample(ITEMS, rng.randint(3, 5)), start=1):
        qty, price, unit = rng.randint(2, 9000), Decimal(rng.randint(11, 999)) / 100, rng.choice(UNITS)
        rows.append((str(n), name, code, f"{qty:,}", unit, f"{price}", f"{qty * price:,.2f}"))
        want.append((code, Decimal(qty), unit, price))
    widths = [max(stringWidth(t, "WQY", size) for t in col) for col in zip(heading, *rows)]
    xs = [40.0]
    for w in widths[:-1]:
        xs.append(xs[-1] + w + gap)
    c.setFont("WQY", size)
    y = height - 100
    for row in (heading, *rows):
        for x, text in zip(xs, row):
            c.drawString(x, y, text)
        y -= 12
    c.drawString(xs[0], y - 4, f"Total {sum(q * p for _, q, _, p in want):,.2f}")
    c.save()
    return out.getvalue(), want


@pytest.mark.parametrize("seed", range(10))
def test_narrow_unruled_columns_stay_apart(seed):
    """Given columns a few points apart, codes, quantities with thousands separators, units and prices
    are each read from their own column, and the heading's "(USD)" note stays with the price."""
    data, want = _narrow_pdf(random.Random(seed))
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    got = [(l.code, l.quantity, l.unit, l.unit_price) for l in order.lines]
    assert got == want


@pytest.mark.parametrize("heading, field", [
    ("Nuestra ref.", F.CUSTOMER_SKU), ("Ref. cliente", F.CUSTOMER_SKU), ("Notre réf.", F.CUSTOMER_SKU),
    ("Réf. client", F.CUSTOMER_SKU), ("Unsere Art.-Nr.", F.CUSTOMER_SKU), ("本司料號", F.CUSTOMER_SKU),
    ("Our ref.", F.CUSTOMER_SKU), ("our P/N", F.CUSTOMER_SKU), ("Customer Part #", F.CUSTOMER_SKU),
    ("Your ref.", F.OUR_SKU), ("Votre réf.", F.OUR_SKU), ("Su referencia", F.OUR_SKU), ("Ihre Art.-Nr.", F.OUR_SKU),
    ("Vendor Part #", F.OUR_SKU), ("貴司料號", F.OUR_SKU),
])
def test_owner_words_say_whose_code_a_heading_names(heading, field):
    """The buyer writes the order: "our" code is the customer's, "your" code is ours, in every language."""
    assert F.column_field(heading) == field
    assert F.is_known_column(heading)


def _ruled_pages_pdf(rng: random.Random, numbered: bool, heading_again: bool) -> tuple[bytes, list[tuple]]:
    """A ruled table (a rule under every row) of 6-14 rows over two pages, the heading repeated on
    page 2 or not, the rows numbered or not, the total printed under the last row."""
    out, c, (_, height) = _canvas()
    xs = [40, 70, 150, 330, 380, 420, 480, 550] if numbered else [40, 120, 300, 350, 390, 450, 520]
    head = ("No.", "Item Code", "Description", "Qty", "Unit", "Price", "Amount")[0 if numbered else 1:]
    items = []
    for n in range(1, rng.randint(6, 14) + 1):
        q, p = rng.randint(2, 900), Decimal(rng.randint(11, 999)) / 100
        items.append(((str(n),) if numbered else ()) + (f"1.0{rng.randint(1, 4)}.{rng.randint(1000, 1999)}",
                                                         f"Carton {n}", str(q), "PCS", str(p), f"{q * p:.2f}"))

    def table(y: float, rows: list[tuple], with_head: bool) -> float:
        top = y
        for row in ([head] if with_head else []) + rows:
            c.line(xs[0], y + 12, xs[-1], y + 12)
            for x, text in zip(xs, row):
                c.drawString(x + 3, y + 2, text)
            y -= 16
        c.line(xs[0], y + 12, xs[-1], y + 12)
        for x in xs:
            c.line(x, top + 12, x, y + 12)
        return y

    split = rng.randint(3, len(items) - 2)
    c.setFont("WQY", 14)
    c.drawString(220, height - 40, "PURCHASE ORDER")
    c.setFont("WQY", 9)
    c.drawString(40, height - 60, "PO No.: PO-4711    Order Date: 2026-11-17    Page 1 of 2")
    table(height - 90, items[:split], True)
    c.showPage()
    c.setFont("WQY", 9)
    c.drawString(40, height - 40, "Page 2 of 2")
    y = table(height - 70, items[split:], heading_again)
    c.drawString(xs[0], y - 10, f"Total {sum(Decimal(r[-1]) for r in items):.2f}")
    c.save()
    return out.getvalue(), items


@pytest.mark.parametrize("seed", range(8))
def test_a_ruled_table_continued_on_page_two_keeps_its_columns_and_is_counted_by_its_rules(seed):
    """Given a ruled table continued on page 2 with or without its heading, numbered or not, every row is
    read with page 1's columns, and the rows the rules enclose are counted against the lines read."""
    from parsers.model import CheckName, CheckOutcome

    rng = random.Random(seed)
    numbered, again = rng.random() < 0.5, rng.random() < 0.5
    data, items = _ruled_pages_pdf(rng, numbered, again)
    (order,) = pdf.parse(data, ParseContext(path="po.pdf")).orders
    assert [(l.code, str(l.quantity), str(l.unit_price)) for l in order.lines] == [(r[-6], r[-4], r[-2]) for r in items]
    counted = [c for c in order.read_checks if c.check is CheckName.ROW_NUMBERS]
    assert [c.outcome for c in counted] == [CheckOutcome.PASSED]


@pytest.mark.parametrize("read, ruled, outcome", [(4, 4, "passed"), (3, 4, "failed"), (5, 4, "failed")])
def test_unnumbered_rows_are_counted_against_the_ruled_rows(read, ruled, outcome):
    """Rows without numbers: the lines read must be as many as the rows the table's rules enclose."""
    from parsers.layout import checks

    assert checks.row_numbers([None] * read, ruled).outcome == outcome
    assert checks.row_numbers([None] * read) is None

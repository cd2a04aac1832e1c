"""German order lines written as sentences ("Pos. 2: Hex bolt (Art.-Nr. 2.02.1051), Menge 268 BOX,
Einzelpreis 3,61 EUR") as a fax's OCR leaves them: a label glued to its value or to its code, a speck
between them, and the order's "Gesamt:" total on the line under the last one (generated)."""
from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from parsers.context import ParseContext
from parsers.layout.textlines import orders_from_text
from parsers.layout.words import Word, join_words
from parsers.model import SourceKind

FAX = ParseContext(path="fax.tif")
ITEMS = [("1.02.1019", "PET bottle 850ml clear"), ("2.02.1051", "Hex bolt M15x620 zinc"),
         ("1.02.1011", "PE hose OD 15mm wall 2mm"), ("1.03.1022", "Work gloves 50cm nitrile"),
         ("2.02.1059", "Adhesive label 80x45mm"), ("1.04.1030", "Sealing tape 60mm x 180m")]
UNITS = ["PCS", "pcs", "m", "roll", "BOX", "set", "pairs", "KG"]
TOTAL_LABELS = ["Gesamt", "Gesamtsumme", "Summe", "Gesamtbetrag"]


def _german(value: D, places: int) -> str:
    """A number as a German page prints it: comma decimals, dots between thousands."""
    whole, _, frac = f"{value:,.{places}f}".partition(".")
    return whole.replace(",", ".") + ("," + frac if frac else "")


def _code(code: str, rng: random.Random) -> str:
    return rng.choice([f"(Art.-Nr. {code})", f"(Art.-Nr.{code})", f"(Art.-Nr.: {code})"])


def _quantity(qty: str, rng: random.Random) -> str:
    return rng.choice([f"Menge {qty}", f"Menge{qty}", f"Menge·{qty}", f"Menge: {qty}", f"Menge.{qty}"])


def _document(rng: random.Random) -> tuple[str, list[tuple[str, D, D]], D]:
    items = rng.sample(ITEMS, rng.randint(2, 5))
    lines, want, total = [], [], D(0)
    for n, (code, name) in enumerate(items, start=1):
        qty = D(rng.choice([5, 71, 150, 268, 820, 1002, 2500]))
        price = D(rng.randint(5, 900)) / 100
        total += qty * price
        qty_text = f"{_german(qty, 0)}{rng.choice([' ', ''])}{rng.choice(UNITS)}"
        lines.append(f"Pos.{rng.choice(['', ' '])}{n}: {name} {_code(code, rng)},{rng.choice(['', ' '])}"
                     f"{_quantity(qty_text, rng)}, Einzelpreis {_german(price, 2)} EUR")
        want.append((code, qty, price))
    head = ["Kruger Lebensmittel GmbH", "Bestellung", "Auftragsnummer: CG2026110109  Bestelldatum: 18.11.2026", ""]
    tail = ["", f"{rng.choice(TOTAL_LABELS)}: {_german(total, 2)}"]
    return "\n".join(head + lines + tail), want, total


@pytest.mark.parametrize("seed", range(40))
def test_german_sentences_keep_code_quantity_and_price_and_the_total_stays_the_orders(seed):
    """Given a German fax whose lines are sentences with OCR's glued labels and specks, every line
    comes back with its code, quantity and price, and the total under the last line is the order's
    printed total, never that line's amount."""
    text, want, total = _document(random.Random(seed))
    (order,) = orders_from_text(text, FAX, SourceKind.FAX).orders
    assert [(ln.code, ln.quantity, ln.unit_price) for ln in order.lines] == want, text
    assert all(ln.amount is None for ln in order.lines)
    assert order.stated_total == total.quantize(D("0.01"))


@pytest.mark.parametrize("seed", range(30))
def test_two_overlapping_ocr_runs_that_both_read_their_shared_letters_join_once(seed):
    """Given a text line cut into two OCR runs whose boxes overlap by one to three characters, both
    runs holding those characters, the joined text holds them once."""
    rng = random.Random(seed)
    text = rng.choice(["Pos.1: PET bottle (Art.-Nr. 1.02.1019), Menge 177 PCS, Einzelpreis 0,148 EUR",
                       "Item 2: PE zip bag (P/N 1.04.0047), quantity 120 PK, unit price USD 1.46",
                       "Ligne 3 : Film étirable (réf. 2.01.1049), quantité 89 KG, prix unitaire 1,98 EUR"])
    height, char = 30.0, 16.5
    cut = rng.randrange(10, len(text) - 10)
    shared = rng.randint(1, 3)
    first, second = text[:cut], text[cut - shared:]
    a = Word(first, (100.0, 0.0, 100.0 + len(first) * char, height))
    b = Word(second, (a.box[2] - shared * char * rng.uniform(0.7, 1.0), 0.0,
                      a.box[2] + (len(second) - shared) * char, height))
    assert join_words([a, b]) == text


@pytest.mark.parametrize("seed", range(20))
def test_a_speck_before_a_grouped_quantity_is_no_decimal_point(seed):
    """Given a sentence line whose grouped quantity has a speck read as a mark before it ("quantity
    .1,020 M", "Menge ·2.500 m"), the line is read with the whole quantity; a number with one mark
    cannot also start with a decimal point."""
    rng = random.Random(seed)
    qty = D(rng.choice([1020, 2500, 3950, 12000, 1002]))
    speck = rng.choice([".", "·", "'"]) + rng.choice(["", " "])  # a comma there cuts the sentence: a separator
    code, name = rng.choice(ITEMS)
    if rng.random() < 0.5:
        text = (f"Item {seed % 9 + 1}: {name} (P/N {code}), quantity {speck}{qty:,} {rng.choice(UNITS)}, "
                f"unit price USD {rng.randint(5, 900) / 100:.2f}")
    else:
        text = (f"Pos. {seed % 9 + 1}: {name} (Art.-Nr. {code}), Menge {speck}{_german(qty, 0)} {rng.choice(UNITS)}, "
                f"Einzelpreis {_german(D(rng.randint(5, 900)) / 100, 2)} EUR")
    (order,) = orders_from_text(f"PURCHASE ORDER\nPO No.: PO-2026-{seed:04d}\n\n{text}\n", FAX, SourceKind.FAX).orders
    assert [(ln.code, ln.quantity) for ln in order.lines] == [(code, qty)], text

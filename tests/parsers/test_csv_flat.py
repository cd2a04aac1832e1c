"""Headerless CSV files of flattened EDI order records (as EDI translators write them), generated."""
from __future__ import annotations

import csv
import io
import random
from datetime import date
from decimal import Decimal as D

import pytest

from parsers.context import ParseContext
from parsers.errors import ParseError
from parsers.formats import csvfile


def _gtin(rng: random.Random) -> str:
    body = "87" + "".join(str(rng.randint(0, 9)) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _flat_file(rng: random.Random, message: str):
    """Records: message, partners, [noise], PO, [release], date, [noise], line no, item, [text], qty."""
    orders, rows, noise_fields = [], [], rng.randint(0, 3)
    for _ in range(rng.randint(1, 4)):
        po = rng.choice(["PO", "4500", "1-45000"]) + str(rng.randint(10000, 99999))
        day = date(2026, rng.randint(1, 12), rng.randint(1, 28))
        lines = [(_gtin(rng) if rng.random() < 0.7 else f"ART-{rng.randint(100, 999)}",
                  D(rng.choice(["1.000", "12", "250.5", "9"]))) for _ in range(rng.randint(1, 5))]
        orders.append((po, day, lines))
        for n, (item, qty) in enumerate(lines, start=1):
            noise = [_gtin(rng) for _ in range(noise_fields)]
            text = rng.choice(["", "ACTIENUMMER", "blue"])
            rows.append([message, "PARTNER1", "PARTNER2", *noise, po, "" if rng.random() < 0.5 else "1",
                         day.strftime("%Y%m%d"), "20261231", str(n), item, text, str(qty)])
    return rows, orders


def _csv(rows, quoted: bool) -> bytes:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("seed", range(30))
def test_flattened_order_records_give_one_order_per_po(seed):
    """Given flattened ORDERS/850 records with partner ids, GLNs and empty fields around the facts,
    each PO becomes an order with its date and its lines' items and quantities."""
    rng = random.Random(seed)
    message = rng.choice(["ORDERSD96AUNEAN008", "ORDERS", "850"])
    rows, want = _flat_file(rng, message)
    data = _csv(rows, quoted=rng.random() < 0.5)
    assert csvfile.looks_like(data)
    orders = csvfile.parse(data, ParseContext(path="in/flat.csv")).orders
    got = [(o.po_number, o.order_date, [(l.barcode or l.code, l.quantity) for l in o.lines]) for o in orders]
    assert got == [(po, day, lines) for po, day, lines in want]
    assert not any(o.is_change for o in orders)


def test_a_flattened_change_message_is_a_change_order():
    rows, _ = _flat_file(random.Random(1), "ORDCHG")
    orders = csvfile.parse(_csv(rows, True), ParseContext(path="in/flat.csv")).orders
    assert orders and all(o.is_change for o in orders)


@pytest.mark.parametrize("message", ["INVOIC", "DESADV", "810"])
def test_flattened_records_of_other_messages_are_not_read_as_orders(message):
    rows, _ = _flat_file(random.Random(2), message)
    data = _csv(rows, True)
    assert not csvfile.looks_like(data)
    with pytest.raises(ParseError):
        csvfile.parse(data, ParseContext(path="in/flat.csv"))

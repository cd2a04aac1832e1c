"""Header dates that contradict each other, or a worded date whose day a speck split, keep the
order out of `accepted` with a sentence: the read cannot vouch for them."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from parsers.build import orders_from_rows
from parsers.context import ParseContext
from parsers.model import CheckName, CheckOutcome, SourceKind
from tests.stress.vocab import date_forms, write_date


def _read(order_date: str, delivery: str, kind: SourceKind):
    rows = [["Purchase Order"], ["PO No.", "PO-2026-0151"], ["Order Date", order_date], ["Delivery Date", delivery],
            ["Item Code", "Description", "Qty", "Unit Price", "Amount"],
            ["1.02.1011", "Carton box", "10", "1.50", "15.00"]]
    (order,) = orders_from_rows(rows, ParseContext(path="po.tif"), kind).orders
    return order, [c.message for c in order.read_checks
                   if c.check is CheckName.HEADER_FIELD and c.outcome is CheckOutcome.FAILED]


@pytest.mark.parametrize("seed", range(24))
def test_a_delivery_printed_before_the_order_date_is_doubted_and_after_it_is_not(seed):
    """Generated: both dates in one written form of the customer's language; a delivery before the
    order date fails the header-field check with both dates named, one on or after it passes."""
    rng = random.Random(seed)
    lang, country = rng.choice([("en", "GB"), ("en", "US"), ("de", "DE"), ("zh-Hans", "CN"), ("fr", "FR")])
    form = rng.choice([f for f in date_forms(lang, country) if "slash" not in f or f == "ymd_slash"])
    ordered = date(2026, 11, rng.randint(1, 20))
    before = ordered - timedelta(days=rng.randint(1, 40))
    after = ordered + timedelta(days=rng.randint(0, 40))
    kind = rng.choice([SourceKind.FAX, SourceKind.PDF, SourceKind.XLSX])
    order, doubts = _read(write_date(ordered, form), write_date(before, form), kind)
    assert (order.order_date, order.delivery_date) == (ordered, before)
    assert len(doubts) == 1 and before.isoformat() in doubts[0] and ordered.isoformat() in doubts[0]
    order, doubts = _read(write_date(ordered, form), write_date(after, form), kind)
    assert order.delivery_date == after and doubts == []


def test_an_order_date_whose_day_a_speck_split_is_read_whole_and_doubted():
    order, doubts = _read("1.7-Nov-26", "26-Dec-26", SourceKind.FAX)
    assert order.order_date == date(2026, 11, 17)
    assert len(doubts) == 1 and "1.7-Nov-26" in doubts[0]


@pytest.mark.parametrize("seed", range(24))
def test_a_year_first_date_that_lost_a_padding_digit_beside_a_padded_one_is_doubted(seed):
    """Generated: order and delivery dates printed year-first ("2026-11-14", "2026/12/17"); on a scan,
    one read with its day's or month's last digit lost ("2026-12-1") fails the header-field check
    naming it, while both padded, or both unpadded as some hands write them, pass; a typed
    document that mixes the forms (a mail writing "2026/12/1") is no read to doubt."""
    rng = random.Random(seed)
    sep = rng.choice("-/.")
    ordered = date(2026, 11, rng.randint(10, 20))
    wanted = ordered + timedelta(days=rng.randint(20, 40))
    padded = [f"{d.year}{sep}{d.month:02d}{sep}{d.day:02d}" for d in (ordered, wanted)]
    kind = SourceKind.FAX
    _order, doubts = _read(*padded, kind)
    assert doubts == []
    i = rng.randrange(2)
    cut = list(padded)
    cut[i] = cut[i][:-1]  # "2026-12-17" read "2026-12-1"
    if cut[i].endswith(("0", sep)):
        return  # "2026-12-0" or "2026-12-" reads no date: another check tells it
    _order, doubts = _read(*cut, kind)
    assert len(doubts) == 1 and cut[i] in doubts[0], (cut, doubts)
    assert _read(*cut, rng.choice([SourceKind.PDF, SourceKind.EMAIL, SourceKind.XLSX]))[1] == []
    plain = [f"{d.year}{sep}{d.month}{sep}{d.day}" for d in (date(2026, 1, 5), date(2026, 2, 7))]
    assert _read(*plain, kind)[1] == []


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en", "de", "es", "fr"])
def test_a_po_label_read_glued_to_its_value_gives_the_value_whole(lang):
    """Generated: every PO label of each language with its value glued on by the scan (no colon, no
    gap: "Commande n°0012/85", "Pedido nº0012/85"): the PO field, and the value exactly as printed,
    never with the label's last letters ("no0012/85")."""
    from parsers.vocab import labels as F
    from tests.stress.vocab import FIELD_LABELS
    rng = random.Random(lang)
    for label in FIELD_LABELS[lang]["po"]:
        value = rng.choice(["0012/85", "4500940019", "PO-2026-0151", "AA26-00070"])
        got = F.split_label(label + value)
        if got is None:
            continue  # a label whose last letter runs into a letter of the value is not guessed at
        assert (got[0], got[2]) == (F.PO_NUMBER, value), (label + value, got)

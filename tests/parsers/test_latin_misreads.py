"""Latin labels as a fax's OCR misreads them: a long column heading or header label with one letter
lost, doubled or read as a look-alike mark ("Anzah!" for Anzahl, "Auftragsnumimer") still names its
field and never another one; short labels and ordinary words are not guessed at."""
from __future__ import annotations

import random
import re

import pytest

from parsers.vocab import labels as F
from parsers.vocab.misread import column_field

LATIN_COLUMNS = sorted((key, field) for key, field in F.column_vocabulary().items() if re.fullmatch(r"[a-z]{6,}", key))
LOOKALIKES = "!1|l0ri"  # what a fax's recogniser reads in place of a thin or round letter


def _slipped(key: str, rng: random.Random) -> str:
    """The key with one letter read as a look-alike, lost, or read twice."""
    i = rng.randrange(len(key))
    kind = rng.choice(("misread", "lost", "doubled"))
    if kind == "misread":
        return key[:i] + rng.choice([c for c in LOOKALIKES if c != key[i]]) + key[i + 1:]
    if kind == "lost":
        return key[:i] + key[i + 1:]
    return key[:i] + key[i] + key[i:]


@pytest.mark.parametrize("seed", range(5))
def test_a_long_latin_column_label_with_one_slip_names_its_field_or_nothing(seed):
    """Given every Latin heading of six letters or more with one random slip, the slip names the
    heading's own field or nothing (never another field), and most of them name it."""
    rng = random.Random(seed)
    named = 0
    for key, field in LATIN_COLUMNS:
        slipped = _slipped(key, rng).capitalize() + rng.choice(("", ".", ":"))
        got = column_field(slipped)
        assert got in (field, None) or F.column_field(slipped) == got, (key, slipped, got)
        named += got == field
    assert named >= 0.8 * len(LATIN_COLUMNS)


@pytest.mark.parametrize("text", ["Qy", "Prei", "Summ", "Lieferant", "Adresse", "Telefon", "Rechnung", "Straße",
                                  "Mengen5", "Anzahl 5", "bottle", "Sealing", "carton"])
def test_short_labels_words_and_labels_beside_a_number_are_not_guessed_at(text):
    """Words that are no heading, short headings and a heading with a digit after it name nothing new."""
    assert column_field(text) in (None, F.column_field(text))


HEADER_LABELS = sorted({(label, field) for field in (F.PO_NUMBER, F.ORDER_DATE, F.DELIVERY_DATE, F.SHIP_TO)
                        for label in ("Auftragsnummer", "Bestellnummer", "Bestelldatum", "Liefertermin",
                                      "Lieferdatum", "Wunschtermin", "Lieferadresse", "Lieferanschrift",
                                      "Purchase Order No", "Delivery Date", "Requested Delivery")
                        if F.header_field(label) == field})


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("label", "field"), HEADER_LABELS)
def test_a_long_header_label_read_with_a_letter_lost_or_doubled_keeps_its_value(label, field, seed):
    """Given "label: value" whose label has one letter lost or read twice, the value is still read
    as that label's field."""
    rng = random.Random(f"{label}/{seed}")
    letters = [i for i, ch in enumerate(label) if ch.isalpha()]
    i = rng.choice(letters)
    slipped = label[:i] + label[i + 1:] if seed % 2 else label[:i] + label[i] + label[i:]
    value = {F.PO_NUMBER: "TA26-00176", F.ORDER_DATE: "18.11.2026", F.DELIVERY_DATE: "15.12.2026",
             F.SHIP_TO: "Industriestraße 4, 70565 Stuttgart"}[field]
    assert F.split_label(f"{slipped}: {value}") == (field, slipped, value)


def test_a_label_followed_by_its_value_is_not_a_label_with_a_letter_too_many():
    """"Bestelldatum 9. April 2026": the digit after the label starts the value, so the label is not
    "Bestelldatum 9" misread."""
    assert F.split_label("Bestelldatum 9. April 2026")[:2] == (F.ORDER_DATE, "Bestelldatum")


LOOKALIKE_PAIRS = {"m": ("mi", "rn"), "u": ("ii",), "w": ("vv",), "d": ("cl",)}
SHORT_LABELS = sorted({(label, F.header_field(label)) for label in (
    "Datum", "Bestelldatum", "Lieferdatum", "Wunschtermin", "Bestellnummer", "Auftragsnummer", "Kunde",
    "Order Date", "Due Date", "PO Number", "Dated", "Währung", "Customer", "Fecha de pedido", "Numéro de commande")})


@pytest.mark.parametrize(("label", "field"), SHORT_LABELS)
def test_a_header_label_with_a_letter_read_as_a_look_alike_pair_keeps_its_value(label, field):
    """Given a header label whose m, u, w or d the recogniser read as two letters ("Datumi", "Bestellnurnmer"),
    each such reading of it still names its field."""
    value = {F.PO_NUMBER: "PO-2026-0042", F.CURRENCY: "EUR", F.CUSTOMER: "Kruger Lebensmittel GmbH"}.get(field, "18.11.2026")
    readings = [label[:i] + pair + label[i + 1:] for i, ch in enumerate(label)
                for pair in LOOKALIKE_PAIRS.get(ch, ())]
    assert readings
    for read in readings:
        assert F.split_label(f"{read}: {value}") == (field, read, value)


@pytest.mark.parametrize("text", ["Terminplan 2026", "Climate control", "Minimum 20", "Turnover 5%"])
def test_words_that_are_no_label_once_a_pair_is_undone_stay_no_label(text):
    assert F.split_label(text) is None

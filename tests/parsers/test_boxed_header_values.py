"""Header fields printed in boxes (label | value side by side, the values of a column of boxes all
starting at one x, far right of a short label) read as a clerk reads them: a label's value is the one
beside it, not the next box's label under it, nor the value of the label left of that.

Scripted OCR pages with the word boxes a fax reader gives (tight boxes: a short label is many text
heights from its value), in French, Spanish, German and English: the PO number, both dates, the
currency and the buyer must come out as printed.
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.parsers.test_unruled_fax import _read, _row

BOXES = [  # (po label, date label, delivery label, company label, ship-to label, currency label, currency)
    ("Numéro de commande", "Date", "Livraison souhaitée", "Société", "Adresse de livraison", "Devise", "EUR"),
    ("Número de pedido", "Fecha", "Fecha de entrega", "Empresa", "Dirección de entrega", "Moneda", "EUR"),
    ("Bestellnummer", "Datum", "Liefertermin", "Kunde", "Lieferadresse", "Währung", "EUR"),
    ("Purchase Order No.", "Order Date", "Requested Delivery", "Customer", "Delivery Address", "Curr.", "US$"),
]


@pytest.mark.parametrize(("po", "when", "wanted", "company", "ship_to", "money", "code"), BOXES)
def test_boxed_header_fields_keep_their_own_values(po, when, wanted, company, ship_to, money, code):
    """Given a header of boxes two to a line (PO | date; delivery | company; currency | ship-to with a
    house number read apart from its street), each label keeps the value beside it: the date label
    does not take the company label under it, the company or currency label no value of the line below."""
    words = _row(100, ("ORDER", 700, 850))
    words += _row(200, (po, 168, 168 + 14 * len(po)), ("PO-2026-0140", 462, 618), (when, 842, 842 + 13 * len(when)),
                  ("16.11.2026", 1137, 1263))
    words += _row(250, (wanted, 168, 168 + 13 * len(wanted)), ("12.01.2027", 463, 588),
                  (company, 841, 841 + 13 * len(company)), ("Emballages Durand SARL", 1137, 1414))
    words += _row(300, (money, 168, 168 + 13 * len(money)), (code, 463, 520), (ship_to, 842, 842 + 12 * len(ship_to)),
                  ("410", 1137, 1180), ("rue de la République, 69002 Lyon", 1195, 1480))
    words += _row(420, ("Code", 180, 240), ("Désignation", 345, 470), ("Qté", 1000, 1050), ("Prix", 1150, 1210))
    words += _row(470, ("2.02.1056", 181, 284), ("Corrugated carton", 345, 540), ("100", 1010, 1050), ("0.97", 1150, 1210))
    words += _row(520, ("2.02.1055", 181, 284), ("Bubble wrap", 345, 479), ("747", 1010, 1050), ("0.14", 1150, 1210))
    order = _read(words)
    assert (order.po_number, order.order_date, order.delivery_date) == (
        "PO-2026-0140", date(2026, 11, 16), date(2027, 1, 12))
    assert order.buyer.name == "Emballages Durand SARL"
    assert order.currency == ("USD" if code == "US$" else code)

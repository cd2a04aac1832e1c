"""Outgoing EDI acknowledgements: envelopes echo the order's interchange, lines survive a reparse.

The reparse uses our own parsers. An 855/ORDRSP is (rightly) not read as an order, so the
round-trip test relabels the transaction set as an 850/ORDERS first and reads the lines back.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given, settings as hsettings, strategies as st

from outbox import edifact_out, x12_out
from parsers.context import ParseContext
from parsers.formats.edifact import parse as parse_edifact
from parsers.formats.x12 import parse as parse_x12

NOW = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
X12_ENV = {"isa_sender_qualifier": "ZZ", "isa_sender": "BUYERCO", "isa_receiver_qualifier": "12",
           "isa_receiver": "5550001111", "isa_version": "00401", "isa_control": "000000101",
           "isa_usage": "P", "gs_code": "PO", "gs_sender": "BUYERAPP", "gs_receiver": "OURAPP",
           "gs_control": "101", "gs_version": "004010", "st_type": "850", "st_control": "0001"}
EDI_ENV = {"unb_syntax": "UNOC", "unb_syntax_version": "3", "unb_sender": "4000000000008",
           "unb_sender_qualifier": "14", "unb_recipient": "ORDERDESK", "unb_recipient_qualifier": "ZZ",
           "unb_control": "BH0001", "unh_ref": "1", "message_type": "ORDERS",
           "message_version": "D", "message_release": "96A", "message_agency": "UN"}


def order(lines, anomalies=()):
    return {"po_number": "PO-42", "order_date": "2026-11-16", "delivery_date": "2026-12-01",
            "currency": "USD", "anomalies": list(anomalies), "lines": lines}


LINES = [
    {"line_no": 1, "customer_sku": "AB-1", "sku": "1.01.0001", "quantity": "500", "unit": "PCS",
     "unit_price": "1.1", "ordered_unit": "EA", "ordered_price": "1.10", "anomalies": [],
     "ids": [["BP", "AB-1"]], "delivery_date": None},
    {"line_no": 2, "customer_sku": "ZZ-9", "sku": None, "quantity": "3", "unit": "BOX",
     "unit_price": "7.25", "ordered_unit": "CT", "ordered_price": "7.25",
     "anomalies": ["UNKNOWN_ITEM"], "ids": [["BP", "ZZ-9"]], "delivery_date": "2026-12-03"},
]


def test_997_acknowledges_the_group_and_each_set():
    """The 997 goes back to the 850's sender with our control numbers and its AK1/AK2."""
    payload = {"envelope": X12_ENV, "sets": [{"control": "0001", "type": "850"},
                                             {"control": "0002", "type": "850"}]}
    text = x12_out.functional_ack(payload, x12_out.Controls(17, 23), NOW)
    segs = [s.strip().split("*") for s in text.split("~") if s.strip()]
    isa = segs[0]
    assert (isa[5], isa[6].strip(), isa[7], isa[8].strip()) == ("12", "5550001111", "ZZ", "BUYERCO")
    assert isa[13] == "000000017" and isa[16] == ">"
    assert segs[1][:4] == ["GS", "FA", "OURAPP", "BUYERAPP"] and segs[1][6] == "23"
    assert ["AK1", "PO", "101"] in segs and ["AK2", "850", "0002"] in segs
    assert ["AK9", "A", "2", "2", "2"] in segs
    se = next(s for s in segs if s[0] == "SE")
    assert int(se[1]) == segs.index(se) - 2 + 1  # ST..SE inclusive
    assert segs[-1] == ["IEA", "1", "000000017"]
    # Our own parser sees a 997, not an order: dropping it in an inbox by mistake is harmless.
    result = parse_x12(text.encode(), ParseContext(path="997.x12"))
    assert not result.orders and "997" in result.not_orders[0]


def test_855_reports_changes_and_line_status():
    """BAK says 'with changes' when a line has an anomaly; the unknown item is rejected (IR)."""
    text = x12_out.po_ack({"envelope": X12_ENV, "order": order(LINES)}, x12_out.Controls(1, 1), NOW)
    segs = [s.strip().split("*") for s in text.split("~") if s.strip()]
    assert ["BAK", "00", "AC", "PO-42", "20261116"] in segs
    acks = [s for s in segs if s[0] == "ACK"]
    assert acks[0][:2] == ["ACK", "IA"] and acks[1][:2] == ["ACK", "IR"]
    assert acks[1][-2:] == ["067", "20261203"] and acks[0][-1] == "20261201"
    clean = [dict(ln, anomalies=[]) for ln in LINES]
    text = x12_out.po_ack({"envelope": X12_ENV, "order": order(clean)}, x12_out.Controls(1, 1), NOW)
    assert "BAK*00*AD*PO-42" in text


def test_contrl_echoes_interchange_and_messages():
    payload = {"envelope": EDI_ENV, "sets": [{"control": "1", "type": "ORDERS", "version": "D",
                                              "release": "96A", "agency": "UN"}]}
    text = edifact_out.contrl(payload, 5, NOW)
    assert "UNB+UNOC:3+ORDERDESK:ZZ+4000000000008:14+261120:0830+5'" in text
    assert "UCI+BH0001+4000000000008:14+ORDERDESK:ZZ+7'" in text
    assert "UCM+1+ORDERS:D:96A:UN+7'" in text and "UNZ+1+5'" in text
    result = parse_edifact(text.encode(), ParseContext(path="c.edi"))
    assert not result.orders and "CONTRL" in result.not_orders[0]


def test_ordrsp_escapes_service_characters():
    """A PO number with '+' and a customer code with an apostrophe survive (release character)."""
    lines = [dict(LINES[0], customer_sku="O'NEIL+1")]
    text = edifact_out.ordrsp({"envelope": EDI_ENV, "order": dict(order(lines), po_number="P+1")}, 9, NOW)
    assert "BGM+231+P?+1+29'" in text and "PIA+1+O?'NEIL?+1:IN'" in text
    reread = _reread_edifact(text)
    assert reread.po_number == "P+1" and reread.lines[0].customer_sku == "O'NEIL+1"


def _reread_x12(text: str):
    relabelled = re.sub(r"BAK\*00\*A[CD]\*", "BEG*00*SA*", text.replace("ST*855*", "ST*850*"))
    result = parse_x12(relabelled.encode(), ParseContext(path="855.x12"))
    assert len(result.orders) == 1, result
    return result.orders[0]


def _reread_edifact(text: str):
    result = parse_edifact(text.replace("+ORDRSP:", "+ORDERS:").encode(), ParseContext(path="r.edi"))
    assert len(result.orders) == 1, result
    return result.orders[0]


_code = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-.", min_size=1, max_size=12)
_qty = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99999"), places=3)
_price = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)
_line = st.fixed_dictionaries({
    "customer_sku": _code, "sku": st.one_of(st.none(), _code), "quantity": _qty.map(str),
    "ordered_unit": st.sampled_from(["EA", "CT", "KG", "PCE", "MTR"]),
    "ordered_price": _price.map(str),
    "anomalies": st.sampled_from([[], ["PRICE_MISMATCH"], ["UNKNOWN_ITEM"]]),
})


@hsettings(max_examples=60, deadline=None)
@given(st.lists(_line, min_size=1, max_size=8))
def test_855_and_ordrsp_reparse_to_the_same_lines(raw_lines):
    """Serialise an 855 and an ORDRSP, read them back with our parsers: the lines are kept."""
    lines = [dict(ln, line_no=n, ids=[["BP", ln["customer_sku"]]], unit=None, unit_price=None,
                  delivery_date=None) for n, ln in enumerate(raw_lines, 1)]
    payload_x12 = {"envelope": X12_ENV, "order": order(lines)}
    payload_edi = {"envelope": EDI_ENV, "order": order(lines)}
    for reread in (_reread_x12(x12_out.po_ack(payload_x12, x12_out.Controls(3, 4), NOW)),
                   _reread_edifact(edifact_out.ordrsp(payload_edi, 7, NOW))):
        assert reread.po_number == "PO-42"
        assert len(reread.lines) == len(lines)
        for want, got in zip(lines, reread.lines):
            assert got.quantity == Decimal(want["quantity"])
            assert got.unit == want["ordered_unit"]
            assert got.unit_price == Decimal(want["ordered_price"])
            assert got.customer_sku == want["customer_sku"]
            assert got.our_sku == want["sku"]

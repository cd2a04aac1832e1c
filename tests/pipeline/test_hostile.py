"""Bad input never raises and never vanishes: each case ends as a failed part with a reason."""
from __future__ import annotations

import os

import pytest

from parsers.context import ParseContext
from parsers.registry import parse_document

X12_HEAD = (b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
            b"*261120*0800*U*00401*000000001*0*P*>~GS*PO*SENDER*RECEIVER*20261120*0800*1*X*004010~")


def _cases() -> dict[str, tuple[str, bytes]]:
    full = (X12_HEAD + b"ST*850*0001~BEG*00*SA*PO-1**20261120~PO1*1*10*EA*1.5*PE*BP*A-1~"
            b"CTT*1~SE*5*0001~GE*1*1~IEA*1*000000001~")
    return {
        "empty file": ("order.edi", b""),
        "binary garbage": ("order.edi", os.urandom(4096)),
        "x12 cut inside a PO1": ("cut.edi", full[: full.index(b"PO1") + 9]),
        "x12 with wrong separators": ("sep.edi", full.replace(b"*", b"\x01", 3)),
        "edifact with a corrupt UNB": ("bad.edi", b"UNB+\x00\x00'UNH+1+ORDERS:D:96A:UN'BGM+220+X"),
        "edifact cut before UNT": ("cut.edi", b"UNB+UNOC:3+S:14+R:14+261120:0800+1'UNH+1+ORDERS:D:96A:UN'"
                                              b"BGM+220+PO-9+9'LIN+1++123:EN'QTY+21:"),
        "pdf with the wrong extension": ("order.csv", b"%PDF-1.4\n%garbage\n"),
        "an xlsx that is not a zip": ("order.xlsx", b"PK\x03\x04" + b"\x00" * 100),
        "a lone mail header": ("mail.eml", b"From: a@b.example\r\nSubject: x\r\n\r\n"),
    }


@pytest.mark.parametrize("name", list(_cases()))
def test_bad_input_becomes_a_failure_or_a_non_order(name):
    """Given damaged or hostile bytes, parse_document returns; anything meant as an order is failed with a sentence."""
    filename, data = _cases()[name]
    result = parse_document(data, ParseContext(path=filename))
    assert not result.orders or name == "a lone mail header"
    for failure in result.failures:
        assert failure.reason and failure.reason.endswith(".") and "\n" not in failure.reason
    assert result.failures or result.not_orders


def test_truncated_x12_is_failed_not_a_partial_order():
    """An interchange cut inside a line must not be accepted as a shorter order."""
    full = X12_HEAD + b"ST*850*0001~BEG*00*SA*PO-1**20261120~PO1*1*10*EA*1.5*PE*BP*A-1~PO1*2*5*EA*2*PE*BP*A-2~"
    result = parse_document(full[:-12], ParseContext(path="cut.edi"))
    assert not result.orders
    assert result.failures


def test_fifty_megabytes_of_one_segment_fails_quickly():
    """A 50 MB file of one repeated segment is read to a failure, not a hang or a crash."""
    data = X12_HEAD + b"REF*IA*123456789~" * (50 * 1024 * 1024 // 17)
    result = parse_document(data, ParseContext(path="big.edi"))
    assert not result.orders
    assert result.failures and result.failures[0].reason

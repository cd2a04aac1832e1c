"""Parsers keep the interchange facts (ids, control numbers, versions) an acknowledgement echoes."""
from __future__ import annotations

from parsers.context import ParseContext
from parsers.formats.edifact import parse as parse_edifact
from parsers.formats.x12 import parse as parse_x12

X12_TWO_GROUPS = (
    "ISA*00*          *00*          *12*5551234567     *ZZ*OURSHOP        *261116*0930*U*00401*000000777*0*T*>~"
    "GS*PO*BUYERAPP*OURAPP*20261116*0930*41*X*004010~"
    "ST*850*0101~BEG*00*SA*PO-1**20261116~PO1*1*5*EA*2.5**VP*1.01.0001~CTT*1~SE*5*0101~"
    "GE*1*41~"
    "GS*PO*BUYERAPP2*OURAPP*20261116*0930*42*X*005010~"
    "ST*850*0202~BEG*00*SA*PO-2**20261116~PO1*1*7*EA*1**VP*1.01.0002~CTT*1~SE*5*0202~"
    "GE*1*42~IEA*2*000000777~"
)


def test_x12_envelope_names_isa_gs_and_st_of_each_order():
    """Given two groups in one interchange, each order carries its own group and set control."""
    result = parse_x12(X12_TWO_GROUPS.encode(), ParseContext(path="two.edi"))
    first, second = (dict(o.envelope) for o in result.orders)
    assert first["isa_sender"] == "5551234567" and first["isa_sender_qualifier"] == "12"
    assert first["isa_receiver"] == "OURSHOP" and first["isa_receiver_qualifier"] == "ZZ"
    assert first["isa_control"] == second["isa_control"] == "000000777"
    assert first["isa_usage"] == "T"
    assert (first["gs_sender"], first["gs_receiver"], first["gs_control"]) == ("BUYERAPP", "OURAPP", "41")
    assert (second["gs_sender"], second["gs_control"], second["gs_version"]) == ("BUYERAPP2", "42", "005010")
    assert (first["st_type"], first["st_control"], second["st_control"]) == ("850", "0101", "0202")
    assert first["component_separator"] == ">" and first["segment_terminator"] == "~"


def test_x12_envelope_follows_each_interchange_of_a_mailbag():
    """Given two interchanges back to back, the second order echoes the second ISA's control."""
    second = X12_TWO_GROUPS.replace("000000777", "000000778").replace("5551234567", "OTHERBUYER")
    result = parse_x12((X12_TWO_GROUPS + "\n" + second).encode(), ParseContext(path="bag.edi"))
    controls = [dict(o.envelope)["isa_control"] for o in result.orders]
    senders = [dict(o.envelope)["isa_sender"] for o in result.orders]
    assert controls == ["000000777", "000000777", "000000778", "000000778"]
    assert senders[-1] == "OTHERBUYER"


EDIFACT = (
    "UNA:+.? '"
    "UNB+UNOC:3+4012345000009:14+OURSHOP?+CO:ZZ+261117:0815+REF42'"
    "UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO-9+9'DTM+137:20261117:102'"
    "LIN+1++1.01.0001:SA'QTY+21:4:PCE'UNS+S'UNT+6+M1'"
    "UNH+M2+ORDERS:D:01B:UN'BGM+220+PO-10+9'LIN+1++1.01.0002:SA'QTY+21:3'UNS+S'UNT+6+M2'"
    "UNZ+2+REF42'"
)


def test_edifact_envelope_names_unb_and_each_unh():
    """Given one interchange with two messages, each order keeps UNB facts and its own UNH ref."""
    result = parse_edifact(EDIFACT.encode(), ParseContext(path="o.edi"))
    first, second = (dict(o.envelope) for o in result.orders)
    assert first["unb_sender"] == "4012345000009" and first["unb_sender_qualifier"] == "14"
    assert first["unb_recipient"] == "OURSHOP+CO" and first["unb_recipient_qualifier"] == "ZZ"
    assert first["unb_control"] == second["unb_control"] == "REF42"
    assert (first["unb_syntax"], first["unb_syntax_version"]) == ("UNOC", "3")
    assert (first["unh_ref"], second["unh_ref"]) == ("M1", "M2")
    assert (first["message_type"], first["message_version"], first["message_release"],
            first["message_agency"], first["message_association"]) == ("ORDERS", "D", "96A", "UN", "EAN008")
    assert second["message_release"] == "01B" and second["message_association"] == ""

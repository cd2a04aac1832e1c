"""The envelope of an EDI interchange read from its service segments alone, even when its
content cannot be read: who sent it, its control numbers, its transaction sets or messages, and
which trailers are missing. It is what a rejecting acknowledgement (X12 997 with AK5/AK9 `R`,
EDIFACT CONTRL with UCI action 4) must name. Pure: bytes in, an `Envelope` or None out.
"""
from __future__ import annotations

from parsers.errors import ParseError
from parsers.formats import edifact_tokens, x12_tokens
from parsers.formats.edifact import looks_like as looks_like_edifact
from store.records import Envelope, EnvelopeSet


def read_envelope(data: bytes) -> Envelope | None:
    """The first interchange's envelope, or None when the bytes hold no readable X12 or EDIFACT header."""
    if x12_tokens.looks_like(data):
        return _x12(data)
    if looks_like_edifact(data):
        return _edifact(data)
    return None


_ISA = {5: "isa_sender_qualifier", 6: "isa_sender", 7: "isa_receiver_qualifier", 8: "isa_receiver",
        9: "isa_date", 10: "isa_time", 12: "isa_version", 13: "isa_control", 14: "isa_ack_requested",
        15: "isa_usage"}
_GS = {1: "gs_code", 2: "gs_sender", 3: "gs_receiver", 6: "gs_control", 8: "gs_version"}


def _x12(data: bytes) -> Envelope | None:
    try:
        seps, chunk = x12_tokens.split_interchanges(x12_tokens.decode(data))[0]
        raw = x12_tokens.segments(chunk, seps)
    except (ParseError, IndexError, ValueError):
        return None
    facts: dict[str, str] = {}
    sets: list[EnvelopeSet] = []
    open_set: list[str] | None = None
    closed = False
    group = ""
    for segment in raw:
        el = segment.split(seps.element)
        tag = el[0].strip()
        if tag == "ISA":
            facts.update({name: _at(el, i) for i, name in _ISA.items()})
        elif tag == "GS":
            group = _at(el, 6)
            if "gs_control" not in facts:
                facts.update({name: _at(el, i) for i, name in _GS.items()})
        elif tag == "ST":
            _close_x12(sets, open_set, complete=False)
            open_set = [_at(el, 1), _at(el, 2), group]
        elif tag == "SE" and open_set is not None:
            _close_x12(sets, open_set, complete=True)
            open_set = None
        elif tag == "GE":
            closed = True
        elif tag == "IEA":
            facts["iea_control"] = _at(el, 2)
    _close_x12(sets, open_set, complete=False)
    facts.update(element_separator=seps.element, component_separator=seps.component,
                 segment_terminator=seps.segment)
    return Envelope("x12", facts, tuple(sets), closed)


def _close_x12(sets: list[EnvelopeSet], open_set: list[str] | None, *, complete: bool) -> None:
    if open_set is not None:
        sets.append(EnvelopeSet(open_set[0] or "850", open_set[1], complete, group=open_set[2]))


def _edifact(data: bytes) -> Envelope | None:
    segs = edifact_tokens.tokenise(edifact_tokens.decode(data))
    facts: dict[str, str] = {}
    sets: list[EnvelopeSet] = []
    open_msg: list[str] | None = None
    closed = False
    for index in range(len(segs)):
        tag = segs.tag(index)
        if tag not in ("UNB", "UNH", "UNT", "UNZ"):
            continue
        el = segs.elements(index)
        if tag == "UNB" and not facts:
            facts = {"unb_syntax": _c(el, 1, 0), "unb_syntax_version": _c(el, 1, 1),
                     "unb_sender": _c(el, 2, 0), "unb_sender_qualifier": _c(el, 2, 1),
                     "unb_recipient": _c(el, 3, 0), "unb_recipient_qualifier": _c(el, 3, 1),
                     "unb_control": _c(el, 5, 0)}
        elif tag == "UNH":
            _close_edifact(sets, open_msg, complete=False, group=facts.get("unb_control", ""))
            open_msg = [_c(el, 1, 0), _c(el, 2, 0), _c(el, 2, 1), _c(el, 2, 2), _c(el, 2, 3)]
        elif tag == "UNT" and open_msg is not None:
            _close_edifact(sets, open_msg, complete=True, group=facts.get("unb_control", ""))
            open_msg = None
        elif tag == "UNZ":
            closed = True
    _close_edifact(sets, open_msg, complete=False, group=facts.get("unb_control", ""))
    return Envelope("edifact", facts, tuple(sets), closed) if facts else None


def _close_edifact(sets: list[EnvelopeSet], msg: list[str] | None, *, complete: bool,
                   group: str = "") -> None:
    if msg is not None:
        ref, kind, version, release, agency = msg
        sets.append(EnvelopeSet(kind or "ORDERS", ref, complete, version, release, agency, group))


def _at(elements: list[str], index: int) -> str:
    return elements[index].strip() if index < len(elements) else ""


def _c(elements: list[list[str]], index: int, component: int) -> str:
    if index >= len(elements) or component >= len(elements[index]):
        return ""
    return elements[index][component].strip()

"""EDIFACT acknowledgements for received ORDERS: CONTRL (syntax) and ORDRSP (order response).

Pure text builders like `x12_out`: we answer as the interchange's recipient to its sender,
echo its control reference and message references, and take our own interchange control
reference (from the persistent counter) and the time as arguments.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from outbox.numbers import edi_number

UNA = "UNA:+.? '"
_RELEASE = "?"
_SPECIAL = ("?", "+", ":", "'")
# LIN 1229 action: 5 accepted without amendment, 6 accepted with amendment, 7 not accepted.
_REJECTING = frozenset({"UNKNOWN_ITEM", "AMBIGUOUS_ITEM", "INACTIVE_ITEM", "UNIT_MISMATCH"})


def contrl(payload: dict[str, Any], control: int, now: datetime) -> str:
    """A CONTRL accepting the interchange (UCI action 7) and each ORDERS message we read (UCM 7),
    or rejecting an interchange we could not read (action 4, with the syntax error and the
    service segment that was missing, e.g. 13 UNZ)."""
    env = payload["envelope"]
    rejected = payload.get("group_status") == "R"
    uci = [["UCI"], [env.get("unb_control", "")],
           [env.get("unb_sender", ""), env.get("unb_sender_qualifier", "")],
           [env.get("unb_recipient", ""), env.get("unb_recipient_qualifier", "")], ["4" if rejected else "7"]]
    body: list[list[list[str]]] = [uci + _error(payload.get("group_errors"), payload.get("group_segment"))]
    for member in payload["sets"]:
        kind = [member.get("type") or "ORDERS", member.get("version") or "D",
                member.get("release") or "96A", member.get("agency") or "UN"]
        action = "4" if member.get("status") == "R" else "7"
        body.append([["UCM"], [member.get("control", "")], kind, [action]]
                    + _error(member.get("errors"), member.get("segment")))
    return _interchange(env, ["CONTRL", "D", "3", "UN"], body, control, now)


def _error(codes: list[str] | None, segment: str | None) -> list[list[str]]:
    """The syntax error code (0085) and the service segment it concerns (0135), when there is one."""
    return [[codes[0]], [segment or ""]] if codes else []


def ordrsp(payload: dict[str, Any], control: int, now: datetime) -> str:
    """An ORDRSP: BGM 231 (accepted, or changed when there are anomalies), the PO reference,
    parties, and LIN/PIA/QTY/PRI/DTM for every line as we understood it."""
    env, order = payload["envelope"], payload["order"]
    changed = bool(order.get("anomalies")) or any(ln.get("anomalies") for ln in order["lines"])
    po = order.get("po_number") or ""
    body: list[list[list[str]]] = [
        [["BGM"], ["231"], [po], ["4" if changed else "29"]],
        [["DTM"], ["137", now.strftime("%Y%m%d"), "102"]],
        [["RFF"], ["ON", po]],
    ]
    if order.get("order_date"):
        body.append([["DTM"], ["171", _day(order["order_date"]), "102"]])
    body += [[["NAD"], ["BY"], [env.get("unb_sender", ""), "", "9"]],
             [["NAD"], ["SU"], [env.get("unb_recipient", ""), "", "9"]]]
    if order.get("currency"):
        body.append([["CUX"], ["2", order["currency"], "9"]])
    for line in order["lines"]:
        body += _line_segments(line, order)
    body.append([["UNS"], ["S"]])
    body.append([["CNT"], ["2", str(len(order["lines"]))]])
    kind = ["ORDRSP", env.get("message_version") or "D",
            env.get("message_release") or "96A", env.get("message_agency") or "UN"]
    return _interchange(env, kind, body, control, now)


def _line_segments(line: dict[str, Any], order: dict[str, Any]) -> list[list[list[str]]]:
    codes = set(line.get("anomalies") or [])
    action = "7" if codes & _REJECTING else "6" if codes else "5"
    lin = [["LIN"], [str(line["line_no"])], [action]]
    if line.get("sku"):
        lin.append([line["sku"], "SA"])
    segments = [lin]
    if line.get("customer_sku"):
        segments.append([["PIA"], ["1"], [line["customer_sku"], "IN"]])
    unit = line.get("ordered_unit") or line.get("unit") or ""
    segments.append([["QTY"], ["21", edi_number(line.get("quantity")), unit]])
    price = line.get("ordered_price") or line.get("unit_price")
    if price is not None:
        segments.append([["PRI"], ["AAA", edi_number(price)]])
    when = line.get("delivery_date") or order.get("delivery_date")
    if when:
        segments.append([["DTM"], ["2", _day(when), "102"]])
    return segments


def _interchange(env: dict[str, str], kind: list[str], body: list[list[list[str]]],
                 control: int, now: datetime) -> str:
    """UNA/UNB/UNH around `body`, addressed back to the envelope's sender; one message, ref 1."""
    ref = str(control)
    syntax = [env.get("unb_syntax") or "UNOC", env.get("unb_syntax_version") or "3"]
    unb = [["UNB"], syntax,
           [env.get("unb_recipient") or "ORDERDESK", env.get("unb_recipient_qualifier") or "ZZ"],
           [env.get("unb_sender", ""), env.get("unb_sender_qualifier") or "ZZ"],
           [now.strftime("%y%m%d"), now.strftime("%H%M")], [ref]]
    message = [[["UNH"], ["1"], kind]] + body
    message.append([["UNT"], [str(len(message) + 1)], ["1"]])
    segments = [unb] + message + [[["UNZ"], ["1"], [ref]]]
    return UNA + "\n" + "".join(_segment(s) for s in segments)


def _segment(elements: list[list[str]]) -> str:
    """Tag + elements joined with '+', components with ':', trailing empties dropped."""
    parts = [":".join(_escape(c) for c in element).rstrip(":") for element in elements]
    return "+".join(parts).rstrip("+") + "'\n"


def _escape(value: str) -> str:
    value = value.replace("\r", " ").replace("\n", " ")
    for ch in _SPECIAL:
        value = value.replace(ch, _RELEASE + ch)
    return value


def _day(value: str) -> str:
    return value.replace("-", "")

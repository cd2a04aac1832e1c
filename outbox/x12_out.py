"""X12 acknowledgements for received 850s: the 997 functional ack, the 855 PO acknowledgement
and the TA1 interchange acknowledgement.

Pure text builders: the interchange facts come from the order's envelope (we answer as its
receiver, to its sender), control numbers are passed in (the sender takes them from the
persistent `counters` table once and keeps them on the outbox row, so a re-send is identical)
and so is the time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from outbox.numbers import edi_number

ELEMENT, COMPONENT, SEGMENT = "*", ">", "~"
# ACK01 line status by the anomaly that decides it (first match wins).
_ACK_CODES = (
    (("UNKNOWN_ITEM", "AMBIGUOUS_ITEM", "INACTIVE_ITEM", "UNIT_MISMATCH"), "IR"),
    (("PRICE_MISMATCH", "NO_PRICE"), "IP"),
    (("QTY_NOT_PACK_MULTIPLE", "BELOW_MIN_QTY"), "IQ"),
    (("INSUFFICIENT_STOCK",), "IB"),
)


@dataclass(frozen=True, slots=True)
class Controls:
    """Control numbers of one outgoing interchange: ISA13 and GS06 (ST02 is always 0001)."""

    interchange: int
    group: int


def functional_ack(payload: dict[str, Any], controls: Controls, now: datetime) -> str:
    """A 997 for the received group: each transaction set accepted (AK5 A), or rejected with its
    error codes (AK5 R, for an interchange we could not read), and the group's verdict in AK9."""
    env = payload["envelope"]
    sets = payload["sets"]
    body = [["AK1", env.get("gs_code") or "PO", env.get("gs_control", "")]]
    accepted = 0
    for member in sets:
        status = member.get("status") or "A"
        accepted += status == "A"
        body += [["AK2", member.get("type") or "850", member.get("control", "")],
                 ["AK5", status, *member.get("errors", [])[:5]]]
    n = str(len(sets))
    verdict = payload.get("group_status") or ("A" if accepted == len(sets) else "P" if accepted else "R")
    body.append(["AK9", verdict, n, n, str(accepted), *payload.get("group_errors", [])[:5]])
    return _interchange(env, "FA", "997", body, controls, now)


def po_ack(payload: dict[str, Any], controls: Controls, now: datetime) -> str:
    """An 855: BAK with the PO number and date, then PO1 + ACK for every line as we understood it."""
    env, order = payload["envelope"], payload["order"]
    changed = bool(order.get("anomalies")) or any(ln.get("anomalies") for ln in order["lines"])
    body = [["BAK", "00", "AC" if changed else "AD", order.get("po_number") or "",
             _day(order.get("order_date")) or now.strftime("%Y%m%d")]]
    if order.get("currency"):
        body.append(["CUR", "SE", order["currency"]])
    for line in order["lines"]:
        body += _line_segments(line, order)
    body.append(["CTT", str(len(order["lines"]))])
    return _interchange(env, "PR", "855", body, controls, now)


def _line_segments(line: dict[str, Any], order: dict[str, Any]) -> list[list[str]]:
    qty = edi_number(line.get("quantity"))
    unit = line.get("ordered_unit") or line.get("unit") or ""
    price = edi_number(line.get("ordered_price") or line.get("unit_price"))
    po1 = ["PO1", str(line["line_no"]), qty, unit, price, ""]
    for qualifier, value in _ids(line):
        po1 += [qualifier, value]
    ack = ["ACK", _ack_code(line.get("anomalies") or []), qty, unit]
    when = _day(line.get("delivery_date") or order.get("delivery_date"))
    if when:
        ack += ["067", when]
    return [po1, ack]


def _ids(line: dict[str, Any]) -> list[tuple[str, str]]:
    """The item ids the buyer sent, with our item code (VP) added when we matched one."""
    ids = [(str(q), str(v)) for q, v in line.get("ids") or []]
    if not ids and line.get("customer_sku"):
        ids.append(("BP", line["customer_sku"]))
    if line.get("sku") and ("VP", line["sku"]) not in ids:
        ids = [(q, v) for q, v in ids if q != "VP"] + [("VP", line["sku"])]
    return ids


def _ack_code(codes: list[str]) -> str:
    for group, code in _ACK_CODES:
        if any(c in group for c in codes):
            return code
    return "IA"


def interchange_ack(payload: dict[str, Any], controls: Controls, now: datetime) -> str:
    """A TA1 alone in its interchange (no GS, IEA01 = 0): the received interchange's control
    number, date and time, accepted, accepted with errors or rejected, and the note code why."""
    env = payload["envelope"]
    isa, isa_ctl = _isa(env, controls, now)
    ta1 = ["TA1", env.get("isa_control", ""), env.get("isa_date", ""), env.get("isa_time", ""),
           payload["status"], payload["note"]]
    return "".join(_segment(s) for s in (isa, ta1, ["IEA", "0", isa_ctl]))


def _isa(env: dict[str, str], controls: Controls, now: datetime) -> tuple[list[str], str]:
    """Our ISA, addressed back to the envelope's sender, and its control number."""
    version = env.get("isa_version") or "00401"
    isa_ctl = f"{controls.interchange % 1_000_000_000:09d}"
    return ["ISA", "00", " " * 10, "00", " " * 10,
            env.get("isa_receiver_qualifier") or "ZZ", _pad(env.get("isa_receiver") or "ORDERDESK"),
            env.get("isa_sender_qualifier") or "ZZ", _pad(env.get("isa_sender") or ""),
            now.strftime("%y%m%d"), now.strftime("%H%M"), "^" if version >= "00402" else "U",
            version, isa_ctl, "0", env.get("isa_usage") or "P", COMPONENT], isa_ctl


def _interchange(env: dict[str, str], gs_code: str, st_type: str, body: list[list[str]],
                 controls: Controls, now: datetime) -> str:
    """ISA/GS/ST around `body`, addressed back to the envelope's sender."""
    isa, isa_ctl = _isa(env, controls, now)
    gs = ["GS", gs_code, env.get("gs_receiver") or env.get("isa_receiver") or "ORDERDESK",
          env.get("gs_sender") or env.get("isa_sender") or "", now.strftime("%Y%m%d"),
          now.strftime("%H%M"), str(controls.group), "X", env.get("gs_version") or "004010"]
    st = [["ST", st_type, "0001"]] + body
    st.append(["SE", str(len(st) + 1), "0001"])
    segments = [isa, gs] + st + [["GE", "1", str(controls.group)], ["IEA", "1", isa_ctl]]
    return "".join(_segment(s) for s in segments)


def _segment(elements: list[str]) -> str:
    if elements[0] == "ISA":  # fixed width, and ISA16 is the component separator itself
        return ELEMENT.join(elements) + SEGMENT + "\n"
    return ELEMENT.join(_clean(e) for e in elements).rstrip(ELEMENT) + SEGMENT + "\n"


def _clean(value: str) -> str:
    """Separators inside a value would break the segment; they become spaces."""
    for ch in (ELEMENT, SEGMENT, COMPONENT, "\r", "\n"):
        value = value.replace(ch, " ")
    return value


def _pad(value: str) -> str:
    return _clean(value)[:15].ljust(15)


def _day(value: str | None) -> str | None:
    return value.replace("-", "") if value else None

"""Pure builders of the mails orderdesk sends: confirmations, staff alerts, customer queries.

They take an outbox row's payload (see `outbox.plan`) and return an `EmailMessage`; nothing
here reads a clock, a file outside the templates or the network. The Message-ID is derived
from the row's stable key and the company's mail domain, so a mail re-sent after a crash
carries the same id and the receiving side can recognise it.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from outbox.settings import OutboxSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"
_ENV = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                   keep_trailing_newline=True, autoescape=False)
_QUESTIONS = {
    "UNKNOWN_ITEM": ("我们无法识别物料“{item}”，请告知正确的物料编码。",
                     "we could not identify the item \"{item}\"; could you tell us its item code?"),
    "PRICE_MISMATCH": ("单价 {price} 与我们的价格表不一致，请确认。",
                       "the unit price {price} differs from our price list; could you confirm it?"),
    "QTY_NOT_PACK_MULTIPLE": ("数量 {qty} 不是包装数量的整数倍，是否可以按整包调整？",
                              "the quantity {qty} is not a multiple of the pack size; may we "
                              "round it to full packs?"),
}

# Why an order is rejected, as the customer reads it (the desk offers these keys).
REJECT_REASONS: dict[str, tuple[str, str]] = {
    "not_sold": ("订单中的物料不在我们的供货范围内。", "we do not supply the items in this order."),
    "unreadable": ("我们无法完整读取此订单，请重新发送清晰的订单。",
                   "we could not read the order completely; please send it again in a legible form."),
    "duplicate": ("此订单与之前收到的订单重复，我们不会重复处理。",
                  "it repeats an order we already received, which we will not process twice."),
    "price": ("订单价格与我们的报价不一致，请按最新报价重新下单。",
              "its prices differ from our quotation; please order again at the current prices."),
    "stock": ("所订物料库存不足，目前无法供货。", "the items ordered are not in stock and cannot be supplied now."),
    "credit": ("贵司信用额度已满，请联系我们的财务部门。",
               "your credit limit is reached; please contact our accounts department."),
    "other": ("请见下方说明。", "please see the note below."),
}


def mail_domain(settings: OutboxSettings) -> str:
    """The domain of our From: address, used on the right of every Message-ID."""
    domain = parseaddr(settings.smtp.sender)[1].rpartition("@")[2]
    return domain or "localhost"


def stable_message_id(stable_key: str, domain: str) -> str:
    """`<orderdesk.confirm.12.0@example.com>` for the row key `confirm:12:0`."""
    local = re.sub(r"[^A-Za-z0-9.\-]", ".", stable_key)
    return f"<orderdesk.{local}@{domain}>"


def build_mail(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
               settings: OutboxSettings) -> EmailMessage:
    """The mail an outbox row of kind `mail` stands for, chosen by its `purpose`."""
    builders = {"confirmation": build_confirmation, "anomaly": build_staff_alert,
                "failure": build_staff_alert, "query": build_customer_query,
                "dead_letter": build_dead_letter, "watcher_alert": build_watcher_alert,
                "rejection": build_rejection, "catalog_alert": build_catalog_alert,
                "notice": build_notice}
    builder = builders.get(payload.get("purpose", ""))
    if builder is None:
        raise ValueError(f"unknown mail purpose {payload.get('purpose')!r}")
    return builder(payload, stable_key=stable_key, order_id=order_id, settings=settings)


def build_confirmation(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                       settings: OutboxSettings) -> EmailMessage:
    """Bilingual confirmation of an accepted order, threaded to the customer's message."""
    order, doc = payload["order"], payload.get("doc") or {}
    po = order.get("po_number") or ""
    body = _ENV.get_template("confirmation.txt.j2").render(
        po=po, lines=[_line_view(line) for line in order.get("lines") or []],
        total=order.get("total"), currency=order.get("currency"),
        delivery_date=order.get("delivery_date"), company=settings.company_name,
        **_greetings(order))
    subject = _reply_subject(doc, f"订单确认 Order confirmation {po}".strip())
    msg = _message(settings, payload["to"], subject, body, stable_key)
    _thread(msg, doc)
    return msg


def build_staff_alert(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                      settings: OutboxSettings) -> EmailMessage:
    """What is wrong with an order (a sentence per anomaly) or why a document failed, and where
    to review it."""
    order, doc = payload.get("order") or {}, payload.get("doc") or {}
    failure = order.get("failure") or payload.get("failure")
    customer = order.get("customer") or {}
    who = customer.get("name") or customer.get("code") or customer.get("email") or "(unknown)"
    body = _ENV.get_template("staff_alert.txt.j2").render(
        failure=failure if payload.get("purpose") == "failure" else None,
        customer=who, po=order.get("po_number"), document=_document_label(doc),
        anomalies=order.get("anomalies") or [], review_link=review_link(settings, order_id, doc),
        original=doc.get("original"), reprocess=doc.get("reprocess"), company=settings.company_name)
    what = "Failed document" if payload.get("purpose") == "failure" else "Order needs review"
    po = order.get("po_number")
    subject = f"[orderdesk] {what}: {po or _document_label(doc)}"
    return _message(settings, payload["to"], subject, body, stable_key)


def build_customer_query(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                         settings: OutboxSettings) -> EmailMessage:
    """A polite bilingual question about the anomalies only the customer can answer."""
    order, doc = payload["order"], payload.get("doc") or {}
    lines = {line.get("line_no"): line for line in order.get("lines") or []}
    questions = [q for a in order.get("anomalies") or []
                 if (q := _question(a, lines.get(a.get("line_no")) or {})) is not None]
    po = order.get("po_number") or ""
    body = _ENV.get_template("customer_query.txt.j2").render(
        po=po, questions=questions, company=settings.company_name, **_greetings(order))
    subject = _reply_subject(doc, f"订单问题 Question about your order {po}".strip())
    msg = _message(settings, payload["to"], subject, body, stable_key)
    _thread(msg, doc)
    return msg


def build_rejection(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                    settings: OutboxSettings) -> EmailMessage:
    """Bilingual notice that an order was not accepted, with the reason a clerk chose and their note."""
    order, doc = payload["order"], payload.get("doc") or {}
    reason_zh, reason_en = REJECT_REASONS.get(payload.get("reason") or "", REJECT_REASONS["other"])
    po = order.get("po_number") or ""
    body = _ENV.get_template("rejection.txt.j2").render(
        po=po, reason_zh=reason_zh, reason_en=reason_en, note=(payload.get("note") or "").strip(),
        company=settings.company_name, **_greetings(order))
    subject = _reply_subject(doc, f"订单未能接受 Order not accepted {po}".strip())
    msg = _message(settings, payload["to"], subject, body, stable_key)
    _thread(msg, doc)
    return msg


def build_dead_letter(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                      settings: OutboxSettings) -> EmailMessage:
    """Tell staff that an outgoing item could not be delivered and is now dead."""
    body = _ENV.get_template("dead_letter.txt.j2").render(
        attempts=payload.get("attempts"), kind=payload.get("kind"),
        stable_key=payload.get("dead_key"), error=payload.get("error"),
        review_link=review_link(settings, order_id, {}), company=settings.company_name)
    subject = f"[orderdesk] Delivery failed: {payload.get('dead_key')}"
    return _message(settings, payload["to"], subject, body, stable_key)


def build_watcher_alert(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                        settings: OutboxSettings) -> EmailMessage:
    """Tell staff that a watcher cannot hear its server (silent too long, or login refused)."""
    body = (f"{payload.get('message')}\n\nWatcher: {payload.get('watcher')}\n"
            f"Alert: {payload.get('alert')}\nSince: {payload.get('at')}\n\n"
            "Orders arriving there are not read until this is fixed; the watcher keeps retrying.\n"
            f"\n-- \n{settings.company_name}\n")
    subject = f"[orderdesk] Watcher alert: {payload.get('watcher')} ({payload.get('alert')})"
    return _message(settings, payload["to"], subject, body, stable_key)


def build_catalog_alert(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                        settings: OutboxSettings) -> EmailMessage:
    """Tell staff that the catalog could not be read from the ERP and the old one is still used."""
    body = (f"The catalog could not be read from {payload.get('source')}:\n\n{payload.get('message')}\n\n"
            f"Orders are still checked against the last good catalog (loaded {payload.get('loaded_at')}).\n"
            "orderdesk tries again at the next sync; `orderdesk catalog sync` tries at once.\n"
            f"\n-- \n{settings.company_name}\n")
    subject = f"[orderdesk] Catalog sync failed ({payload.get('source')})"
    return _message(settings, payload["to"], subject, body, stable_key)


def build_notice(payload: dict[str, Any], *, stable_key: str, order_id: int | None,
                 settings: OutboxSettings) -> EmailMessage:
    """Tell staff something about orderdesk's own setup that a person must act on."""
    body = f"{payload.get('message')}\n\n-- \n{settings.company_name}\n"
    return _message(settings, payload["to"], f"[orderdesk] {payload.get('subject')}", body, stable_key)


def review_link(settings: OutboxSettings, order_id: int | None, doc: dict[str, Any]) -> str:
    """Where a clerk reviews the order (or the document, when there is no order)."""
    base = settings.review_url.rstrip("/")
    if order_id is not None:
        return f"{base}/orders/{order_id}"
    if doc.get("document_id") is not None:
        return f"{base}/documents/{doc['document_id']}"
    return f"{base}/"


# --- helpers ---------------------------------------------------------------------------------


def _message(settings: OutboxSettings, to: list[str], subject: str, body: str,
             stable_key: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _from_header(settings)
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Message-ID"] = stable_message_id(stable_key, mail_domain(settings))
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body, charset="utf-8")
    return msg


def _from_header(settings: OutboxSettings) -> str:
    name, addr = parseaddr(settings.smtp.sender)
    return str(Address(display_name=name or settings.company_name, addr_spec=addr or "orderdesk@localhost"))


def _thread(msg: EmailMessage, doc: dict[str, Any]) -> None:
    """In-Reply-To the customer's message; References = their chain plus their message."""
    parent = doc.get("message_id")
    if not parent:
        return
    msg["In-Reply-To"] = parent
    chain = [ref for ref in doc.get("references") or [] if ref != parent] + [parent]
    msg["References"] = " ".join(chain)


def _reply_subject(doc: dict[str, Any], fallback: str) -> str:
    subject = (doc.get("subject") or "").strip()
    if not subject:
        return fallback
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _greetings(order: dict[str, Any]) -> dict[str, str]:
    name = (order.get("customer") or {}).get("name")
    return {"greeting_zh": f"{name}，您好：" if name else "您好：",
            "greeting_en": f"Dear {name}," if name else "Dear customer,"}


def _line_view(line: dict[str, Any]) -> dict[str, Any]:
    """A line as the confirmation prints it, with its amount (quantity x unit price)."""
    amount = None
    qty, price = _decimal(line.get("quantity")), _decimal(line.get("unit_price"))
    if qty is not None and price is not None:
        amount = format((qty * price).quantize(Decimal("0.01")), "f")
    return {**line, "amount": amount}


def _question(anomaly: dict[str, Any], line: dict[str, Any]) -> dict[str, Any] | None:
    texts = _QUESTIONS.get(anomaly.get("code", ""))
    if texts is None:
        return None
    values = {"item": line.get("customer_sku") or line.get("description") or "?",
              "price": line.get("unit_price") or "?", "qty": line.get("quantity") or "?"}
    return {"line_no": anomaly.get("line_no"), "zh": texts[0].format(**values),
            "en": texts[1].format(**values)}


def _document_label(doc: dict[str, Any]) -> str:
    parts = [f"#{doc['document_id']}" if doc.get("document_id") is not None else "",
             doc.get("filename") or "", f"from {doc['sender']}" if doc.get("sender") else ""]
    return " ".join(p for p in parts if p) or "(unknown)"


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None

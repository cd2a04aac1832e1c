"""Stress orders as e-mails: the order in an HTML or plain-text body, sometimes forwarded,
sometimes a change request written in one sentence."""
from __future__ import annotations

import html
import random
import unicodedata
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from tests.stress import cells
from tests.stress.orders import TODAY, Truth
from tests.stress.style import Style

ORDERDESK = "orders@orderdesk.example.com"
_GREETINGS = {"zh-Hans": ("您好，", "您好！请安排以下订单："), "zh-Hant": ("您好，", "您好！請安排以下訂單："),
              "en": ("Hello,", "Dear Sir or Madam,", "Hi, please find our order below."),
              "de": ("Sehr geehrte Damen und Herren,", "Hallo,"), "es": ("Estimados señores:", "Hola,"),
              "fr": ("Madame, Monsieur,", "Bonjour,")}
_THANKS = {"zh-Hans": "谢谢！", "zh-Hant": "謝謝！", "en": "Best regards,", "de": "Mit freundlichen Grüßen",
           "es": "Saludos cordiales,", "fr": "Cordialement,"}


def mail_bytes(truth: Truth, style: Style, rng: random.Random) -> bytes:
    """The order (or change request) as one .eml message from the customer's domain."""
    words = cells.Words(truth, style, rng)
    person = words.person
    sender = f"{rng.choice(('buyer', 'purchasing', 'orders', 'procurement', 'po'))}@{truth.customer.domain}"
    html_body = style.extras["body"] == "html"
    if truth.change:
        subject = cells.CHANGE_SUBJECTS[style.lang].format(po=truth.po_number)
        parts = [rng.choice(_GREETINGS[style.lang]), cells.change_sentence(truth, style, words)]
        body = _html(parts) if html_body else "\n\n".join(parts)
    else:
        subject = f"{style.title} {truth.po_number}"
        body = _html_order(truth, style, words, rng) if html_body else _text_order(truth, style, words, rng)
    sig = [_THANKS[style.lang], person, truth.customer.name, f"Tel {truth.customer.phone}"]
    body += _html([" <br>".join(map(html.escape, sig))]) if html_body else "\n\n" + "\n".join(sig) + "\n"
    sent = datetime.combine(truth.order_date or TODAY, datetime.min.time(), timezone(timedelta(hours=8)))
    sent += timedelta(hours=rng.randint(8, 18), minutes=rng.randint(0, 59))
    if style.extras["forwarded"]:
        body, subject, sent = _forward(body, html_body, f"{person} <{sender}>", subject, sent, style)
        sender = f"{rng.choice(('assistant', 'office', 'admin'))}@{truth.customer.domain}"
    msg = EmailMessage()
    msg["From"] = f"{person} <{sender}>"
    msg["To"] = ORDERDESK
    msg["Subject"] = subject
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = make_msgid(domain=truth.customer.domain)
    msg.set_content(body, subtype="html" if html_body else "plain", charset="utf-8",
                    cte=rng.choice(("quoted-printable", "base64", "8bit")))
    return msg.as_bytes()


def _forward(body: str, html_body: bool, original_from: str, subject: str, sent: datetime, style: Style):
    """Wrap the order in a forward sent later by a colleague; its own dates must win."""
    later = sent + timedelta(days=1, hours=2)
    head = ["---------- Forwarded message ---------", f"From: {original_from}", f"Date: {format_datetime(sent)}",
            f"Subject: {subject}", f"To: {ORDERDESK}"]
    fw = "转发：" if style.lang.startswith("zh") else "Fwd: "
    if html_body:
        quoted = _html([" <br>".join(map(html.escape, head))]) + body
        return _html(["FYI"]) + f'<div class="gmail_quote">{quoted}</div>', fw + subject, later
    return "FYI\n\n" + "\n".join(head) + "\n\n" + body, fw + subject, later


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>\n" for p in paragraphs)


def _html_order(truth: Truth, style: Style, words: cells.Words, rng: random.Random) -> str:
    e = html.escape
    out = [_html([e(rng.choice(_GREETINGS[style.lang]))]), f"<h3>{e(style.title)}</h3>\n"]
    fields = cells.header_fields(truth, style, words)
    if style.header_layout == "table":
        rows = "".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in fields)
        out.append(f'<table border="1" cellpadding="3">{rows}</table>\n')
    else:
        out.append(_html([e(f"{k}{style.colon} {v}") for k, v in fields]))
    if style.lines_as == "prose":
        out.append(_html([e(cells.prose_line(n, ln, style, words, rng)) for n, ln in enumerate(truth.lines, 1)]))
    else:
        head = "".join(f"<th>{e(h)}</th>" for h in cells.heading(style, words))
        body = "".join("<tr>" + "".join(f'<td{_align(k)}>{e(t)}</td>' for k, t in zip(style.columns, cells.row(n, ln, style, words)))
                       + "</tr>\n" for n, ln in enumerate(truth.lines, 1))
        border = ' border="1"' if style.ruled else ""
        out.append(f'<table{border} cellspacing="0" cellpadding="4"><tr>{head}</tr>\n{body}</table>\n')
    if style.print_total:
        out.append(_html([e(f"{style.total_label}{style.colon} {cells.total_text(truth, words)}")]))
    return "".join(out)


def _align(key: str) -> str:
    return ' align="right"' if key in cells.NUMERIC else ""


def _text_order(truth: Truth, style: Style, words: cells.Words, rng: random.Random) -> str:
    out = [rng.choice(_GREETINGS[style.lang]), "", style.title]
    out += [f"{k}{style.colon} {v}" for k, v in cells.header_fields(truth, style, words)]
    out.append("")
    if style.lines_as == "prose":
        out += [cells.prose_line(n, ln, style, words, rng) for n, ln in enumerate(truth.lines, 1)]
    else:
        table = [cells.heading(style, words)] + [cells.row(n, ln, style, words) for n, ln in enumerate(truth.lines, 1)]
        out += _text_table(table, style, "|" if style.ruled else "")
    if style.print_total:
        out += ["", f"{style.total_label}{style.colon} {cells.total_text(truth, words)}"]
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text_table(rows: list[list[str]], style: Style, bar: str) -> list[str]:
    """A table typed in a plain-text mail: columns padded with spaces (by display width), or with bars."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    gap = " " if bar else "  "
    lines = []
    for r in rows:
        cells_ = [(" " * (w - _width(t)) + t) if k in cells.NUMERIC and r is not rows[0] else t + " " * (w - _width(t))
                  for k, t, w in zip(style.columns, r, widths)]
        lines.append(f"{gap}{bar}{gap}".join(cells_).rstrip() if bar else gap.join(cells_).rstrip())
    return lines

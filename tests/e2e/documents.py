"""Order documents for the end-to-end tests and benchmark, built here (no corpus files).

E-mails are made with Python's email package (a text body, a csv or an xlsx attachment), EDI
interchanges as text; every document carries its own PO number, so a run can be checked order
by order. The customers, items and prices are those of tests/data/golden/catalog.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tests" / "data" / "golden" / "catalog"
FOOD_SENDER = "wangfang@example-food.example.cn"   # C001 by its @domain pattern
TRADING_EMAIL = "buyer@example-trading.example.com"  # C002's master address (FEmail)
ORDERDESK = "orders@orderdesk.example.com"

# (description as the customer writes it, quantity, unit, price): priced, in stock, pack multiples.
FOOD_LINES = (("PET瓶 500ml 透明 28mm", 2000, "个", "0.45"),
              ("瓶盖 28mm 蓝色", 5000, "个", "0.05"))
# The same bottle at a price far from the list: PRICE_MISMATCH, so the order goes to review.
FOOD_LINES_WRONG_PRICE = (("PET瓶 500ml 透明 28mm", 2000, "个", "0.95"),)


@dataclass(frozen=True)
class Doc:
    """One input: where it goes (imap | edi | fax), its bytes, and what we expect of it."""

    name: str
    where: str
    data: bytes
    po: str | None
    expect: str            # accepted | review | failed | none (no order in it)
    message_id: str | None = None


def _dates(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    return today, today + timedelta(days=30)


def _mail(subject: str, body: str, *, sender: str = FOOD_SENDER, message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"王芳 <{sender}>"
    msg["To"] = ORDERDESK
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = message_id or make_msgid(domain="example-food.example.cn")
    msg.set_content(body)
    return msg


def text_mail(po: str, lines=FOOD_LINES, *, message_id: str | None = None) -> tuple[bytes, str]:
    """An order written in the body of an e-mail, the way a buyer types it; (bytes, Message-ID)."""
    ordered, due = _dates()
    rows = "\n".join(f"{n}. {d}  {q}{u}  {p}元" for n, (d, q, u, p) in enumerate(lines, 1))
    body = (f"您好，请安排以下订单：\n\n客户：示例食品\n订单号：{po}\n下单日期：{ordered.isoformat()}\n"
            f"送货日期：{due.year}年{due.month}月{due.day}日\n\n{rows}\n\n谢谢！\n王芳\n")
    msg = _mail(f"采购订单 {po}", body, message_id=message_id)
    return msg.as_bytes(), str(msg["Message-ID"])


def _table(po: str, lines) -> list[list[object]]:
    ordered, due = _dates()
    head = ["客户名称", "订单号", "下单日期", "交货日期", "物料名称", "数量", "单位", "单价", "金额"]
    rows = [["杭州示例食品有限公司", po, ordered.isoformat(), due.isoformat(), d, q, u, p,
             f"{q * float(p):.2f}"] for d, q, u, p in lines]
    return [head, *rows]


def csv_mail(po: str, lines=FOOD_LINES) -> tuple[bytes, str]:
    """A short note with the order as a csv attachment."""
    text = "\n".join(",".join(str(c) for c in row) for row in _table(po, lines)) + "\n"
    msg = _mail(f"采购订单 {po}", "您好，附件为我司采购订单，请查收。\n王芳\n")
    msg.add_attachment(text.encode("utf-8"), maintype="text", subtype="csv", filename=f"{po}.csv")
    return msg.as_bytes(), str(msg["Message-ID"])


def xlsx_mail(po: str, lines=FOOD_LINES) -> tuple[bytes, str]:
    """A short note with the order as an xlsx attachment (openpyxl)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in _table(po, lines):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    msg = _mail(f"采购订单 {po}", "附件是订单，谢谢。\n")
    msg.add_attachment(out.getvalue(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=f"{po}.xlsx")
    return msg.as_bytes(), str(msg["Message-ID"])


def chat_mail() -> tuple[bytes, str]:
    """A message with no order in it (it must still be recorded and moved)."""
    msg = _mail("下周见面", "王经理您好，下周二下午方便见面聊一下明年的合作吗？\n王芳\n")
    return msg.as_bytes(), str(msg["Message-ID"])


def x12_850(po: str, *, control: int = 101, lines: int = 2) -> bytes:
    """An X12 850 from Example Trading (C002): `lines` PO1 lines of bottles and caps."""
    ordered, due = _dates()
    d8, t = ordered.strftime("%Y%m%d"), "0930"
    items = []
    for n in range(1, lines + 1):
        sku, price, desc = (("ET-500", "0.065", "PET BOTTLE 500ML") if n % 2 else
                            ("ET-CAP28", "0.007", "CAP 28MM BLUE"))
        items.append(f"PO1*{n}*20000*EA*{price}*PE*BP*{sku}~\nPID*F****{desc}~")
    body = "\n".join(items)
    total = sum(20000 * (0.065 if n % 2 else 0.007) for n in range(1, lines + 1))
    segments = ["ST*850*0001~", f"BEG*00*SA*{po}**{d8}~", "CUR*BY*USD~", f"DTM*002*{due.strftime('%Y%m%d')}~",
                "N1*BY*EXAMPLE TRADING INC~", body, f"CTT*{lines}~", f"AMT*TT*{total:.2f}~"]
    count = sum(s.count("~") for s in segments) + 1
    text = (f"ISA*00*          *00*          *ZZ*EXAMPLETRADING *ZZ*ORDERDESK      *{ordered.strftime('%y%m%d')}*{t}*U*00401*{control:09d}*0*P*>~\n"
            f"GS*PO*EXAMPLETRADING*ORDERDESK*{d8}*{t}*{control}*X*004010~\n"
            + "\n".join(segments) + f"\nSE*{count}*0001~\nGE*1*{control}~\nIEA*1*{control:09d}~\n")
    return text.encode("ascii")


def x12_truncated(po: str, *, control: int = 900) -> bytes:
    """An 850 cut off in the middle of its first line: the document fails, with a reason."""
    text = x12_850(po, control=control).decode()
    return text[: text.index("PO1*1*") + 12].encode("ascii")


def edifact_review(po: str, *, control: str = "BH0002") -> bytes:
    """EDIFACT ORDERS from Beispiel Handel (C003) with an item we do not know: review."""
    ordered, due = _dates()
    return (f"UNA:+.? 'UNB+UNOC:3+4000000000008:14+ORDERDESK:ZZ+{ordered.strftime('%y%m%d')}:0815+{control}'"
            f"UNH+1+ORDERS:D:01B:UN'BGM+220+{po}+9'DTM+137:{ordered.strftime('%Y%m%d')}:102'"
            f"DTM+2:{due.strftime('%Y%m%d')}:102'NAD+BY+4000000000008::9++Beispiel Handel GmbH'CUX+2:EUR:9'"
            "LIN+1++6900000000028:EN'PIA+1+BH-LBL-6040:IN'IMD+F++:::LABEL 60X40'QTY+21:25000:PCE'PRI+AAA:0.0016'"
            "LIN+2'PIA+1+BH-NOPE-1:IN'IMD+F++:::PAPER STRAW 6MM'QTY+21:1000:PCE'PRI+AAA:0.02'"
            "UNS+S'MOA+86:60.00'UNT+19+1'"
            f"UNZ+1+{control}'").encode("ascii")


def damaged_pdf() -> bytes:
    """The first bytes of a PDF and then noise: a document nobody can read."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + bytes(range(256)) * 8

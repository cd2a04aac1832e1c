"""The desk's sentences that are not anomalies, in the clerk's language: why a document failed,
is not an order or is a repeat, what a clerk decided about it, and the reader's own notes in its
read checks.

They are written in English where they arise (the readers, the document service, the desk's
decisions), and that English is what is stored and what `orderdesk process` prints; nothing here
changes it. Each sentence form is listed once as an English template with named values and its
简体中文 template. `say_text` finds the forms in a stored text sentence by sentence and says each
in Chinese; a sentence of a form not listed stays in English, as written (never dropped or
guessed at), so a reader's new sentence shows in English until its form is added here.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

# (English template, 简体中文 template); `{name}` is a value, the same in both.
PHRASES: tuple[tuple[str, str], ...] = (
    # the document service and the parse sandbox
    ("No order was found in it.", "其中没有找到订单。"),
    ("Reading the document took longer than {s} s; it was stopped.", "读取文件超过 {s} 秒，已被中止。"),
    ("The document needs more memory than allowed ({mb} MB) to be read.", "读取此文件所需内存超过上限（{mb} MB）。"),
    ("The document's reader failed ({why}); it needs a person to read it.", "读取程序出错（{why}），需要人工阅读。"),
    ("The same content arrived before as document {id} ({file}, {when}); it is not processed twice.",
     "相同内容此前已作为文件 {id}（{file}，{when}）收到，不会重复处理。"),
    ("Its acknowledgement is sent again.", "已再次发送其回执。"),
    ("Held in shadow mode: staff got a copy; it was never sent and never will be.",
     "影子模式下暂扣：员工已收到副本；从未发送，也永不发送。"),
    # what a clerk decided at the desk
    ("Rejected at the desk by {by}; {to} told why.", "已由 {by} 在工作台拒绝，并已告知 {to} 原因。"),
    ("Rejected at the desk by {by}; no sender known, nobody told.", "已由 {by} 在工作台拒绝；发件方未知，未通知任何人。"),
    ("{by} marked it not an order at the desk.", "{by} 在工作台将其标记为非订单。"),
    ("Handled at the desk by {by}: {why}", "已由 {by} 在工作台处理：{why}"),
    # why no order was read
    ("The {where} should hold a purchase order but no order line could be read from it; it needs a person to read it.",
     "此{where}应为采购订单，但未能读出任何订单行，需要人工阅读。"),
    ("Nothing on it marks an order: no title, PO number, price or total.", "其上没有任何订单标志：无标题、采购单号、价格或合计。"),
    ("Nothing marks the document as a purchase order: no title, PO number, price or total.",
     "文件上没有任何采购订单标志：无标题、采购单号、价格或合计。"),
    ("The document is {kind}, not a purchase order.", "此文件是{kind}，不是采购订单。"),
    ("The text is {kind}, not a purchase order.", "此文本是{kind}，不是采购订单。"),
    ("The message holds no purchase order.", "邮件中没有采购订单。"),
    ("The text holds no order lines.", "文本中没有订单行。"),
    ("An attached message is empty.", "附件邮件为空。"),
    ("The picture {name} is too small to hold an order (a logo or an icon).", "图片 {name} 太小，不可能是订单（标志或图标）。"),
    ("The picture {name} holds no order.", "图片 {name} 中没有订单。"),
    ("The table has no header row with an item and a quantity column.", "表格没有包含物料列和数量列的表头行。"),
    ("The table has a header but no row with both an item and a quantity.", "表格有表头，但没有一行同时具有物料和数量。"),
    ("The spreadsheet has no row with both an item and a quantity.", "电子表格中没有一行同时具有物料和数量。"),
    ("{row} ({where}, \"{named}\") could not be read: its quantity \"{qty}\" is not a number.",
     "{row}（{where}，“{named}”）无法读取：其数量“{qty}”不是数字。"),
    ("{row} ({where}, \"{named}\") could not be read: it has no quantity.", "{row}（{where}，“{named}”）无法读取：没有数量。"),
    ("No text could be read from the scanned pages.", "扫描页上读不出任何文字。"),
    ("The PDF has no text layer to read.", "PDF 没有可读取的文字层。"),
    ("The PDF has no pages.", "PDF 没有任何页面。"),
    ("The PDF is password-protected and cannot be read.", "PDF 有密码保护，无法读取。"),
    ("The PDF is damaged or truncated and cannot be opened.", "PDF 已损坏或不完整，无法打开。"),
    ("The PDF is damaged and its pages cannot be read.", "PDF 已损坏，无法读取其页面。"),
    ("The PDF has {pages} pages, more than the {most} a purchase order may have.", "PDF 共 {pages} 页，超过采购订单可能有的 {most} 页。"),
    ("The scanned PDF is damaged and its pages cannot be rendered.", "扫描 PDF 已损坏，无法绘出其页面。"),
    ("The scanned PDF has {pages} pages, more than an order may have.", "扫描 PDF 共 {pages} 页，超过订单可能有的页数。"),
    ("The file is not an image that can be read.", "此文件不是可读取的图像。"),
    ("The image is damaged or truncated and cannot be decoded.", "图像已损坏或不完整，无法解码。"),
    ("The image is {size} pixels, too large for a scanned page.", "图像为 {size} 像素，对扫描页而言过大。"),
    ("The Word file is damaged or incomplete and cannot be opened.", "Word 文件已损坏或不完整，无法打开。"),
    ("The Word file holds no text.", "Word 文件中没有文字。"),
    ("The file is not an Excel workbook.", "此文件不是 Excel 工作簿。"),
    ("The spreadsheet could not be opened ({why}).", "无法打开电子表格（{why}）。"),
    ("The CSV file has no header row with an item and a quantity column.", "CSV 文件没有包含物料列和数量列的表头行。"),
    ("The text file could not be decoded (not UTF-8, GB18030, Big5 or UTF-16).",
     "文本文件无法解码（不是 UTF-8、GB18030、Big5 或 UTF-16）。"),
    ("The file does not look like an e-mail message.", "此文件看起来不是电子邮件。"),
    ("The X12 interchange could not be read (it is malformed).", "X12 交换无法读取（格式错误）。"),
    ("X12 {kind} transaction set {n} is truncated: the data ends before its SE trailer.",
     "X12 {kind} 交易集 {n} 不完整：数据在 SE 结尾段之前就结束了。"),
    ("X12 {kind} transaction set {n} is empty.", "X12 {kind} 交易集 {n} 为空。"),
    ("X12 {kind} transaction set {n} has no {segment} segment and no lines.", "X12 {kind} 交易集 {n} 没有 {segment} 段，也没有任何行。"),
    ("X12 {kind} is not a purchase order.", "X12 {kind} 不是采购订单。"),
    ("EDIFACT {kind} message {n} ends without its UNT trailer; the interchange is truncated.",
     "EDIFACT {kind} 报文 {n} 没有 UNT 结尾段，交换不完整。"),
    ("EDIFACT {kind} is not a purchase order.", "EDIFACT {kind} 不是采购订单。"),
    ("The file holds no EDIFACT UNA, UNB or UNH segment.", "文件中没有 EDIFACT UNA、UNB 或 UNH 段。"),
    # the reader's notes in its read checks
    ("Line {n}: quantity {q} x unit price {p} = {qp}, but the row's amount reads {a}; one of the three was misread "
     "or misprinted.", "第 {n} 行：数量 {q} × 单价 {p} = {qp}，但该行金额读作 {a}；三者之一被读错或印错。"),
    ("Line {n}: the {what} read \"{text}\" is not a number; {value} was worked out from the other two numbers, so the "
     "row could not be checked.", "第 {n} 行：{what}读作“{text}”，不是数字；{value} 是由另外两个数算出的，因此该行无法核对。"),
    ("Line {n}: the {what} read \"{text}\" lost digits in the scan; {value} was worked out from the other two numbers, "
     "so the row could not be checked.", "第 {n} 行：{what}读作“{text}”，扫描时丢失了数字；{value} 是由另外两个数算出的，因此该行无法核对。"),
    ("Line {n}: the {what} could not be read; {value} was worked out from the other two numbers, so the row could not "
     "be checked.", "第 {n} 行：{what}无法读取；{value} 是由另外两个数算出的，因此该行无法核对。"),
    ("The row numbers read are {shown}, not {first} to {last}: a row near line {n} was lost or misread.",
     "读出的行号为 {shown}，而不是 {first} 到 {last}：第 {n} 行附近有一行丢失或读错。"),
    ("The table has {rows} filled rows but {read} lines were read.", "表格有 {rows} 个已填写的行，但只读出 {read} 行。"),
    ("The printed total {stated} could not be checked: some lines have no price or amount.",
     "无法核对印出的合计 {stated}：有些行没有价格或金额。"),
    ("The lines add up to {summed} but the printed total is {stated}: a line was lost or misread.",
     "各行相加为 {summed}，但印出的合计为 {stated}：有一行丢失或读错。"),
    ("The document counts {said} pages but only {present} arrived (page {missing} missing).",
     "文件标明共 {said} 页，但只收到 {present} 页（缺第 {missing} 页）。"),
)

# Values that are English words themselves, said in Chinese inside a Chinese sentence.
VALUES_ZH: dict[str, str] = {
    "an invoice": "发票", "a quotation or a request for quotation": "报价单或询价单",
    "a statement of account": "对账单", "a shipping notice": "发货通知", "a price list or a newsletter": "价目表或新闻邮件",
    "fax": "传真", "document, titled as an order,": "标题为订单的文件",
    "quantity": "数量", "unit price": "单价", "amount": "金额", "A row": "某一行",
    "810 (invoice)": "810（发票）", "856 (ship notice)": "856（发货通知）", "INVOIC (invoice)": "INVOIC（发票）",
    "DESADV (despatch advice)": "DESADV（发货通知）",
}
_ROW = re.compile(r"(?:Row|line) (\d+)")
_PO = re.compile(r"(.+?) \(PO (.+)\)")
# Values of a known shape, matched as such (a file name may hold ", " too).
SHAPES = {"when": r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "id": r"\d+", "n": r"\S+"}
_SENTENCE_END = re.compile(r".*?[.;:!?](?=\s|$)|.+", re.S)


def say_text(text: str | None, language: str) -> str:
    """`text` (one sentence or several) in `language` ("zh" or "en"): in English as written; in
    Chinese sentence by sentence where the form is known, else that sentence in English."""
    if not text or language != "zh":
        return text or ""
    said, at = [], 0
    while at < len(text):
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            break
        found = _match(text, at)
        if found is None:
            plain = _SENTENCE_END.match(text, at)
            said.append(plain.group(0))
            at = plain.end()
        else:
            zh, end = found
            said.append(zh)
            at = end
    return "".join(_joined(said))


def english_title(text: str | None, language: str) -> Markup:
    """A ` title="…"` attribute holding the English as written, where the clerk sees it in another
    language (hovering shows both), else nothing."""
    if not text or language == "en" or say_text(text, language) == text:
        return Markup("")
    return Markup(' title="%s" lang="en"') % text


def _match(text: str, at: int) -> tuple[str, int] | None:
    for pattern, zh in _compiled():
        found = pattern.match(text, at)
        if found is not None:
            values = {name: _value(value) for name, value in found.groupdict().items()}
            return zh.format(**values), found.end()
    return None


def _value(value: str) -> str:
    row, po = _ROW.fullmatch(value), _PO.fullmatch(value)
    if row:
        return f"第 {row.group(1)} 行"
    if po:   # "0001 (PO ET-2026-0042)"
        return f"{po.group(1)}（采购单 {po.group(2)}）"
    return VALUES_ZH.get(value, value)


def _joined(parts: list[str]) -> list[str]:
    """Sentences put together again: Chinese ones run on, an English one keeps a space around it."""
    out: list[str] = []
    for part in parts:
        if out and (_is_latin_end(out[-1]) or _is_latin_start(part)):
            out.append(" ")
        out.append(part)
    return out


def _is_latin_end(text: str) -> bool:
    return text[-1:].isascii()


def _is_latin_start(text: str) -> bool:
    return text[:1].isascii()


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each English template as a pattern: its words as written, each `{name}` any text (as little
    as lets the rest of the sentence follow)."""
    found = []
    for english, zh in PHRASES:
        pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>{SHAPES.get(m.group(1), '.+?')})",
                         re.escape(english))
        found.append((re.compile(pattern + (r"(?=\s|$)" if english.endswith((".", ":")) else "$"), re.S), zh))
    return tuple(found)

"""Sentences that are not anomalies (why a document failed, is not an order or is a repeat, what
a clerk decided, the reader's notes in its read checks) in the clerk's language: each is made by
the code that makes it in production, then said in Chinese with every value it carries; English
stays exactly as written; a sentence of an unknown form stays English beside the ones said."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from parsers.layout import checks
from parsers.model import ParsedLine
from parsers.vocab import doctypes
from pipeline.service import NO_ORDER
from reconcile.anomalies import Anomaly, AnomalyCode
from review.phrases import english_title, say_text
from review.sentences import say
from store.documents import _repeat_reason

CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _line(n: int, quantity: str, price: str, amount: str) -> ParsedLine:
    return ParsedLine(line_no=n, quantity=Decimal(quantity), unit_price=Decimal(price), amount=Decimal(amount))


def _made() -> list[str]:
    first = SimpleNamespace(id=41, filename="po-0042, v2.pdf", received_at=datetime(2026, 11, 20, 2, 5, tzinfo=timezone.utc))
    numbers = checks.row_numbers(["1", "2", "4"])
    return [
        NO_ORDER,
        _repeat_reason(first),
        doctypes.no_order_read("fax"),
        doctypes.not_an_order(["COMMERCIAL INVOICE"], ""),
        doctypes.disclaimed("Please quote your best price for the items below."),
        checks.arithmetic([_line(3, "12", "3.5", "45")], [checks.RowNote()])[0].message,
        checks.total([_line(1, "2", "5", "10")], Decimal("30")).message,
        numbers.message,
        checks.pages(["Page 1 of 3", "Page 3 of 3"], 2).message,
    ]


@pytest.mark.parametrize("english", _made())
def test_a_known_sentence_is_said_in_chinese_with_every_value_and_english_stays(english):
    zh = say_text(english, "zh")
    assert CJK.search(zh) and not re.search(r"[A-Za-z]{4,}", zh.replace("UTC", "")), (english, zh)
    for number in NUMBER.findall(english):
        assert number in zh, (english, zh)
    assert say_text(english, "en") == english
    assert english_title(english, "zh") == Markup(' title="%s" lang="en"') % english   # escaped once
    assert english_title(english, "en") == ""


def test_sentences_run_on_and_an_unknown_one_stays_english_in_its_place():
    text = f"{doctypes.no_order_read('fax')} The scanner jammed twice. {NO_ORDER}"
    zh = say_text(text, "zh")
    assert zh.startswith("此传真应为采购订单") and " The scanner jammed twice. " in zh and zh.endswith("其中没有找到订单。")


def test_a_clerks_own_words_inside_a_decision_are_kept_as_typed():
    zh = say_text("Handled at the desk by mei: a test page the fax machine sent.", "zh")
    assert zh == "已由 mei 在工作台处理：a test page the fax machine sent."
    assert say_text("Rejected at the desk by mei; buyer@example.com told why.", "zh") == \
        "已由 mei 在工作台拒绝，并已告知 buyer@example.com 原因。"


def test_the_readers_note_inside_a_read_check_anomaly_is_said_in_chinese():
    note = checks.arithmetic([_line(3, "12", "3.5", "45")], [checks.RowNote()])[0]
    anomaly = Anomaly(AnomalyCode.MISSING_FIELD, f"Line 3: the read check 'row arithmetic' failed: {note.message}", 3,
                      (("check", "row arithmetic"), ("outcome", "failed"), ("say", "read_check"), ("note", note.message)))
    zh = say(anomaly, "zh")
    assert "行金额核算" in zh and "数量 12 × 单价 3.5 = 42.0" in zh and "quantity" not in zh
    assert say(anomaly, "en") == anomaly.message

"""Anomaly sentences in the clerk's language, said from the anomaly's code and typed details:
every code's firing case from the reconciliation table says a Chinese sentence that carries
every number and date of the English one; English stays the sentence reconciliation wrote;
a stored anomaly (JSON details) says the same as the live one; old rows fall back to English."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from reconcile import reconcile
from reconcile.anomalies import Anomaly, AnomalyCode
from review.sentences import say

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reconcile"))
from test_checks import CASES, SNAP, TODAY  # noqa: E402  (the table of every code, firing and quiet)

NUMBER = re.compile(r"\d[\d.,:-]*\d|\d")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fired(case) -> list[Anomaly]:
    code, firing, _, seen = case
    return [a for a in reconcile(firing, SNAP, today=TODAY, seen_pos=frozenset(seen)).all_anomalies()]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0].value}-{i}" for i, c in enumerate(CASES)])
def test_every_anomaly_is_said_in_chinese_with_all_its_numbers(case):
    for anomaly in _fired(case):
        zh = say(anomaly, "zh")
        assert zh != anomaly.message and CJK.search(zh), (anomaly.code, anomaly.message)
        for number in NUMBER.findall(anomaly.message):
            assert number.rstrip(".") in zh, (anomaly.message, zh)
        assert say(anomaly, "en") == anomaly.message
        stored = {"code": str(anomaly.code), "line_no": anomaly.line_no, "message": anomaly.message,
                  "detail": json.loads(json.dumps(dict(anomaly.detail), ensure_ascii=False))}
        assert say(stored, "zh") == zh


def test_the_chinese_sentence_follows_the_values_not_the_english_words():
    """The same code with other values says other numbers: the sentence is made from the detail."""
    line = Anomaly(AnomalyCode.BELOW_MIN_QTY, "Line 3: 800 PCS is below the minimum order quantity 1000.", 3,
                   (("quantity", "800"), ("minimum", "1000"), ("base_unit", "PCS")))
    assert say(line, "zh") == "第 3 行：800 PCS 低于起订量 1000。"
    other = Anomaly(line.code, "whatever the English says", 7, (("quantity", "5"), ("minimum", "6"), ("base_unit", "KG")))
    assert say(other, "zh") == "第 7 行：5 KG 低于起订量 6。"


def test_a_row_stored_before_details_were_kept_is_said_in_english():
    old = {"code": "PRICE_MISMATCH", "line_no": 2, "message": "Line 2: the price 0.45 per PCS differs.", "detail": {}}
    assert say(old, "zh") == old["message"]


def test_a_read_check_and_a_tax_converted_price_are_said_in_chinese():
    doubt = Anomaly(AnomalyCode.MISSING_FIELD, "Row 4 has no amount (the row arithmetic check could not be made)", None,
                    (("check", "row arithmetic"), ("outcome", "not made"), ("say", "read_check"),
                     ("note", "Row 4 has no amount")))
    assert say(doubt, "zh") == "读取自检“行金额核算”无法进行：Row 4 has no amount"
    price = Anomaly(AnomalyCode.PRICE_MISMATCH, "Line 1: ...", 1,
                    (("price", "0.9"), ("unit", "PCS"), ("listed", "1.2"), ("tax_stated", "without"),
                     ("tax_list", "with"), ("tax_rate", "13"), ("tax_converted", "1.017")))
    assert say(price, "zh") == "第 1 行：单价 0.9（每 PCS）（按不含税价格；含税 13% 为 1.017）与价目表价格 1.2 相差超过 0.5%。"

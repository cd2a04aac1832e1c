"""Anomaly sentences in the clerk's language, said from the anomaly's code and its details.

Reconciliation writes each anomaly's sentence in English (what `orderdesk` prints and mails)
and keeps every value it names in the anomaly's detail, with `say` naming which sentence when a
code has several (reconcile.checks). The desk says it again from those values: English is the
sentence as written; 简体中文 fills the template of (code, say) below. An anomaly stored before
details were kept, or one whose values do not fit its template, is shown in English.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from review.phrases import say_text

# (code, say) -> the sentence in 简体中文; `{n}` is the line number of a line-level anomaly.
ZH: dict[tuple[str, str], str] = {
    ("UNKNOWN_ITEM", ""): "目录中没有与“{what}”匹配的物料。",
    ("UNKNOWN_ITEM", "given"): "给出的物料编码 {code} 不在目录中。",
    ("AMBIGUOUS_ITEM", ""): "“{what}”同样符合多个物料（{candidates}），请选择一个。",
    ("INACTIVE_ITEM", ""): "物料 {item} 已停售（目录中为禁用状态）。",
    ("UNIT_MISMATCH", ""): "单位 {unit} 无法换算为 {item} 的基本单位 {base_unit}。",
    ("PRICE_MISMATCH", ""): "单价 {price}（每 {unit}）{tax_note}与价目表价格 {listed} 相差超过 0.5%。",
    ("NO_PRICE", ""): "没有适用于 {item} 的价目表价格，订单也未写明单价。",
    ("QTY_NOT_PACK_MULTIPLE", ""): "{quantity} {base_unit} 不是包装数量 {pack} 的整数倍。",
    ("BELOW_MIN_QTY", ""): "{quantity} {base_unit} 低于起订量 {minimum}。",
    ("INSUFFICIENT_STOCK", ""): "订购 {quantity} {base_unit}，但库存只有 {stock}。",
    ("UNKNOWN_CUSTOMER", "who"): "买方“{who}”不在客户主数据中。",
    ("UNKNOWN_CUSTOMER", "sender"): "发件方不在客户主数据中。",
    ("UNKNOWN_CUSTOMER", "tied"): "文件同时指向多个客户，无法确定：{tied_list}。",
    ("UNKNOWN_CUSTOMER", "hints"): "客户主数据中没有与买方匹配的客户：{hint_list}。",
    ("UNKNOWN_CUSTOMER", "nothing"): "文件及其信封上没有任何信息指明买方。",
    ("DUPLICATE_PO", ""): "客户 {customer} 的采购订单 {po} 已经处理过。",
    ("MISSING_FIELD", ""): "订单没有采购订单号。",          # field=po_number
    ("MISSING_FIELD", "no_line"): "没有一行同时具有物料和数量。",
    ("MISSING_FIELD", "doubtful"): "第 {lines} 行无法可靠读取，请与原件核对。",
    ("MISSING_FIELD", "header"): "部分表头字段无法可靠读取，请与原件核对。",
    ("MISSING_FIELD", "no_lines"): "订单没有任何行。",
    ("MISSING_FIELD", "order_date"): "扫描件上读到的订单日期为 {dated}，与收到订单的日期 {today} 相差不合常理，请与原件核对。",
    ("TOTAL_MISMATCH", ""): "文件所列合计 {stated} 与各行之和 {lines} 不符。",
    ("DELIVERY_DATE_INFEASIBLE", ""): "要求交货日期为 {requested}，但最早可交货日期为 {earliest}（提前期 {lead} 个工作日）。",
    ("CREDIT_LIMIT_EXCEEDED", ""): "未清金额 {open} 加上本订单 {total}{converted_note}超过信用额度 {limit}。",
    ("CREDIT_LIMIT_EXCEEDED", "not_made"): "无法进行信用检查：{customer} 的信用额度以 {kept_in} 计，未配置 {missing_zh} 的汇率。",
    ("CURRENCY_MISMATCH", ""): "订单币别为 {currency}，但 {customer} 以 {buys_in} 交易。",
    ("CURRENCY_MISMATCH", "not_made"): "订单币别为 {currency}，但 {customer} 以 {buys_in} 交易；无法进行信用检查："
                                       "信用额度以 {kept_in} 计，未配置 {missing_zh} 的汇率。",
    ("*", "read_check"): "读取自检“{check_zh}”{outcome_zh}：{note}",
}
LINE_PREFIX_ZH = "第 {n} 行："
CHECKS_ZH = {"row arithmetic": "行金额核算", "row numbers": "行号连续", "total": "合计核对", "pages": "页数完整",
             "row read": "行读取", "date order": "日期格式", "change request": "变更说明", "header field": "表头字段",
             "customer code": "客户物料编码", "unit": "单位"}
OUTCOMES_ZH = {"failed": "未通过", "not made": "无法进行"}
HINT_KINDS_ZH = {"letterhead": "信头", "buyer field": "买方栏", "stamp": "印章", "e-mail": "邮箱", "web site": "网站",
                 "address": "地址", "phone": "电话", "sender": "发件人", "reply-to": "回复地址", "EDI id": "EDI 标识"}
TAX_ZH = {"with": "含税", "without": "不含税"}


def say(anomaly: Any, language: str) -> str:
    """The anomaly's sentence in `language` ("zh" or "en"): an `Anomaly`, or a stored one as a
    mapping with code, line_no, message and detail."""
    code, line_no, message, detail = _parts(anomaly)
    if language != "zh":
        return message
    template = ZH.get((code, detail.get("say") or _variant(code, detail))) or ZH.get(("*", detail.get("say", "")))
    if template is None:
        return message
    try:
        body = template.format(**_values(detail))
    except (KeyError, ValueError, TypeError):   # a detail kept before this sentence named these values
        return message
    return LINE_PREFIX_ZH.format(n=line_no) + body if line_no is not None else body


def _parts(anomaly: Any) -> tuple[str, int | None, str, dict[str, str]]:
    if isinstance(anomaly, Mapping):
        detail = anomaly.get("detail") or {}
        return str(anomaly["code"]), anomaly.get("line_no"), anomaly.get("message") or "", dict(detail)
    return str(anomaly.code), anomaly.line_no, anomaly.message, dict(anomaly.detail)


def _variant(code: str, detail: Mapping[str, str]) -> str:
    """The sentence a detail without `say` stands for (a missing field names which)."""
    return "header" if code == "MISSING_FIELD" and detail.get("field") == "header" else ""


def _values(detail: Mapping[str, str]) -> dict[str, str]:
    """The detail plus the values the Chinese sentences derive from it."""
    values = dict(detail)
    values["tax_note"] = (f"（按{TAX_ZH[detail['tax_stated']]}价格；{TAX_ZH[detail['tax_list']]} "
                          f"{detail['tax_rate']}% 为 {detail['tax_converted']}）" if "tax_stated" in detail else "")
    values["converted_note"] = f"（折合 {detail['converted']} {detail['kept_in']}）" if detail.get("converted") else ""
    values["missing_zh"] = detail.get("missing", "").replace(" and ", " 和 ")
    if "tied" in detail:
        values["tied_list"] = "；".join(f"{number} {name}" for number, name in json.loads(detail["tied"]))
    if "hints" in detail:
        values["hint_list"] = "，".join(f"{HINT_KINDS_ZH.get(kind, kind)}“{text}”"
                                       for kind, text in json.loads(detail["hints"]))
    if "note" in detail:   # the reader's own note, said in Chinese where its form is known
        values["note"] = say_text(detail["note"], "zh")
    if "check" in detail:
        values["check_zh"] = CHECKS_ZH.get(detail["check"], detail["check"])
        values["outcome_zh"] = OUTCOMES_ZH.get(detail.get("outcome", ""), detail.get("outcome", ""))
    return values

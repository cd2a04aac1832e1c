"""The desk's words in 简体中文 and English: one table, looked up by key.

A user's language is stored with the user (`users.language`); the sign-in page, before
anyone is known, follows the browser's Accept-Language.
"""
from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, tuple[str, str]] = {   # key: (简体中文, English)
    "app_title": ("订单审核台", "Order review desk"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "user_name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "signin_wrong": ("用户名或密码不正确。", "The user name or password is not right."),
    "signin_too_many": ("一分钟内密码错误次数过多，请稍后再试。",
                        "Too many wrong passwords in a minute; try again a little later."),
    "csrf_failed": ("表单已过期，请重新打开页面后再提交。",
                    "The form has expired; open the page again and resubmit."),
    "change_password": ("修改密码", "Change password"),
    "must_change": ("请先设置您自己的密码。", "Please set a password of your own first."),
    "current_password": ("当前密码", "Current password"),
    "new_password": ("新密码", "New password"),
    "repeat_password": ("再次输入新密码", "New password again"),
    "password_mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "password_short": ("密码至少需要 10 个字符。", "A password needs at least 10 characters."),
    "password_changed": ("密码已修改。", "The password has been changed."),
    "save": ("保存", "Save"),
    "queue": ("待处理", "Queue"),
    "users": ("用户", "Users"),
    "language": ("语言", "Language"),
    "role": ("角色", "Role"),
    "role_clerk": ("文员", "Clerk"),
    "role_admin": ("管理员", "Admin"),
    "status": ("状态", "Status"),
    "active": ("启用", "Active"),
    "disabled": ("已停用", "Disabled"),
    "disable": ("停用", "Disable"),
    "enable": ("启用", "Enable"),
    "reset_password": ("重置密码", "Reset password"),
    "add_user": ("添加用户", "Add user"),
    "add": ("添加", "Add"),
    "one_time_password": ("一次性密码（只显示这一次）：", "One-time password (shown only this once):"),
    "user_added": ("用户已添加。", "The user has been added."),
    "forbidden": ("此页面只对管理员开放。", "This page is for admins only."),
    "not_found": ("找不到该页面。", "Nothing is here."),
    # the queue
    "state": ("类别", "State"),
    "source": ("来源", "Source"),
    "customer": ("客户", "Customer"),
    "anomaly": ("异常", "Anomaly"),
    "age": ("等待时间", "Age"),
    "any": ("全部", "Any"),
    "filter": ("筛选", "Filter"),
    "clear": ("清除", "Clear"),
    "reason": ("原因", "Reason"),
    "arrived": ("到达时间", "Arrived"),
    "document": ("文件", "Document"),
    "nothing_waiting": ("没有待处理的事项。", "Nothing is waiting."),
    "total": ("合计", "Total"),
    "state_failed": ("读取失败", "Failed"),
    "state_review": ("待审核", "In review"),
    "state_not_an_order": ("非订单", "Not an order"),
    "state_repeat": ("重复", "Repeat"),
    "state_dead": ("发送失败", "Undeliverable"),
    "age_1h": ("1 小时以上", "over 1 hour"),
    "age_1d": ("1 天以上", "over 1 day"),
    "age_7d": ("7 天以上", "over 7 days"),
    "showing_newest": ("显示最新的 {n} 条，共 {m} 条；请用筛选缩小范围。",
                       "Showing the newest {n} of {m}; use the filters to narrow them down."),
    # the dashboard
    "dashboard": ("概览", "Dashboard"),
    "orders_today": ("今日订单（来源 · 状态）", "Orders today (source · status)"),
    "orders_week": ("本周订单（来源 · 状态）", "Orders this week (source · status)"),
    "touchless_rate": ("无人工处理比例（近 30 天，每日）", "Touchless rate (last 30 days, per day)"),
    "anomalies_by_code": ("异常（按代码）", "Anomalies by code"),
    "oldest_waiting": ("等待最久的事项到达于", "Oldest waiting case arrived"),
    "arrival_to_confirmation": ("从到达到确认发出", "From arrival to confirmation"),
    "median": ("中位数", "median"),
    "confirmations": ("份确认", "confirmations"),
    # the case page
    "audit": ("操作记录", "Audit trail"),
    "action_reprocess": ("重新读取", "read again"),
    "action_resend": ("重新发送", "sent again"),
    "reprocess": ("重新读取", "Read again"),
    "reprocessed": ("已重新读取；之前的结果保存在历史中。", "Read again; the earlier outcome is kept in the history."),
    "resend": ("重新发送", "Send again"),
    "resent": ("已交回发送队列。", "Handed back to the sender."),
    "original": ("原件", "Original"),
    "what_was_read": ("读取结果", "What was read"),
    "download_original": ("下载原件", "Download the original"),
    "no_preview": ("此格式无法在页面中显示，请下载原件。", "This format cannot be shown here; download the original."),
    "page": ("第 {n} 页", "Page {n}"),
    "segments": ("报文段", "Segments"),
    "attachments": ("附件", "Attachments"),
    "mail_text": ("正文（纯文本）", "Text"),
    "mail_html": ("正文（HTML，已净化）", "HTML (sanitised)"),
    "received": ("收到时间", "Received"),
    "sender": ("发件人", "Sender"),
    "po_number": ("订单号", "PO number"),
    "order_date": ("订单日期", "Order date"),
    "delivery_date": ("交货日期", "Delivery date"),
    "currency": ("币别", "Currency"),
    "ship_to": ("收货地址", "Ship to"),
    "line_no": ("行", "Line"),
    "customer_sku": ("客户料号", "Customer item"),
    "description": ("描述", "Description"),
    "quantity": ("数量", "Quantity"),
    "unit": ("单位", "Unit"),
    "unit_price": ("单价", "Unit price"),
    "sku": ("物料编码", "Our item"),
    "anomalies": ("异常", "Anomalies"),
    "no_orders": ("此文件没有读出订单。", "No order was read from this document."),
    "outbox": ("发出", "Outgoing"),
    "history": ("历史", "History"),
    "repeat_of": ("重复于文件", "Repeat of document"),
    "order_status_accepted": ("已接受", "Accepted"),
    "order_status_review": ("待审核", "In review"),
    "order_status_failed": ("读取失败", "Failed"),
    "doc_state_processed": ("已处理", "Processed"),
    "doc_state_failed": ("读取失败", "Failed"),
    "doc_state_not_an_order": ("非订单", "Not an order"),
    "doc_state_repeat": ("重复", "Repeat"),
    "doc_state_new": ("等待处理", "Waiting"),
    "doc_state_claimed": ("处理中", "Being read"),
}


def pick_language(value: str | None) -> str:
    """A supported language code for `value` (a stored choice or an Accept-Language header)."""
    for part in (value or "").replace(" ", "").lower().split(","):
        code = part.split(";")[0]
        if code.startswith("en"):
            return "en"
        if code.startswith("zh"):
            return "zh"
    return DEFAULT_LANGUAGE


def translate(key: str, language: str) -> str:
    """The words for `key` in `language`; an unknown key is shown as itself (and is a bug)."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    return pair[LANGUAGES.index(language)] if language in LANGUAGES else pair[0]

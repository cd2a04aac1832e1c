"""Which planned rows shadow mode holds: everything addressed outside, nothing meant for staff."""
from __future__ import annotations

from outbox.shadow import hold, is_held, leaves
from store.records import OutboxRow

ROWS = [
    OutboxRow("mail", "confirm:1:0", {"purpose": "confirmation"}, 0),
    OutboxRow("mail", "query:1:0", {"purpose": "query"}, 0),
    OutboxRow("mail", "rejected:1", {"purpose": "rejection"}, 0),   # a clerk's rejection, to the customer
    OutboxRow("mail", "staff:1:0", {"purpose": "anomaly"}, 0),
    OutboxRow("mail", "failed:1", {"purpose": "failure"}, None),
    OutboxRow("edi_ack", "fack:1:997:9:1", {"ack": "997"}, 0),
    OutboxRow("erp_export", "erp:1:0", {"order": {}}, 0),
]


def test_live_mode_changes_nothing():
    assert hold(ROWS, "live") == ROWS


def test_shadow_mode_holds_what_would_leave_and_sends_staff_mail_as_usual():
    held = {row.stable_key: is_held(row.payload) for row in hold(ROWS, "shadow")}
    assert held == {"confirm:1:0": True, "query:1:0": True, "rejected:1": True, "staff:1:0": False, "failed:1": False,
                    "fack:1:997:9:1": True, "erp:1:0": True}
    assert not any(is_held(row.payload) for row in ROWS), "the planned rows are not changed in place"


def test_leaves_names_customers_partners_and_the_erp():
    assert leaves("edi_ack", {}) and leaves("erp_export", {})
    assert leaves("mail", {"purpose": "confirmation"}) and not leaves("mail", {"purpose": "dead_letter"})

"""Shadow mode through a real `orderdesk run`: everything is read, reconciled and stored, but
nothing goes to customers, partners or the ERP; staff get a copy of each; switching to live
mode afterwards sends only what is planned from then on, never what was held."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import documents as d
from tests.e2e.ledger import wait_settled
from tests.fixtures.daemon_proc import STAFF

pytestmark = pytest.mark.timeout(240)
SETTLE_S = 120.0


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_shadow_mode_sends_only_staff_copies_and_live_mode_never_sends_what_was_held(
        daemon_proc, dovecot, smtp_sink):
    mail, _mid = d.text_mail("HZ-SHADOW-1")
    dovecot.append(mail)
    daemon_proc.overrides = {"mode": "shadow"}
    daemon_proc.start()
    daemon_proc.drop("edi_inbox", "po-850.edi", d.x12_850("ET-SHADOW-1", control=701))
    engine = daemon_proc.engine()
    try:
        ledger = wait_settled(engine, 2, SETTLE_S, describe=daemon_proc.log_tail)
        assert sorted(o.status for o in ledger.orders) == ["accepted", "accepted"]
        held = [r for r in ledger.outbox if r.status == "held"]
        # Each accepted order: a confirmation and an ERP export; the X12 one also a 997 and an 855.
        assert sorted(r.kind for r in held) == sorted(["mail", "erp_export"] * 2 + ["edi_ack"] * 2)
        assert {r.status for r in ledger.outbox} == {"held"}
        smtp_sink.wait_for(len(held), timeout=30)
        assert len(smtp_sink.received) == len(held)
        assert all(r.rcpt_tos == list(STAFF) for r in smtp_sink.received)
        subjects = [" ".join(str(r.message["Subject"]).split()) for r in smtp_sink.received]
        assert all(s.startswith("[shadow] not sent: ") for s in subjects), "\n".join(subjects)
        assert _files(daemon_proc.path("export")) == []
        assert _files(daemon_proc.path("edi_outbound")) == []
        assert daemon_proc.stop() == 0

        daemon_proc.overrides = {"mode": "live"}
        daemon_proc.start()
        daemon_proc.drop("edi_inbox", "po-851.edi", d.x12_850("ET-LIVE-1", control=702))
        ledger = wait_settled(engine, 3, SETTLE_S, describe=daemon_proc.log_tail)
        assert len([r for r in ledger.outbox if r.status == "held"]) == len(held), "held stays held"
        live = [r for r in ledger.outbox if r.status != "held"]
        assert sorted(r.kind for r in live) == sorted(["mail", "erp_export", "edi_ack", "edi_ack"])
        assert {r.status for r in live} == {"delivered"}
        smtp_sink.wait_for(len(held) + 1, timeout=30)
        confirmations = [r for r in smtp_sink.received if r.rcpt_tos == [d.TRADING_EMAIL]]
        assert len(confirmations) == 1 and "ET-LIVE-1" in str(confirmations[0].message["Subject"])
        assert len(_files(daemon_proc.path("export"))) == 2          # xlsx and json of ET-LIVE-1
        assert len(_files(daemon_proc.path("edi_outbound"))) == 2    # its 997 and 855
        assert daemon_proc.stop() == 0
    finally:
        engine.dispose()
    assert "Traceback" not in daemon_proc.log.read_text(errors="replace")

"""The outbox sender against real transports: the aiosmtpd sink, a maildir, export and EDI folders.

Each test stores a document and its planned outbox rows with `save_outcome`, as a worker does,
then runs the sender with a clock the test moves forward.
"""
from __future__ import annotations

import dataclasses
import errno
import json
import mailbox
import socket
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from connectors.edi_drop import TEMP_PREFIX, write_atomically
from connectors.errors import TransientError
from connectors.maildir import MaildirTransport
from connectors.smtp import SmtpTransport
from connectors.settings import SmtpSettings
from outbox.plan import DocumentFacts, interchange_ack, plan_outbox
from outbox.sender import OutboxSender, default_transports
from parsers.context import ParseContext
from parsers.model import ParsedLine, ParsedOrder, Party, SourceKind, SourceRef
from parsers.registry import parse_document
from pipeline.envelope import read_envelope
from reconcile import reconcile
from store import documents
from store import outbox as outbox_repo
from store.db import session_scope
from store.models import OutboxItem
from store.orders import save_outcome
from store.records import DocumentOutcome, OrderRecord
from tests.outbox.settings import Settings, Thresholds

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
START = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
OUTBOX = OutboxItem.__table__


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def settings(tmp_path) -> Settings:
    base = Settings(staff_emails=("desk@ourco.example",))
    paths = dataclasses.replace(base.paths, export=tmp_path / "export", maildir=tmp_path / "maildir",
                                edi_outbound=tmp_path / "outbound")
    smtp = SmtpSettings(host="", sender="orders@ourco.example")
    return dataclasses.replace(base, paths=paths, smtp=smtp,
                               thresholds=Thresholds(outbox_max_attempts=3, outbox_backoff_seconds=5))


def with_sink(settings: Settings, sink) -> Settings:
    smtp = dataclasses.replace(settings.smtp, host=sink.host, port=sink.port, security="none",
                               timeout_seconds=5)
    return dataclasses.replace(settings, smtp=smtp)


def mail_order(qty: str = "500") -> ParsedOrder:
    line = ParsedLine(1, description="瓦楞纸箱", quantity=Decimal(qty), unit="个",
                      unit_price=Decimal("1.10"), our_sku="1.01.0001")
    return ParsedOrder(source=SourceRef("in/m1.eml", None, SourceKind.EMAIL), po_number="SF-77",
                       order_date=date(2026, 11, 19), delivery_date=date(2026, 12, 15),
                       buyer=Party(name="杭州示例食品有限公司", email="li@example-food.example.cn"),
                       lines=(line,))


def store_mail_order(engine, catalog, settings, parsed: ParsedOrder, *, raw: bytes = b"mail-1") -> int:
    """Store a document whose one order is `parsed`, with its outbox rows; returns the document id."""
    records = [OrderRecord(reconciled=reconcile(parsed, catalog, today=TODAY))]
    return _store(engine, raw, records, settings, source="imap",
                  message_id="<po-77@example-food.example.cn>")


def store_edi(engine, catalog, settings, name: str) -> int:
    data = (ROOT / "examples" / "orders" / name).read_bytes()
    result = parse_document(data, ParseContext(path=name))
    records = [OrderRecord(reconciled=reconcile(o, catalog, today=TODAY)) for o in result.orders]
    return _store(engine, data, records, settings, source="edi", message_id=None)


def _store(engine, raw, records, settings, *, source, message_id) -> int:
    with session_scope(engine) as session:
        doc_id = documents.add_document(session, raw, filename="x", source=source,
                                        message_id=message_id, now=START).document_id
        facts = DocumentFacts(doc_id, source, message_id, "li@example-food.example.cn",
                              "采购订单 SF-77", START, "x")
        rows = plan_outbox(records, facts, settings)
        save_outcome(session, DocumentOutcome(doc_id, "processed", orders=tuple(records),
                                              outbox=tuple(rows)), now=START)
    return doc_id


def rows(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        return {r.stable_key: dict(r._mapping) for r in conn.execute(sa.select(OUTBOX))}


def crash_after_delivery(engine, key: str) -> None:
    """As if the sender died after delivering but before recording it: the row is due again."""
    with engine.begin() as conn:
        conn.execute(sa.update(OUTBOX).where(OUTBOX.c.stable_key == key)
                     .values(status="pending", next_attempt_at=START))


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --- SMTP ------------------------------------------------------------------------------------


def test_confirmation_arrives_once_threaded_and_bilingual(engine, catalog, settings, smtp_sink):
    settings = with_sink(settings, smtp_sink)
    store_mail_order(engine, catalog, settings, mail_order())
    sender = OutboxSender(engine, settings, clock=Clock())
    assert sender.run_once() == 2            # the confirmation and the ERP export
    assert sender.run_once() == 0
    got = smtp_sink.wait_for(1)
    assert len(got) == 1
    msg = got[0].message
    assert got[0].rcpt_tos == ["li@example-food.example.cn"]
    assert msg["In-Reply-To"] == "<po-77@example-food.example.cn>"
    assert msg["References"] == "<po-77@example-food.example.cn>"
    assert msg["Message-ID"].startswith("<orderdesk.confirm.") and msg["Message-ID"].endswith("@ourco.example>")
    body = msg.get_content()
    assert "感谢您的订单" in body and "Thank you for your order" in body and "550.00" in body
    assert msg["Date"] is not None
    assert {r["status"] for r in rows(engine).values()} == {"delivered"}


def test_transient_refusal_is_retried_with_backoff(engine, catalog, settings, smtp_sink):
    """A 451 reply leaves the row pending for later; the next due round delivers it once."""
    settings = with_sink(settings, smtp_sink)
    store_mail_order(engine, catalog, settings, mail_order())
    smtp_sink.refuse(451, times=1)
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock, quick_retries=1)
    sender.run_once()
    confirm = next(r for k, r in rows(engine).items() if k.startswith("confirm:"))
    assert confirm["status"] == "pending" and confirm["attempts"] == 1
    assert "451" in confirm["last_error"]
    assert confirm["next_attempt_at"] == START + timedelta(seconds=5)
    assert sender.run_once() == 0           # not due yet
    clock.advance(6)
    assert sender.run_once() == 1
    assert len(smtp_sink.wait_for(1)) == 1 and len(smtp_sink.handler.refusals) == 1


def test_quick_retry_inside_one_attempt(engine, catalog, settings, smtp_sink):
    """With tenacity's quick retries a single 451 does not even cost an attempt's backoff."""
    settings = with_sink(settings, smtp_sink)
    store_mail_order(engine, catalog, settings, mail_order())
    smtp_sink.refuse(451, times=1)
    OutboxSender(engine, settings, clock=Clock(), quick_retries=2).run_once()
    assert len(smtp_sink.wait_for(1)) == 1
    assert {r["status"] for r in rows(engine).values()} == {"delivered"}


def test_permanent_refusal_goes_dead_and_alerts_staff_once(engine, catalog, settings, smtp_sink):
    """A 550 makes the row dead at once and plans a staff alert; the alert failing too ends there."""
    settings = with_sink(settings, smtp_sink)
    store_mail_order(engine, catalog, settings, mail_order())
    smtp_sink.refuse(550)
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock, quick_retries=1)
    sender.run_once()
    state = rows(engine)
    confirm_key = next(k for k in state if k.startswith("confirm:"))
    assert state[confirm_key]["status"] == "dead" and "550" in state[confirm_key]["last_error"]
    (alert_key,) = [k for k in state if k.startswith(f"dead:{state[confirm_key]['id']}@")]
    assert state[alert_key]["status"] == "pending"
    assert json.loads(state[alert_key]["payload_json"])["to"] == ["desk@ourco.example"]
    sender.run_once()                        # the alert is refused as well: dead, no alert loop
    state = rows(engine)
    assert state[alert_key]["status"] == "dead" and len(state) == 3
    smtp_sink.accept()
    clock.advance(3600)
    assert sender.run_once() == 0 and smtp_sink.received == []


def test_a_row_resent_that_dies_again_alerts_staff_again(engine, catalog, settings, smtp_sink):
    """`orderdesk resend` gives a dead row back; if it dies a second time, staff hear of it a
    second time (each death once)."""
    settings = with_sink(settings, smtp_sink)
    store_mail_order(engine, catalog, settings, mail_order())
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock, quick_retries=1)
    smtp_sink.refuse(550)
    sender.run_once()
    confirm = next(r for k, r in rows(engine).items() if k.startswith("confirm:"))
    clock.advance(60)
    with session_scope(engine) as session:
        assert outbox_repo.resend(session, [confirm["id"]], clock()) == [confirm["id"]]
    sender.run_once()
    state = rows(engine)
    assert state[next(k for k in state if k.startswith("confirm:"))]["status"] == "dead"
    alerts = [k for k in state if k.startswith(f"dead:{confirm['id']}@")]
    assert len(alerts) == 2, "one alert per death"
    sender.run_once()
    assert len([k for k in rows(engine) if k.startswith("dead:")]) == 2, "no alert about the alerts"


def test_transient_failures_go_dead_after_max_attempts(engine, catalog, settings, smtp_sink):
    """A server that only ever says 451: dead after outbox_max_attempts (3), then staff are told."""
    settings = with_sink(settings, smtp_sink)
    store_mail_order(engine, catalog, settings, mail_order())
    smtp_sink.refuse(451)
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock, quick_retries=1)
    for _ in range(3):
        sender.run_once()
        clock.advance(3600)
    state = rows(engine)
    confirm = next(r for k, r in state.items() if k.startswith("confirm:"))
    assert confirm["status"] == "dead" and confirm["attempts"] == 3
    assert len([k for k in state if k.startswith(f"dead:{confirm['id']}@")]) == 1
    smtp_sink.accept()
    sender.run_once()
    alert = smtp_sink.wait_for(1)
    assert len(alert) == 1 and alert[0].rcpt_tos == ["desk@ourco.example"]
    assert "confirm:" in alert[0].message.get_content()


def test_smtp_server_down_is_transient():
    """A port where no server listens (the server is down) is a TransientError, retried later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=port, security="none",
                                           timeout_seconds=2))
    msg = EmailMessage()
    msg["Message-ID"], msg["Subject"] = "<x@ourco.example>", "x"
    msg.set_content("x")
    with pytest.raises(TransientError):
        transport.send(msg, ["a@example.com"])


# --- maildir ---------------------------------------------------------------------------------


def test_maildir_when_no_smtp_host_and_repeat_is_one_file(engine, catalog, settings):
    store_mail_order(engine, catalog, settings, mail_order())
    sender = OutboxSender(engine, settings, clock=Clock())
    assert isinstance(sender.transports.mail, MaildirTransport)
    sender.run_once()
    box = mailbox.Maildir(str(settings.paths.maildir), create=False)
    assert len(box) == 1
    first = next(iter(box))
    crash_after_delivery(engine, next(k for k in rows(engine) if k.startswith("confirm:")))
    sender.run_once()
    box = mailbox.Maildir(str(settings.paths.maildir), create=False)
    assert len(box) == 1
    assert next(iter(box))["Message-ID"] == first["Message-ID"]
    assert files(settings.paths.maildir / "tmp") == []


# --- ERP export ------------------------------------------------------------------------------


def test_erp_export_is_atomic_readable_and_idempotent(engine, catalog, settings):
    store_mail_order(engine, catalog, settings, mail_order())
    sender = OutboxSender(engine, settings, clock=Clock())
    sender.run_once()
    export = settings.paths.export
    order_id = next(r["order_id"] for k, r in rows(engine).items() if k.startswith("erp:"))
    assert files(export) == [f"SAL_{order_id}_SF-77.json", f"SAL_{order_id}_SF-77.xlsx"]
    body = json.loads((export / f"SAL_{order_id}_SF-77.json").read_text(encoding="utf-8"))
    model = body["Model"]
    assert model["FCustId"] == {"FNumber": "C001"} and model["FNote"] == "SF-77"
    assert model["FBillTypeID"] == {"FNUMBER": "XSDD01_SYS"} and model["FDate"] == "2026-11-19"
    entry = model["FSaleOrderEntry"][0]
    assert entry == {"FMaterialId": {"FNumber": "1.01.0001"}, "FUnitID": {"FNumber": "PCS"},
                     "FQty": "500", "FTaxPrice": "1.1", "FEntryTaxRate": "13", "FDeliveryDate": "2026-12-15"}
    assert model["FSaleOrderFinance"] == {"FSettleCurrId": {"FNumber": "CNY"}, "FIsIncludedTax": True}
    sheet = openpyxl.load_workbook(export / f"SAL_{order_id}_SF-77.xlsx").active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[3]]))
    assert row["FMaterialId"] == "1.01.0001" and row["FNote"] == "SF-77" and row["FQty"] == 500
    crash_after_delivery(engine, next(k for k in rows(engine) if k.startswith("erp:")))
    sender.run_once()
    assert files(export) == [f"SAL_{order_id}_SF-77.json", f"SAL_{order_id}_SF-77.xlsx"]


def test_injected_disk_full_is_retried_not_lost(engine, catalog, settings):
    """ENOSPC from the writer: the row waits and is delivered once the disk has space again."""
    full = {"on": True}

    def writer(path: Path, data: bytes) -> None:
        if full["on"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        write_atomically(path, data)

    store_mail_order(engine, catalog, settings, mail_order())
    transports = dataclasses.replace(default_transports(settings), export_write=writer)
    clock = Clock()
    sender = OutboxSender(engine, settings, transports=transports, clock=clock, quick_retries=1)
    sender.run_once()
    erp = next(r for k, r in rows(engine).items() if k.startswith("erp:"))
    assert erp["status"] == "pending" and "No space" in erp["last_error"]
    full["on"] = False
    clock.advance(10)
    sender.run_once()
    assert len(files(settings.paths.export)) == 2


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs, when this process may mount one (root in a container); else skip."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_real_disk_full_export_folder(engine, catalog, settings, tiny_disk):
    """The export folder on a full tmpfs: no half file, no temp left, delivered once space is back."""
    export = tiny_disk / "export"
    settings = dataclasses.replace(settings, paths=dataclasses.replace(settings.paths, export=export))
    export.mkdir()
    filler = tiny_disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 1024)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    store_mail_order(engine, catalog, settings, mail_order())
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock, quick_retries=1)
    sender.run_once()
    erp = next(r for k, r in rows(engine).items() if k.startswith("erp:"))
    assert erp["status"] == "pending" and "space" in erp["last_error"].lower()
    assert files(export) == []               # no partial file, no temp file left behind
    filler.unlink()
    clock.advance(10)
    sender.run_once()
    names = files(export)
    assert len(names) == 2 and not any(n.startswith(TEMP_PREFIX) for n in names)
    json.loads((export / next(n for n in names if n.endswith(".json"))).read_text(encoding="utf-8"))
    openpyxl.load_workbook(export / next(n for n in names if n.endswith(".xlsx")))


# --- EDI acknowledgements ----------------------------------------------------------------------


def test_edi_acks_dropped_for_the_partner_with_persistent_control_numbers(engine, catalog, settings):
    store_edi(engine, catalog, settings, "example-trading-850.edi")
    store_edi(engine, catalog, settings, "beispiel-orders.edi")
    sender = OutboxSender(engine, settings, clock=Clock())
    sender.run_once()
    outbound = settings.paths.edi_outbound
    x12 = sorted((outbound / "EXAMPLETRADING").iterdir())
    edi = sorted((outbound / "4000000000008").iterdir())
    assert [p.suffix for p in x12] == [".x12", ".x12"] and len(edi) == 2
    texts = [p.read_text() for p in x12]
    isa_controls = sorted(t.split("*")[13] for t in texts)
    assert isa_controls == ["000000001", "000000002"]       # from the persistent counter
    po_ack = next(t for t in texts if "ST*855*" in t)
    assert "BAK*00*AD*ET-2026-0042*20261116" in po_ack
    assert "UCI+BH0001+4000000000008:14+ORDERDESK:ZZ+7'" in "".join(p.read_text() for p in edi)
    # A repeat after a crash rewrites the same file with the same control numbers.
    key = next(k for k in rows(engine) if k.startswith("poack:1:"))
    before = {p.name: p.read_text() for p in x12}
    crash_after_delivery(engine, key)
    sender.run_once()
    after = {p.name: p.read_text() for p in (outbound / "EXAMPLETRADING").iterdir()}
    assert after == before
    with session_scope(engine) as session:
        assert outbox_repo.next_counter(session, "x12.interchange") == 3


def test_a_ta1_is_dropped_for_the_partner_and_takes_no_group_number(engine, catalog, settings):
    """A TA1 travels in an interchange of its own (ISA, TA1, IEA) from the same interchange counter
    as the 997s, and takes no group number (it has no GS)."""
    data = (ROOT / "examples" / "orders" / "example-trading-850.edi").read_bytes().replace(
        b"*000000101*0*P*", b"*000000101*1*P*")
    with session_scope(engine) as session:
        doc_id = documents.add_document(session, data, filename="x", source="edi", message_id=None,
                                        now=START).document_id
        facts = DocumentFacts(doc_id, "edi", None, None, "", START, "x")
        save_outcome(session, DocumentOutcome(doc_id, "processed",
                                              outbox=(interchange_ack(read_envelope(data), facts),)),
                     now=START)
    OutboxSender(engine, settings, clock=Clock()).run_once()
    (dropped,) = (settings.paths.edi_outbound / "EXAMPLETRADING").iterdir()
    text = dropped.read_text()
    assert dropped.name.endswith(".ta1.x12") and "TA1*000000101*261116*0930*A*000~" in text
    assert text.split("*")[13] == "000000001" and "GS*" not in text
    with session_scope(engine) as session:
        assert outbox_repo.next_counter(session, "x12.interchange") == 2
        assert outbox_repo.next_counter(session, "x12.group") == 1


def test_stale_sending_rows_are_released_after_a_crash(engine, catalog, settings):
    """Rows claimed by a sender that died are delivered by the next one after claim_stale_seconds."""
    store_mail_order(engine, catalog, settings, mail_order())
    with session_scope(engine) as session:
        assert len(outbox_repo.claim_due(session, START)) == 2  # ... and the sender dies here
    clock = Clock()
    sender = OutboxSender(engine, settings, clock=clock)
    assert sender.run_once() == 0
    clock.advance(settings.thresholds.claim_stale_seconds + 1)
    assert sender.run_once() == 2
    assert {r["status"] for r in rows(engine).values()} == {"delivered"}

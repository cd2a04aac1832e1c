"""Nothing vanishes: through a real `orderdesk run`, documents that yield no order end listed by
`orderdesk queue --json` with the sentence why, and a failed document's staff mail says where
its original is and how to read it again.

Into each inbox (the IMAP mailbox and the mail, fax and EDI folders) go a text that is not an
order, an empty file twice and an order sent twice (the folders' second copy under the same name
after the first was taken, as a partner re-sends).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e import documents as d
from tests.e2e.ledger import message_id, wait_settled
from tests.fixtures.daemon_proc import DaemonProcess

pytestmark = pytest.mark.timeout(180)
SETTLE_S = 120.0
NOTE = "Dear team, thank you for the visit last week. We will write again in January.\n"
FOLDERS = ("mail_inbox", "fax_inbox", "edi_inbox")


def queue_json(proc: DaemonProcess) -> list[dict]:
    script = Path(sys.executable).parent / "orderdesk"
    out = subprocess.run([str(script), "queue", "--json", "--config", str(proc.config)], cwd=proc.root,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return json.loads(out)["items"]


def wait_taken(folder: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while any(not p.name.startswith(".") for p in folder.iterdir()):  # .taking/ is the watcher's
        assert time.monotonic() < deadline, f"{folder} was not taken"
        time.sleep(0.2)


def test_every_document_without_an_order_is_listed_with_its_sentence(daemon_proc, dovecot, smtp_sink):
    chat, _ = d.chat_mail()
    order_mail, _ = d.text_mail("HZ-QUEUE-1")
    for data in (chat, order_mail, order_mail):
        dovecot.append(data)
    daemon_proc.start()
    expected = 3
    for n, folder in enumerate(FOLDERS):
        edi = d.x12_850(f"ET-QUEUE-{n}", control=600 + n)
        daemon_proc.drop(folder, "note.txt", f"{NOTE}({folder})\n".encode())
        daemon_proc.drop(folder, "empty.txt", b"")
        daemon_proc.drop(folder, "empty-again.txt", b"")
        daemon_proc.drop(folder, "po.edi", edi)
        wait_taken(daemon_proc.path(folder))
        daemon_proc.drop(folder, "po.edi", edi)  # the partner sends it again
        expected += 5
    engine = daemon_proc.engine()
    try:
        ledger = wait_settled(engine, expected, SETTLE_S, describe=daemon_proc.log_tail)
    finally:
        engine.dispose()
    items = queue_json(daemon_proc)

    assert len(ledger.documents) == expected
    listed = {item["document_id"]: item for item in items if item["order_id"] is None}
    with_orders = {o.document_id for o in ledger.orders}
    for doc in ledger.documents:  # each document has its orders, or is listed with its sentence
        if doc.status == "processed":
            assert doc.id in with_orders, doc
        else:
            assert doc.id in listed and listed[doc.id]["reason"].endswith("."), doc
            assert listed[doc.id]["state"] == doc.status
    states = sorted(item["state"] for item in listed.values())
    # a note per folder and the chat; the first empty file failed, the five other empty files,
    # the three re-sent EDI files and the repeated order mail are repeats
    assert states.count("not_an_order") == 4 and states.count("failed") == 1 and states.count("repeat") == 9
    chat_item = next(i for i in listed.values() if i["state"] == "not_an_order" and i["name"] == "下周见面")
    assert chat_item["customer"] == "C001"  # a known customer's mail that is not an order
    assert chat_item["priority"] == "normal"

    failed = [doc for doc in ledger.documents if doc.status == "failed"]
    sent = {str(r.message["Message-ID"]): r.message for r in smtp_sink.received}
    for doc in failed:
        mail = sent[message_id(f"staff:{doc.id}:0")]
        body = mail.get_content()
        assert listed[doc.id]["name"] in body and f"orderdesk reprocess {doc.id}" in body, body
        assert f"document {doc.id}" in body and "archived under" in body, body
    # each re-sent X12 interchange is acknowledged again: a second 997 per folder's po.edi
    acks = [p.name for p in daemon_proc.path("edi_outbound").rglob("*.997.*")]
    assert len(acks) == 2 * len(FOLDERS), acks
    resent = [i for i in listed.values() if i["name"] == "po.edi" and i["state"] == "repeat"]
    assert len(resent) == 3 and all(i["reason"].endswith("Its acknowledgement is sent again.") for i in resent)
    assert daemon_proc.stop() == 0

"""EDI partners are answered: an interchange nobody can read gets a rejecting acknowledgement
when its envelope names the partner (X12 997 with AK5/AK9 R and error codes, EDIFACT CONTRL
with UCI/UCM action 4), and an identical re-sent interchange gets its acknowledgement again
without being processed twice."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from daemon.config import Settings
from daemon.ingest import ingest
from daemon.worker import Worker
from outbox import edifact_out, x12_out
from pipeline.envelope import read_envelope
from tests.e2e import documents as d
from tests.pipeline.test_service import NOW, TODAY, fresh_engine, sandbox  # noqa: F401 (fixture)

BUILT = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(tmp_path):
    engine = fresh_engine(tmp_path / "orderdesk.db")
    yield engine
    engine.dispose()


def _run(engine, sandbox, *arrivals: tuple[str, bytes], mode: str = "live") -> None:
    for name, data in arrivals:
        ingest(engine, data, source="edi", source_ref=f"inbox/{name}#{len(data)}", filename=name,
               message_id=None, now=NOW)
    worker = Worker(engine, Settings(mode=mode), name="test/w0", sandbox=sandbox,
                    today=lambda: TODAY, now=lambda: NOW)
    while worker.run_once():
        pass


def _acks(engine) -> dict[str, dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT stable_key, payload_json FROM outbox WHERE kind = 'edi_ack' "
                                    "ORDER BY id")).all()
    return {key: json.loads(payload) for key, payload in rows}


def _edifact_cut(po: str, control: str) -> bytes:
    text = d.edifact_review(po, control=control).decode()
    return text[: text.index("LIN+2")].encode()


def test_a_truncated_x12_850_gets_a_997_rejecting_it(engine, sandbox):
    _run(engine, sandbox, ("cut.edi", d.x12_truncated("ET-CUT-1", control=509)))
    acks = _acks(engine)
    assert list(acks) == ["reject:1:997:509"]
    text = x12_out.functional_ack(acks["reject:1:997:509"], x12_out.Controls(7, 7), BUILT)
    assert "AK1*PO*509~" in text and "AK2*850*0001~" in text
    assert "AK5*R*2~" in text, "the set's SE trailer is missing"
    assert "AK9*R*1*1*0*2~" in text, "rejected, and the group's GE trailer is missing"
    assert "*ZZ*EXAMPLETRADING *" in text.splitlines()[0], "addressed back to the partner"


def test_a_truncated_edifact_orders_gets_a_contrl_rejecting_it(engine, sandbox):
    _run(engine, sandbox, ("cut.edi", _edifact_cut("BH-CUT-1", "BHCUT1")))
    (key, payload), = _acks(engine).items()
    assert key == "reject:1:CONTRL:BHCUT1"
    text = edifact_out.contrl(payload, 7, BUILT)
    assert "UCI+BHCUT1+4000000000008:14+ORDERDESK:ZZ+4+13+UNZ'" in text
    assert "UCM+1+ORDERS:D:01B:UN+4+13+UNT'" in text


def test_an_interchange_whose_envelope_names_no_partner_gets_no_answer(engine, sandbox):
    cut = d.x12_truncated("ET-CUT-2", control=510).replace(b"*ZZ*EXAMPLETRADING ", b"*ZZ*               ")
    assert read_envelope(cut) is not None and read_envelope(cut).partner == ""
    _run(engine, sandbox, ("cut.edi", cut))
    assert _acks(engine) == {}


def test_a_re_sent_interchange_gets_its_acknowledgement_again_and_is_not_processed_twice(engine, sandbox):
    edi = d.x12_850("ET-AGAIN-1", control=511)
    _run(engine, sandbox, ("po.edi", edi))
    first = _acks(engine)
    assert sorted(first) == ["fack:1:997:000000511:511", "poack:1:0"]
    _run(engine, sandbox, ("po-again.edi", edi))
    acks = _acks(engine)
    again = acks.pop("fack:2:997:000000511:511")
    assert acks == first, "only the functional acknowledgement goes again"
    assert (again["sets"], again["envelope"]) == (first["fack:1:997:000000511:511"]["sets"],
                                                  first["fack:1:997:000000511:511"]["envelope"])
    with engine.connect() as conn:
        docs = conn.execute(sa.text("SELECT status, repeat_of FROM documents ORDER BY id")).all()
        orders = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
    assert [tuple(r) for r in docs] == [("processed", None), ("repeat", 1)] and orders == 1


def test_a_re_sent_unreadable_interchange_is_rejected_again(engine, sandbox):
    cut = d.x12_truncated("ET-CUT-3", control=512)
    _run(engine, sandbox, ("cut.edi", cut))
    _run(engine, sandbox, ("cut-again.edi", cut))
    acks = _acks(engine)
    assert sorted(acks) == ["reject:1:997:512", "reject:2:997:512"]
    assert acks["reject:1:997:512"]["sets"] == acks["reject:2:997:512"]["sets"]


def test_in_shadow_mode_the_answers_are_held(engine, sandbox):
    _run(engine, sandbox, ("cut.edi", d.x12_truncated("ET-CUT-4", control=513)), mode="shadow")
    assert [payload.get("shadow") for payload in _acks(engine).values()] == [True]


def _two_sets_second_cut(po: str, control: int) -> bytes:
    """One group of two 850s: the first whole, the second cut off inside its first line."""
    text = d.x12_850(po, control=control).decode()
    head, body = text[: text.index("ST*850*")], text[text.index("ST*850*"): text.index("GE*")]
    second = body.replace("ST*850*0001", "ST*850*0002").replace(f"BEG*00*SA*{po}", f"BEG*00*SA*{po}-2")
    return (head + body + second[: second.index("PO1*1*") + 12]).encode()


def test_a_partly_read_interchange_names_the_unread_set_rejected(engine, sandbox):
    _run(engine, sandbox, ("two.edi", _two_sets_second_cut("ET-PART-1", 515)))
    acks = _acks(engine)
    text = x12_out.functional_ack(acks["fack:1:997:000000515:515"], x12_out.Controls(7, 7), BUILT)
    assert "AK2*850*0001~\nAK5*A~" in text and "AK2*850*0002~\nAK5*R*2~" in text
    assert "AK9*P*2*2*1~" in text


def _asking_ta1(edi: bytes) -> bytes:
    """The same interchange with ISA14 = 1: the partner asks for an interchange acknowledgement."""
    text = edi.decode()
    isa, rest = text.split("~", 1)
    el = isa.split("*")
    el[14] = "1"
    return ("*".join(el) + "~" + rest).encode()


def _ta1_segment(payload: dict) -> list[str]:
    text = x12_out.interchange_ack(payload, x12_out.Controls(31, 0), BUILT)
    segs = [s.strip().split("*") for s in text.split("~") if s.strip()]
    assert [s[0] for s in segs] == ["ISA", "TA1", "IEA"], "a TA1 travels alone, without a group"
    assert segs[0][6].strip() == "ORDERDESK" and segs[0][8].strip() == "EXAMPLETRADING"
    assert segs[2] == ["IEA", "0", "000000031"]
    return segs[1]


def test_an_interchange_asking_for_a_ta1_gets_one_beside_its_997(engine, sandbox):
    edi = _asking_ta1(d.x12_850("ET-TA1-1", control=520))
    _run(engine, sandbox, ("po.edi", edi))
    acks = _acks(engine)
    assert sorted(acks) == ["fack:1:997:000000520:520", "poack:1:0", "ta1:1:000000520"]
    ta1 = _ta1_segment(acks["ta1:1:000000520"])
    isa = edi.decode().split("~")[0].split("*")
    assert ta1 == ["TA1", "000000520", isa[9], isa[10], "A", "000"], "echoes the ISA's control, date, time"


def test_no_ta1_unless_asked_or_needed(engine, sandbox):
    _run(engine, sandbox, ("po.edi", d.x12_850("ET-TA1-2", control=521)))
    assert not [key for key in _acks(engine) if key.startswith("ta1:")]


def test_an_interchange_with_no_functional_group_is_rejected_by_a_ta1(engine, sandbox):
    """No GS means no 997 can answer it; the partner still hears that it was refused and why."""
    edi = d.x12_850("ET-TA1-3", control=522).decode()
    no_group = edi[: edi.index("GS*")].encode()
    _run(engine, sandbox, ("nogroup.edi", no_group))
    acks = _acks(engine)
    assert list(acks) == ["ta1:1:000000522"]
    assert _ta1_segment(acks["ta1:1:000000522"])[4:] == ["R", "024"]


def test_a_ta1_names_a_missing_or_mismatched_interchange_trailer(engine, sandbox):
    edi = _asking_ta1(d.x12_850("ET-TA1-4", control=523)).decode()
    _run(engine, sandbox, ("wrongiea.edi", edi.replace("IEA*1*000000523", "IEA*1*000000999").encode()),
         ("noiea.edi", _asking_ta1(d.x12_850("ET-TA1-5", control=524)).decode()
          .split("IEA*")[0].encode()))
    acks = _acks(engine)
    assert _ta1_segment(acks["ta1:1:000000523"])[4:] == ["E", "001"]
    assert _ta1_segment(acks["ta1:2:000000524"])[4:] == ["R", "023"]

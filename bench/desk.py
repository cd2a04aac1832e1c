"""The review desk's speed figures: the queue of 10,000 cases filtered, and the case page of a
10-page PDF (opened, then its pages rendered lazily and served again from the cache).

The PDF is read by the one document service first, so its case page shows what was read
(400 lines to correct, each value with its box), and the desk checks it ahead at its start as
the served desk does (review.warming); a second one, read after the start and opened at once,
shows what an opening costs that finds no check done. The desk runs in-process behind Starlette's test client, so the figures are the server's own
time plus a little client overhead; no network, no browser.
"""
from __future__ import annotations

import io
import statistics
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from daemon.config import Settings
from review import auth
from store import users
from store.blobs import put_blob, sha256_hex
from store.db import make_engine, migrate, session_scope, utcnow
from store.folding import folded
from store.models import AnomalyRow, Document, Order

CODES = ("UNKNOWN_ITEM", "PRICE_MISMATCH", "DUPLICATE_PO", "DELIVERY_DATE_INFEASIBLE")
PASSWORD = "bench password"


def fill(engine, cases: int) -> None:
    """`cases` queue cases: a quarter failed documents, the rest orders in review."""
    now = utcnow()
    with session_scope(engine) as session:
        put_blob(session, b"bench")
        docs = [{"sha256": sha256_hex(b"bench"), "size": 5, "filename": f"po-{i}.pdf",
                 "source": ("mail", "fax", "edi")[i % 3], "received_at": now - timedelta(minutes=i),
                 "status": "failed" if i % 4 == 0 else "processed", "attempts": 1,
                 "reason": "The PDF is damaged." if i % 4 == 0 else None} for i in range(cases)]
        session.execute(sa.insert(Document.__table__), docs)
        ids = session.execute(sa.select(Document.__table__.c.id, Document.__table__.c.status)).all()
        orders = [{"document_id": i, "source_path": f"po-{i}.pdf", "status": "review", "po_number": f"PO-{i}",
                   "customer_name": f"Customer {i % 50}", "customer_search": folded(f"Customer {i % 50}"),
                   "payload_json": "{}", "created_at": now}
                  for i, status in ids if status == "processed"]
        session.execute(sa.insert(Order.__table__), orders)
        order_ids = session.execute(sa.select(Order.__table__.c.id)).scalars().all()
        session.execute(sa.insert(AnomalyRow.__table__),
                        [{"order_id": o, "code": CODES[o % len(CODES)], "message": "Line 1: bench."}
                         for o in order_ids])
        users.add_user(session, "bench", "clerk", auth.hash_password(PASSWORD), now=now)
        session.commit()


COLUMNS = (72, 110, 200, 380, 430, 480)   # points: where each column of the bench order starts


def ten_page_pdf(po: str = "BENCH-0001") -> bytes:
    """A 10-page purchase order of 40 lines a page: its case page shows 400 read lines, each
    value with the box it came from."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for n in range(10):
        pdf.drawString(72, 800, "PURCHASE ORDER")
        pdf.drawString(72, 785, f"PO No.: {po}    Order date: 2026-11-20    Page {n + 1} of 10")
        for x, text in zip(COLUMNS, ("No.", "Item code", "Description", "Qty", "Unit", "Unit price")):
            pdf.drawString(x, 760, text)
        for row in range(40):
            k = n * 40 + row + 1
            for x, text in zip(COLUMNS, (str(k), f"ITEM-{k:04d}", f"Paper box {k}", "12", "PCS", "3.50")):
                pdf.drawString(x, 743 - row * 17, text)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def read_document(engine, data: bytes, name: str) -> int:
    """Take a document through the one document service, as the daemon would; its id."""
    from bench.catalogs import catalog
    from connectors.catalog_bundle import catalog_fingerprint
    from pipeline.sandbox import ParseSandbox
    from pipeline.service import DocumentService
    from store import catalog as catalog_store

    records = catalog(2_000)
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    with ParseSandbox(timeout_s=120, memory_mb=2048) as sandbox:
        service = DocumentService(engine, Settings(), sandbox=sandbox)
        service.refresh_catalog()
        return service.take(data, source="fax", source_ref=name, filename=name, message_id=None,
                            claimed_by="bench").document_id


def _client(engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from review.app import factory, warm_up

    # As `orderdesk run` serves it: a page render worker is started with the desk.
    client = TestClient(factory(Settings(), engine, warm_pages=True), base_url="http://127.0.0.1")
    client.app.state.desk.pages.ready(60)   # a desk that has been up for a moment
    warm_up(client.app)                     # as the desk's process does at start
    token = client.get("/signin").text.split('name="csrf" value="')[1].split('"')[0]
    client.post("/signin", data={"name": "bench", "password": PASSWORD, "csrf": token})
    return client


def _ms(client, path: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        assert client.get(path).status_code == 200, path
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def print_figures(cases: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'desk.db'}")
        migrate(engine)
        fill(engine, cases)
        from pipeline.service import arrive
        waiting = arrive(engine, ten_page_pdf(), source="fax", source_ref="ten-waiting.pdf", filename="ten-waiting.pdf",
                         message_id=None, now=utcnow()).document_id
        doc = read_document(engine, ten_page_pdf(), "ten.pdf")
        client = _client(engine)
        print(f"desk queue, {cases:,} cases   all {_ms(client, '/'):7.0f} ms   "
              f"filtered {_ms(client, '/?state=review&code=PRICE_MISMATCH&source=fax'):7.0f} ms   "
              f"by customer {_ms(client, '/?customer=CUSTOMER+7'):7.0f} ms (median of 5)")
        start = time.perf_counter()
        client.get(f"/documents/{waiting}")
        opened = (time.perf_counter() - start) * 1000
        first = _ms(client, f"/documents/{waiting}/pages/1", repeat=1)
        cached = _ms(client, f"/documents/{waiting}/pages/1")
        print(f"desk case page, 10-page PDF not read yet   opened {opened:5.0f} ms   a page rendered {first:5.0f} ms, "
              f"then from the cache {cached:5.1f} ms")
        opened = _ms(client, f"/documents/{doc}", repeat=1)
        print(f"desk case page, 10-page PDF read (400 lines in review, each value with its box)   "
              f"opened {opened:5.0f} ms, again {_ms(client, f'/documents/{doc}'):5.0f} ms (median of 5)")
        # One read after the desk's start and opened before the desk checked it ahead (review.warming):
        # the opening then runs the re-check of its 400 lines itself.
        late = read_document(engine, ten_page_pdf("BENCH-0002"), "late.pdf")
        print(f"desk case page, the same read after the desk started, opened before it was checked ahead   "
              f"opened {_ms(client, f'/documents/{late}', repeat=1):5.0f} ms")
        engine.dispose()

"""Fixtures of the review desk tests: the desk on a fresh database, users, a signed-in client.

`desk_client` drives the ASGI app in-process (Starlette's test client over httpx); the
browser tests start the same app under uvicorn on a free loopback port (`live_desk`).
"""
from __future__ import annotations

import re
import threading
import time
import warnings
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from daemon.config import ReviewSettings, Settings
from review import auth
from store import users
from store.db import session_scope, utcnow
from tests.fixtures.daemon_proc import free_port

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # starlette's notice about httpx's successor
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "correct horse battery"
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0


def add_user(engine, name: str, role: str = "clerk", password: str = PASSWORD, *,
             one_time: bool = False) -> None:
    with session_scope(engine) as session:
        users.add_user(session, name, role, auth.hash_password(password), now=utcnow(), one_time=one_time)


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD):
    """Open the sign-in page, post its form; returns the response to the post."""
    page = client.get("/signin")
    return client.post("/signin", data={"name": name, "password": password, "csrf": csrf_of(page.text)},
                       follow_redirects=False)


@pytest.fixture
def desk_settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'orderdesk.db'}", timezone="Asia/Shanghai")


@pytest.fixture
def desk_app(engine, desk_settings):
    from review.app import factory

    return factory(desk_settings, engine)


@pytest.fixture
def desk_client(desk_app):
    with TestClient(desk_app, base_url="http://127.0.0.1") as client:
        yield client


def new_client(app) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


@dataclass
class LiveDesk:
    """The desk served by uvicorn on a loopback port, in a thread of the test process."""

    url: str
    engine: object
    settings: Settings


@pytest.fixture
def live_desk(engine, desk_settings):
    """Start the desk on a free 127.0.0.1 port (bounded wait), stop it afterwards (bounded)."""
    from review.server import server_for

    port = free_port()
    settings = replace(desk_settings, review=replace(ReviewSettings(), port=port, event_poll_seconds=0.3))
    server = server_for(settings, engine)
    thread = threading.Thread(target=server.run, name="desk-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the desk did not start")
        time.sleep(0.05)
    try:
        yield LiveDesk(f"http://127.0.0.1:{port}", engine, settings)
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT_S)
        assert not thread.is_alive(), "the desk did not stop in time"


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright (no browser download); one per test run."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run ./dev.sh test (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"], timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium):
    """A fresh browser context (no cookies) at laptop size; console errors are collected."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save the page under var/screenshots/ (the issue's record of what the desk looks like)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


GOLDEN = ROOT / "tests" / "data" / "golden"
# Golden documents and the queue state each leaves (the second x12-accepted is a repeat).
QUEUE_DOCUMENTS = (("edifact-anomalies.edi", "edi"), ("x12-truncated.edi", "edi"), ("x12-invoice.edi", "edi"),
                   ("x12-accepted.edi", "edi"), ("x12-accepted.edi", "fax"), ("csv-order.csv", "fax"))


def fill_queue(engine, settings: Settings, extra: tuple[tuple[bytes, str, str], ...] = ()) -> list[int]:
    """Take golden documents (and `extra` ones: bytes, file name, source) through the one document
    service, as the daemon would; returns the document ids, in that order."""
    from connectors.catalog_bundle import catalog_fingerprint, read_bundle
    from pipeline.sandbox import ParseSandbox
    from pipeline.service import DocumentService
    from store import catalog as catalog_store

    records = read_bundle(GOLDEN / "catalog")
    with session_scope(engine) as session:
        catalog_store.replace_catalog(session, records, catalog_fingerprint(records))
    documents = [((GOLDEN / name).read_bytes(), name, source) for name, source in QUEUE_DOCUMENTS] + list(extra)
    with ParseSandbox(timeout_s=60, memory_mb=2048) as sandbox:
        service = DocumentService(engine, settings, sandbox=sandbox, today=lambda: date(2026, 11, 20))
        service.refresh_catalog()
        return [service.take(data, source=source, source_ref=f"{source}/{name}", filename=name, message_id=None,
                             claimed_by="test").document_id for data, name, source in documents]

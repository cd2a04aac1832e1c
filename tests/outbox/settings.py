"""The settings the outbox tests hand the outbox: just what `outbox.settings.OutboxSettings`
names, with the daemon's defaults, so these tests need nothing of `daemon/`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from connectors.settings import K3CloudSettings, SmtpSettings
from outbox.settings import ErpSettings


@dataclass(frozen=True, slots=True)
class Paths:
    export: Path = Path("var/export")
    maildir: Path = Path("var/maildir")
    edi_outbound: Path = Path("var/outbound/edi")


@dataclass(frozen=True, slots=True)
class Thresholds:
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: float = 5.0
    claim_stale_seconds: float = 600.0
    outbox_threads: int = 4


@dataclass(frozen=True, slots=True)
class Settings:
    staff_emails: tuple[str, ...] = ()
    query_customers: bool = False
    company_name: str = "orderdesk"
    review_url: str = "http://127.0.0.1:8080/"
    timezone: str = "Asia/Shanghai"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    erp: ErpSettings = field(default_factory=ErpSettings)
    k3cloud: K3CloudSettings = field(default_factory=K3CloudSettings)
    paths: Paths = field(default_factory=Paths)
    thresholds: Thresholds = field(default_factory=Thresholds)
    node: str = "test-node"
    mode: str = "live"

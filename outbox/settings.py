"""What the outbox reads from the configuration: its own ERP export section, and the shape of
the settings object it is handed.

`OutboxSettings` is a Protocol naming only the attributes the planner, the mail builders and
the sender use; `daemon.config.Settings` satisfies it structurally, so `outbox/` never imports
`daemon/` and its callers pass the whole `Settings` unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from connectors.settings import K3CloudSettings, SmtpSettings


@dataclass(frozen=True, slots=True)
class ErpSettings:
    sale_org: str = "100"                 # FSaleOrgId
    bill_type: str = "XSDD01_SYS"         # FBillTypeID (standard sales order)
    po_field: str = "FNote"               # where the customer's PO number goes
    price_field: str = "auto"             # auto: FTaxPrice for prices with tax, FPrice without | FPrice | FTaxPrice
    formats: tuple[str, ...] = ("xlsx", "json")
    local_currency: str = "CNY"           # the sales organisation's own currency (本位币)
    exchange_rate_type: str = "HLTX01_SYS"   # FExchangeTypeId for an order in another currency (固定汇率)
    currency_numbers: tuple[tuple[str, str], ...] = ()   # ISO code -> K3 currency number, e.g. USD = "PRE007"


class OutboxPaths(Protocol):
    """The folders the sender writes to (read-only, as the frozen `Paths` offers them)."""

    @property
    def export(self) -> Path: ...
    @property
    def maildir(self) -> Path: ...
    @property
    def edi_outbound(self) -> Path: ...


class OutboxThresholds(Protocol):
    """The sender's retry, claim and concurrency limits."""

    @property
    def outbox_max_attempts(self) -> int: ...
    @property
    def outbox_backoff_seconds(self) -> float: ...
    @property
    def claim_stale_seconds(self) -> float: ...
    @property
    def outbox_threads(self) -> int: ...


class OutboxSettings(Protocol):
    """The settings the outbox reads; `daemon.config.Settings` is one."""

    @property
    def staff_emails(self) -> tuple[str, ...]: ...
    @property
    def query_customers(self) -> bool: ...
    @property
    def company_name(self) -> str: ...
    @property
    def review_url(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def smtp(self) -> SmtpSettings: ...
    @property
    def erp(self) -> ErpSettings: ...
    @property
    def k3cloud(self) -> K3CloudSettings: ...
    @property
    def paths(self) -> OutboxPaths: ...
    @property
    def thresholds(self) -> OutboxThresholds: ...
    @property
    def node(self) -> str: ...
    @property
    def mode(self) -> str: ...

"""Settings: one typed object, built once from an optional TOML file and the environment.

Every key has a default that works on a laptop with no file at all (SQLite under `var/`,
watched folders under `var/inbox/`, outgoing mail into a local maildir). Secrets (IMAP and
SMTP passwords, OAuth tokens) never sit in the file: they come from environment variables
or systemd credentials (`$CREDENTIALS_DIRECTORY/<name>`), named in the file by `*_env` /
`*_credential` keys.

Each section's dataclass lives beside what it configures (`connectors.settings`: ImapAccount,
SmtpSettings, secret; `outbox.settings`: ErpSettings; `review.settings`: ReviewSettings), so those layers never import `daemon`;
this module composes them into `Settings` and re-exports them.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from connectors.errors import ConfigError
from connectors.settings import (CATALOG_SOURCES, CatalogSettings, ImapAccount, K3CloudSettings,
                                 SmtpSettings, node_name, secret)
from outbox.settings import ErpSettings
from pipeline.terms import build_terms
from reconcile.settings import MoneySettings, WorkdaySettings
from review.settings import ReviewSettings

__all__ = ["CatalogSettings", "ConfigError", "ErpSettings", "K3CloudSettings", "ImapAccount", "MODES",
           "MoneySettings", "Paths", "ReviewSettings", "Settings", "SmtpSettings", "Thresholds",
           "WorkdaySettings", "load_settings", "node_name", "secret"]

MODES = ("live", "shadow")


@dataclass(frozen=True, slots=True)
class Paths:
    var: Path = Path("var")
    mail_inbox: Path = Path("var/inbox/mail")     # .eml files dropped here are read as e-mail
    fax_inbox: Path = Path("var/inbox/fax")
    edi_inbox: Path = Path("var/inbox/edi")
    archive: Path = Path("var/archive")           # taken files, by date
    export: Path = Path("var/export")             # ERP import files
    maildir: Path = Path("var/maildir")           # outgoing mail when no SMTP host is set
    edi_outbound: Path = Path("var/outbound/edi") # acknowledgements for partners
    catalog: Path = Path("examples/catalog")      # catalog bundle loaded at start


@dataclass(frozen=True, slots=True)
class Thresholds:
    parse_timeout_seconds: float = 60.0
    parse_memory_mb: int = 2048
    outbox_max_attempts: int = 8          # then the row is dead and staff are told
    outbox_backoff_seconds: float = 5.0   # first retry wait; doubles each time, capped at an hour
    stable_seconds: float = 2.0           # a dropped file is taken once unchanged this long
    folder_poll_seconds: float = 1.0
    claim_stale_seconds: float = 600.0    # a claim older than this (dead worker) is released
    outbox_threads: int = 4               # outbox rows delivered at once (mail, EDI acks, ERP files)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = "sqlite:///var/orderdesk.db"
    workers: int = 2
    staff_emails: tuple[str, ...] = ()    # who gets anomaly mails
    query_customers: bool = False         # also ask customers about what only they can answer
    company_name: str = "orderdesk"
    review_url: str = "http://127.0.0.1:8080/"
    http_host: str = "127.0.0.1"          # /healthz and /metrics
    http_port: int = 9108
    bus_dir: Path = Path("var/run")       # ipc:// sockets of the zmq bus
    timezone: str = "Asia/Shanghai"       # local time in mails and the UI
    node: str = ""                        # this node's name ("" = the host name)
    mode: str = "live"                    # live | shadow (nothing leaves for customers, partners, ERP)
    paths: Paths = field(default_factory=Paths)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    erp: ErpSettings = field(default_factory=ErpSettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    k3cloud: K3CloudSettings = field(default_factory=K3CloudSettings)
    catalog: CatalogSettings = field(default_factory=CatalogSettings)
    workdays: WorkdaySettings = field(default_factory=WorkdaySettings)
    money: MoneySettings = field(default_factory=MoneySettings)
    imap: tuple[ImapAccount, ...] = ()


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `path` (TOML; None or a missing default file means all defaults) and `env`."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"the configuration file {path} does not exist.")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path} is not valid TOML: {e}.")
    if env.get("ORDERDESK_DB"):
        data["database_url"] = env["ORDERDESK_DB"]
    settings = _build(Settings, data, "")
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    """Values a type alone cannot check: the mode, the calendar and money terms, and the IMAP
    first-contact dates."""
    if settings.mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, not {settings.mode!r}.")
    if settings.catalog.source not in CATALOG_SOURCES:
        raise ConfigError(f"catalog.source must be one of {', '.join(CATALOG_SOURCES)}, "
                          f"not {settings.catalog.source!r}.")
    if settings.catalog.source == "k3cloud" and not settings.k3cloud.enabled:
        raise ConfigError("catalog.source is \"k3cloud\" but k3cloud.server_url is not set.")
    try:
        build_terms(settings.workdays, settings.money)
    except ValueError as e:
        raise ConfigError(str(e))
    for account in settings.imap:
        if account.since:
            try:
                date.fromisoformat(account.since)
            except ValueError:
                raise ConfigError(f"imap {account.name}: since must be a date like 2026-12-01, "
                                  f"not {account.since!r}.")


def _build(cls: type, data: Mapping[str, Any], where: str) -> Any:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where or 'the file'} must be a table.")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting {where}{unknown[0]}.")
    values = {name: _value(known[name], data[name], f"{where}{name}") for name in data}
    return cls(**values)


def _value(f, raw: Any, where: str) -> Any:
    default = f.default if f.default is not f.default_factory else None
    kind = f.type if not isinstance(f.type, str) else f.type
    if f.name == "imap":
        if not isinstance(raw, list):
            raise ConfigError(f"{where} must be a list of [[imap]] tables.")
        return tuple(_build(ImapAccount, item, f"{where}[{i}].") for i, item in enumerate(raw))
    if "tuple[tuple[str, str]" in str(f.type):  # a small table (money.rates, erp.currency_numbers)
        if not isinstance(raw, Mapping) or any(isinstance(v, (Mapping, list, bool)) for v in raw.values()):
            raise ConfigError(f"{where} must be a table of names and values, like {{ USD = \"7.10\" }}.")
        return tuple((str(key), str(value)) for key, value in raw.items())
    sections = (Paths, SmtpSettings, ErpSettings, Thresholds, ReviewSettings, K3CloudSettings, CatalogSettings,
                WorkdaySettings, MoneySettings)
    sub = {cls.__name__: cls for cls in sections}.get(str(kind))  # a section, by its type
    if sub is not None:
        return _build(sub, raw, f"{where}.")
    return _scalar(kind, default, raw, where)


def _scalar(kind: Any, default: Any, raw: Any, where: str) -> Any:
    text = str(kind)
    if "Path" in text:
        return Path(str(raw))
    if "tuple" in text:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            raise ConfigError(f"{where} must be a list.")
        return tuple(str(x) for x in raw)
    if text in ("bool", "<class 'bool'>"):
        if not isinstance(raw, bool):
            raise ConfigError(f"{where} must be true or false.")
        return raw
    if text in ("int", "<class 'int'>", "float", "<class 'float'>"):
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ConfigError(f"{where} must be a number.")
        return int(raw) if "int" in text else float(raw)
    if not isinstance(raw, str):
        raise ConfigError(f"{where} must be a string.")
    return raw


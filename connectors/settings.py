"""Settings of the mail connectors (IMAP accounts, the SMTP server) and the secrets they name.

They live beside the connectors they configure, so `connectors/` needs nothing from
`daemon/`; `daemon.config` composes them into `Settings` and reads them from the TOML file.
Secrets never sit in these objects: they name an environment variable or a systemd credential.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ImapAccount:
    name: str
    host: str
    port: int = 993
    security: str = "tls"                 # tls | starttls | none (none only for loopback tests)
    username: str = ""
    password_env: str = ""                # environment variable holding the password
    password_credential: str = ""         # or a systemd credential name
    oauth2_token_env: str = ""            # XOAUTH2 access token instead of a password
    oauth2_token_credential: str = ""     # or a systemd credential holding that token
    folders: tuple[str, ...] = ("INBOX",)
    processed_folder: str = "orderdesk/processed"   # where read messages go ("" = flag them instead)
    processed_flag: str = "$OrderdeskDone"
    idle: bool = True
    poll_seconds: float = 60.0
    silence_alert_seconds: float = 3600.0  # alert when the server has not answered this long
    tls_verify: bool = True               # check the server certificate; false only for 127.0.0.1 tests
    since: str = ""                       # first contact: also take mail from this date (YYYY-MM-DD)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = ""                        # empty: write outgoing mail to paths.maildir instead
    port: int = 587
    security: str = "starttls"            # tls | starttls | none
    username: str = ""
    password_env: str = ""
    password_credential: str = ""
    sender: str = "orderdesk@localhost"   # From: of every mail orderdesk sends
    timeout_seconds: float = 30.0
    tls_verify: bool = True               # as ImapAccount.tls_verify: false only for 127.0.0.1 tests


def secret(env_name: str, credential: str, env: Mapping[str, str] | None = None) -> str:
    """A password or token: from the named environment variable, else the systemd credential."""
    env = os.environ if env is None else env
    if env_name and env.get(env_name):
        return env[env_name]
    if credential and env.get("CREDENTIALS_DIRECTORY"):
        cred = Path(env["CREDENTIALS_DIRECTORY"]) / credential
        if cred.is_file():
            return cred.read_text(encoding="utf-8").strip()
    return ""


def node_name(configured: str = "") -> str:
    """This node's name: the configured `node`, else the host name.

    It names the node's workers, outbox sender and mailbox leases, so when several nodes
    share one database each must have its own name.
    """
    return configured.strip() or socket.gethostname()


@dataclass(frozen=True, slots=True)
class K3CloudSettings:
    """`[k3cloud]`: the K3 Cloud WebAPI (third-party system login). Empty `server_url` = not used:
    accepted orders go out as import files and the catalog comes from the bundle folder."""

    server_url: str = ""                  # e.g. https://erp.example.com/k3cloud/
    acct_id: str = ""                     # the data centre (账套) id
    user_name: str = ""                   # the integration user
    app_id: str = ""                      # the third-party application id, "<client id>_<code>"
    app_secret_env: str = ""              # environment variable holding the app secret
    app_secret_credential: str = ""       # or a systemd credential name
    lcid: int = 2052                      # language of K3's messages (2052 = Simplified Chinese)
    org_num: int = 0                      # organisation number when several are enabled (0 = default)
    ca_file: str = ""                     # a PEM bundle for an in-house certificate authority
    timeout_seconds: float = 30.0
    auto_submit_audit: bool = False       # Save with IsAutoSubmitAndAudit (submitted and audited at once)
    page_size: int = 2000                 # rows per ExecuteBillQuery page
    write_customer_items: bool = True     # learned customer item codes saved as SAL_CustMatMapping
    fields: tuple[str, ...] = ()          # K3 field keys read for catalog columns, e.g.
                                          # ["materials.FPackQty = FIncreaseQty"] (README)

    @property
    def enabled(self) -> bool:
        return bool(self.server_url.strip())


CATALOG_SOURCES = ("bundle", "k3cloud")


@dataclass(frozen=True, slots=True)
class CatalogSettings:
    """`[catalog]`: where the catalog comes from. "bundle" loads `paths.catalog` at start;
    "k3cloud" reads it from K3 Cloud (`[k3cloud]`) at start when none is loaded, and again every
    `sync_minutes` (0 = only by `orderdesk catalog sync`)."""

    source: str = "bundle"
    sync_minutes: float = 60.0

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

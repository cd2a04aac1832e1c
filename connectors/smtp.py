"""Sending mail over SMTP (TLS, STARTTLS or plain on loopback), with errors mapped at the edge.

A 4xx reply, a dropped connection or a timeout is a TransientError (try again later); a 5xx
reply (rejected recipient, failed authentication, refused message) is a PermanentError.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage

from connectors.errors import PermanentError, TransientError
from daemon.config import SmtpSettings, secret

log = logging.getLogger(__name__)


class SmtpTransport:
    """One connection per send: simple, and nothing half-open lingers between outbox batches."""

    def __init__(self, settings: SmtpSettings, *, env: Mapping[str, str] | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.password = secret(settings.password_env, settings.password_credential, env)
        self.ssl_context = ssl_context

    def send(self, msg: EmailMessage, recipients: list[str]) -> None:
        """Deliver `msg` to `recipients` with the configured sender as envelope from."""
        try:
            with self._connect() as client:
                refused = client.send_message(msg, from_addr=self.settings.sender,
                                              to_addrs=recipients)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refusal(exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, timeouts, refused sockets
            raise TransientError(f"SMTP {self.settings.host}:{self.settings.port}: {exc}") from exc
        if refused:
            # Some recipients took it; retrying would send them a second copy, so only log.
            log.warning("smtp: some recipients refused msg=%s: %s", msg.get("Message-ID"), refused)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security in ("tls", "starttls") and self.ssl_context is None:
            # Made once: loading the system CA store costs ~25 ms, more than a loopback send.
            self.ssl_context = ssl.create_default_context()
        context = self.ssl_context
        if s.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds,
                                                    context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        try:
            if s.security == "starttls":
                client.starttls(context=context)
            if s.username:
                client.login(s.username, self.password)
        except BaseException:
            client.close()
            raise
        return client


def _by_code(code: int, text: bytes | str) -> Exception:
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    message = f"SMTP {code} {reply}".strip()
    return TransientError(message) if 400 <= code < 500 or code < 400 else PermanentError(message)


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> Exception:
    """All recipients refused: permanent only if every refusal was a 5xx."""
    codes = [code for code, _ in recipients.values()]
    text = "; ".join(f"{rcpt}: {code} {err.decode('utf-8', 'replace')}"
                     for rcpt, (code, err) in recipients.items())
    if codes and all(code >= 500 for code in codes):
        return PermanentError(f"SMTP refused every recipient: {text}")
    return TransientError(f"SMTP refused the recipients for now: {text}")

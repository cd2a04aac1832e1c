"""Sending mail over SMTP (TLS, STARTTLS or plain on loopback), with errors mapped at the edge.

A 4xx reply, a dropped connection or a timeout is a TransientError (try again later); a 5xx
reply (rejected recipient, failed authentication, refused message) is a PermanentError, and
so is a server whose certificate does not verify or that does not offer the STARTTLS (or AUTH)
we were told to use: retrying cannot mend those, a person must, so the row dies at once with
the reason in the staff alert instead of being retried for an hour. Nothing is ever sent in
plain text when TLS was configured.
Connections are reused: each send borrows an idle one (or opens one) and gives it back after
a success; any error closes it. `close()` ends the idle ones when a busy spell is over.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Mapping
from email.message import EmailMessage

from connectors.errors import ConfigError, PermanentError, TransientError
from connectors.settings import SmtpSettings, secret

log = logging.getLogger(__name__)

SECURITIES = ("tls", "starttls", "none")
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

CHECK_IDLE_AFTER_S = 2.0   # an idle connection older than this is probed (NOOP) before reuse


class SmtpTransport:
    """Sends over pooled connections, one per concurrent sender thread; thread-safe."""

    def __init__(self, settings: SmtpSettings, *, env: Mapping[str, str] | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if settings.security not in SECURITIES:
            # Anything else used to mean plain text: a typo must not turn TLS off.
            raise ConfigError(f"smtp.security must be one of {', '.join(SECURITIES)}, "
                              f"not {settings.security!r}.")
        if not settings.tls_verify and settings.host not in LOOPBACK:
            raise ConfigError("smtp.tls_verify = false is allowed only for a 127.0.0.1 test server.")
        self.settings = settings
        self.password = secret(settings.password_env, settings.password_credential, env)
        self.ssl_context = ssl_context
        self._idle: list[tuple[smtplib.SMTP, float]] = []
        self._lock = threading.Lock()

    def send(self, msg: EmailMessage, recipients: list[str]) -> None:
        """Deliver `msg` to `recipients` with the configured sender as envelope from."""
        client = None
        try:
            client = self._borrow()
            refused = client.send_message(msg, from_addr=self.settings.sender, to_addrs=recipients)
            self._give_back(client)
            client = None
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refusal(exc.recipients) from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPNotSupportedError as exc:  # no STARTTLS or AUTH offered
            raise PermanentError(f"SMTP {self._where()}: {exc} Nothing was sent "
                                 f"(security = {self.settings.security}).") from exc
        except ssl.SSLCertVerificationError as exc:
            raise PermanentError(f"SMTP {self._where()}: the server's TLS certificate is not "
                                 f"trusted ({exc.verify_message}); nothing was sent.") from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, timeouts, refused sockets
            raise TransientError(f"SMTP {self._where()}: {exc}") from exc
        finally:
            if client is not None:  # it failed: the connection's state is unknown, drop it
                client.close()
        if refused:
            # Some recipients took it; retrying would send them a second copy, so only log.
            log.warning("smtp: some recipients refused msg=%s: %s", msg.get("Message-ID"), refused)

    def close(self) -> None:
        """Say QUIT on every idle connection (the next send opens a new one)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for client, _ in idle:
            _quit(client)

    def _borrow(self) -> smtplib.SMTP:
        """An idle connection that still answers, else a new one."""
        while True:
            with self._lock:
                if not self._idle:
                    break
                client, since = self._idle.pop()
            if time.monotonic() - since < CHECK_IDLE_AFTER_S or _answers(client):
                return client
            client.close()
        return self._connect()

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _give_back(self, client: smtplib.SMTP) -> None:
        with self._lock:
            self._idle.append((client, time.monotonic()))

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security in ("tls", "starttls") and self.ssl_context is None:
            # Made once: loading the system CA store costs ~25 ms, more than a loopback send.
            self.ssl_context = tls_context(s)
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


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Verifying TLS; `tls_verify = false` is accepted only for a loopback test server."""
    context = ssl.create_default_context()
    if not settings.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _answers(client: smtplib.SMTP) -> bool:
    try:
        return client.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


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

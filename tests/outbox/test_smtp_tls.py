"""SmtpTransport against real TLS servers on loopback: STARTTLS, implicit TLS, AUTH, refusals.

The sinks use a throwaway certificate for 127.0.0.1; the transport trusts it only when given
a context built from that certificate, as a deployment would trust its relay's CA.
"""
from __future__ import annotations

import time
from email.message import EmailMessage

import pytest

from connectors.errors import PermanentError
from connectors.smtp import SmtpTransport
from connectors.errors import ConfigError
from connectors.settings import SmtpSettings
from tests.fixtures.smtp_sink import SMTP_USER

PASSWORD = "c0rrect horse"
ENV = {"ORDERDESK_SMTP_PASSWORD": PASSWORD}


def order_mail(subject: str = "PO 4711 confirmed") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "orderdesk@example.com", "buyer@example.com", subject
    msg.set_content("Your order is confirmed.")
    return msg


def transport_for(sink, security: str, *, env=ENV, trusted: bool = True, **settings) -> SmtpTransport:
    smtp = SmtpSettings(host=sink.host, port=sink.port, security=security, username=SMTP_USER,
                        password_env="ORDERDESK_SMTP_PASSWORD", sender="orderdesk@example.com",
                        timeout_seconds=5.0, **settings)
    return SmtpTransport(smtp, env=env, ssl_context=sink.client_ssl_context() if trusted else None)


def test_starttls_with_auth_delivers(make_smtp_sink):
    """Given a server that requires STARTTLS then AUTH, the password from the environment logs in."""
    sink = make_smtp_sink(security="starttls", password=PASSWORD)
    transport = transport_for(sink, "starttls")
    transport.send(order_mail(), ["buyer@example.com"])
    transport.send(order_mail("second, same connection"), ["buyer@example.com"])
    transport.close()
    got = sink.wait_for(2)
    assert [r.message["Subject"] for r in got] == ["PO 4711 confirmed", "second, same connection"]
    assert got[0].mail_from == "orderdesk@example.com" and got[0].rcpt_tos == ["buyer@example.com"]
    assert (sink.auth.logins, sink.auth.failures) == (1, 0)


def test_implicit_tls_with_auth_delivers(make_smtp_sink):
    """Given an SMTPS server (TLS from the first byte), security = tls delivers."""
    sink = make_smtp_sink(security="tls", password=PASSWORD)
    transport = transport_for(sink, "tls")
    transport.send(order_mail(), ["buyer@example.com"])
    transport.close()
    assert [r.message["Subject"] for r in sink.wait_for(1)] == ["PO 4711 confirmed"]
    assert sink.auth.logins == 1


def test_wrong_password_is_permanent(make_smtp_sink):
    """A 535 from AUTH will not change by retrying: PermanentError, and nothing is received."""
    sink = make_smtp_sink(security="starttls", password=PASSWORD)
    transport = transport_for(sink, "starttls", env={"ORDERDESK_SMTP_PASSWORD": "wrong"})
    with pytest.raises(PermanentError, match="535"):
        transport.send(order_mail(), ["buyer@example.com"])
    assert sink.auth.failures >= 1 and sink.received == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_untrusted_certificate_is_refused_at_once(make_smtp_sink, security):
    """With the default (system) trust store, a self-signed certificate is refused.

    Permanent, not transient: only a person can mend trust (a CA, a host name), so the row dies
    now with the reason instead of being retried; the password is never sent."""
    sink = make_smtp_sink(security=security, password=PASSWORD)
    transport = transport_for(sink, security, trusted=False)
    with pytest.raises(PermanentError, match="certificate is not trusted.*self.signed"):
        transport.send(order_mail(), ["buyer@example.com"])
    assert sink.auth.failures == 0 and sink.received == []


def test_server_without_starttls_is_refused_never_plain(make_smtp_sink):
    """security = starttls against a server offering no STARTTLS: refused, nothing sent in clear."""
    sink = make_smtp_sink(security="none")
    transport = transport_for(sink, "starttls")
    with pytest.raises(PermanentError, match="STARTTLS"):
        transport.send(order_mail(), ["buyer@example.com"])
    time.sleep(0.1)
    assert sink.received == []


def test_verification_off_works_only_on_loopback(make_smtp_sink):
    """tls_verify = false reaches the 127.0.0.1 sink, and is a configuration error elsewhere."""
    sink = make_smtp_sink(security="starttls", password=PASSWORD)
    transport = transport_for(sink, "starttls", trusted=False, tls_verify=False)
    transport.send(order_mail(), ["buyer@example.com"])
    transport.close()
    assert len(sink.wait_for(1)) == 1
    with pytest.raises(ConfigError, match="tls_verify"):
        SmtpTransport(SmtpSettings(host="smtp.example.com", tls_verify=False), env={})


def test_unknown_security_is_a_config_error():
    """A misspelt security value must not silently mean plain text."""
    with pytest.raises(ConfigError, match="smtp.security"):
        SmtpTransport(SmtpSettings(host="smtp.example.com", security="ssl"), env={})

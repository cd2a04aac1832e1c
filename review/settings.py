"""The `[review]` settings section: where the desk listens and how it treats its sessions.

It lives beside the desk, so `review/` needs nothing from `daemon/`; `daemon.config`
composes it into `Settings`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    enabled: bool = True                  # serve the desk as part of `orderdesk run`
    host: str = "127.0.0.1"               # behind the company's reverse proxy in production
    port: int = 8080
    session_hours: float = 12.0           # a session ends this long after sign-in
    secure_cookies: bool = False          # always mark cookies Secure (served over TLS)
    trust_proxy_headers: bool = False     # believe X-Forwarded-Proto/-For from the reverse proxy
    signin_failures_per_minute: int = 10  # wrong passwords for one name (5x for one address)
    event_poll_seconds: float = 5.0       # the queue's live updates look at the database this often

"""What every page of the desk shares: the `Desk` (settings, engine, templates), the signed-in
user of a request, rendering in the user's language, the CSRF check and the admin check.
"""
from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine

from review.auth import same_token
from review.i18n import pick_language, translate
from review.originals import PageRenderer
from review.phrases import english_title, say_text
from review.sentences import say
from review.settings import ReviewSettings
from store.users import SignedIn

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "od_session"
SIGNIN_COOKIE = "od_signin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class DeskSettings(Protocol):
    """The settings the desk reads; `daemon.config.Settings` satisfies it."""

    @property
    def review(self) -> ReviewSettings: ...
    @property
    def timezone(self) -> str: ...
    @property
    def company_name(self) -> str: ...


@dataclass(frozen=True)
class Desk:
    """Everything a page needs besides its request, built once by `review.app.factory`."""

    settings: DeskSettings
    engine: Engine
    templates: Jinja2Templates
    zone: ZoneInfo
    signin_style: str          # the sign-in page's stylesheet, inline: no file is served before sign-in
    pages: PageRenderer = field(default_factory=PageRenderer)   # PDF and fax pages, drawn in sandboxes
    # Waits up to the given seconds for news from the daemon's bus (True when it came);
    # without a bus the live updates simply poll.
    wait_for_news: Callable[[float], bool] = field(default=lambda seconds: time.sleep(seconds) or False)
    reprocess: Callable[..., str] | None = None   # review.actions.Reprocessor: read a document again

    @property
    def signin_style_hash(self) -> str:
        digest = hashlib.sha256(self.signin_style.encode("utf-8")).digest()
        return "sha256-" + base64.b64encode(digest).decode("ascii")

    def local(self, moment: datetime | None) -> str:
        """A stored UTC time in the configured time zone, for people."""
        return "" if moment is None else moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class PageRoute:
    """One route of the desk; `admin` routes give clerks 403. Every route's form posts are
    CSRF-checked (review.app adds the check)."""

    path: str
    endpoint: Callable[..., Any]
    method: str = "GET"
    admin: bool = False


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    from review.handling import HANDLE_STATES, REJECT_STATES
    from review.learning import name_hints  # the case page's "remember this name" offers these

    templates.env.globals["name_hints"] = name_hints
    templates.env.globals.update(handle_states=HANDLE_STATES, reject_states=REJECT_STATES)
    return templates


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


def signed_in(request: Request) -> SignedIn:
    """The session of this request (the guard let it through, so there is one)."""
    return request.state.signed_in


def language_of(request: Request) -> str:
    signed = getattr(request.state, "signed_in", None)
    if signed is not None:
        return pick_language(signed.account.language)
    return pick_language(request.headers.get("accept-language"))


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """Render a template in the user's language, with the user and their CSRF token at hand."""
    desk = desk_of(request)
    language = language_of(request)
    signed = getattr(request.state, "signed_in", None)
    values = {"lang": language, "t": lambda key: translate(key, language), "local": desk.local,
              "say": lambda anomaly: say(anomaly, language),
              "tell": lambda text: say_text(text, language), "english": lambda text: english_title(text, language),
              "local_iso": lambda text: desk.local(datetime.fromisoformat(text)) if text else "",
              "me": signed.account if signed else None, "csrf": signed.csrf_token if signed else "",
              "company": desk.settings.company_name, **(context or {})}
    return desk.templates.TemplateResponse(request, name, values, status_code=status_code)


async def check_csrf(request: Request) -> None:
    """Refuse a form post whose `csrf` field is missing or not this session's token."""
    signed = getattr(request.state, "signed_in", None)
    if request.method in SAFE_METHODS or signed is None:
        return  # the sign-in form, the one public form, checks its own token (review.account)
    form = await request.form()
    sent = form.get("csrf") or request.headers.get("x-csrf-token")
    if not same_token(str(sent) if sent else None, signed.csrf_token):
        raise HTTPException(status_code=403, detail="csrf_failed")


def require_admin(request: Request) -> None:
    """Admin pages: a clerk gets 403."""
    if not signed_in(request).account.is_admin:
        raise HTTPException(status_code=403, detail="forbidden")


def client_address(request: Request) -> str:
    """The browser's address; behind a trusted proxy, the first X-Forwarded-For entry."""
    if desk_of(request).settings.review.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "unknown"


def is_secure(request: Request) -> bool:
    """Served over TLS, directly or (when trusted) as the reverse proxy says."""
    review = desk_of(request).settings.review
    if review.secure_cookies or request.url.scheme == "https":
        return True
    return review.trust_proxy_headers and request.headers.get("x-forwarded-proto", "").lower() == "https"

"""Passwords, sign-in and sessions of the review desk.

Passwords are hashed with argon2 (argon2-cffi) and never leave this module in clear text:
not in logs, not in the database. A session cookie is a random token; the database keeps
only its sha256, with the session's CSRF token beside it. Sign-in is refused, whatever the
password, once a user name (or an address) has collected too many wrong passwords within
the last minute; the count lives in the database so every node and restart sees it.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from store import users
from store.users import Account

log = logging.getLogger(__name__)

HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked when the name is unknown, so an unknown name costs the same time as a wrong password.
    Made at the first sign-in, not at import: every CLI command imports this module, and one
    argon2 hash costs about a second of CPU."""
    return HASHER.hash("not a password anyone has")


ADDRESS_FACTOR = 5          # an address may fail this many times the per-name limit (an office NAT)
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """The argon2 hash stored for `password`."""
    return HASHER.hash(password)


def one_time_password() -> str:
    """A random password to print once; the user sets their own at the first sign-in."""
    return secrets.token_urlsafe(12)


def password_problem(password: str) -> str | None:
    """Why a chosen password is refused, or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session cookie."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; a missing one never matches."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


@dataclass(frozen=True, slots=True)
class SignInResult:
    """An account when the password was right, else `refused`: "wrong" or "too_many"."""

    account: Account | None = None
    refused: str = ""


def sign_in(session: Session, name: str, password: str, *, remote: str, now: datetime,
            limit: int) -> SignInResult:
    """Check a name and password, counting wrong ones and refusing while there were too many."""
    by_name, by_address = users.recent_failures(session, name=name, remote=remote,
                                                since=now - timedelta(minutes=1))
    if by_name >= limit or by_address >= limit * ADDRESS_FACTOR:
        log.warning("sign-in refused for user=%s from %s: too many wrong passwords in a minute", name, remote)
        return SignInResult(refused="too_many")
    found = users.find_user(session, name)
    account, stored = found if found is not None else (None, _dummy_hash())
    if not _verify(stored, password) or account is None or account.disabled:
        users.record_failure(session, name, remote, now)
        log.info("sign-in failed for user=%s from %s", name, remote)
        return SignInResult(refused="wrong")
    if HASHER.check_needs_rehash(stored):
        users.set_password(session, name, hash_password(password), one_time=account.must_change_password)
    log.info("user=%s signed in from %s", name, remote)
    return SignInResult(account=account)


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def open_session(session: Session, account: Account, *, now: datetime, hours: float) -> str:
    """A new session for `account`; returns the cookie token (kept nowhere else)."""
    token = new_token()
    users.open_session(session, account.id, token_hash(token), secrets.token_urlsafe(32),
                       now=now, lifetime=timedelta(hours=hours))
    return token

"""The review desk's users, sessions and failed sign-ins: the SQL behind `orderdesk user` and
the desk's sign-in.

Passwords arrive here already hashed (review.auth hashes them); session tokens arrive as
their sha256, so a copy of the database opens no browser session. Functions that write
commit their own transaction. Times are passed in, tz-aware UTC.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import SigninFailure, User, UserRole, WebSession

USERS = User.__table__
SESSIONS = WebSession.__table__
FAILURES = SigninFailure.__table__
ROLES = (UserRole.CLERK, UserRole.ADMIN)


class UserError(Exception):
    """A user command that cannot be done (unknown name, name taken, bad role): one sentence."""


@dataclass(frozen=True, slots=True)
class Account:
    """A user as the desk sees it (no password hash)."""

    id: int
    name: str
    role: str
    disabled: bool
    must_change_password: bool
    language: str

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: whose it is and the CSRF token its forms carry."""

    account: Account
    csrf_token: str
    expires_at: datetime


def _account(row: sa.Row) -> Account:
    return Account(row.id, row.name, row.role, row.disabled, row.must_change_password, row.language)


def add_user(session: Session, name: str, role: str, password_hash: str, *, now: datetime,
             one_time: bool = False, language: str = "zh") -> Account:
    """Create a user; a `one_time` password must be changed at the first sign-in."""
    if role not in ROLES:
        raise UserError(f"the role must be one of {', '.join(ROLES)}, not {role!r}.")
    try:
        session.execute(sa.insert(USERS).values(name=name, role=role, password_hash=password_hash,
                                                must_change_password=one_time, disabled=False,
                                                language=language, created_at=now))
        session.commit()
    except IntegrityError:
        session.rollback()
        raise UserError(f"a user named {name!r} already exists.")
    return _require(session, name)


def find_user(session: Session, name: str) -> tuple[Account, str] | None:
    """The user called `name` and their password hash, or None."""
    row = session.execute(sa.select(USERS).where(USERS.c.name == name)).first()
    return None if row is None else (_account(row), row.password_hash)


def _require(session: Session, name: str) -> Account:
    found = find_user(session, name)
    if found is None:
        raise UserError(f"there is no user named {name!r}.")
    return found[0]


def list_users(session: Session) -> list[Account]:
    """Every user, by name."""
    return [_account(r) for r in session.execute(sa.select(USERS).order_by(USERS.c.name))]


def count_users(session: Session) -> int:
    return session.execute(sa.select(sa.func.count()).select_from(USERS)).scalar_one()


def set_password(session: Session, name: str, password_hash: str, *, one_time: bool = False) -> Account:
    """Replace a user's password hash; their open sessions end (a changed password locks others out)."""
    account = _require(session, name)
    session.execute(sa.update(USERS).where(USERS.c.id == account.id)
                    .values(password_hash=password_hash, must_change_password=one_time))
    session.execute(sa.delete(SESSIONS).where(SESSIONS.c.user_id == account.id))
    session.commit()
    return _require(session, name)


def set_disabled(session: Session, name: str, disabled: bool = True) -> Account:
    """Disable (or enable again) a user; a disabled user's sessions end at once."""
    account = _require(session, name)
    session.execute(sa.update(USERS).where(USERS.c.id == account.id).values(disabled=disabled))
    if disabled:
        session.execute(sa.delete(SESSIONS).where(SESSIONS.c.user_id == account.id))
    session.commit()
    return _require(session, name)


def set_language(session: Session, user_id: int, language: str) -> None:
    """Remember the user's language for every later page."""
    session.execute(sa.update(USERS).where(USERS.c.id == user_id).values(language=language))
    session.commit()


# --- sessions ---------------------------------------------------------------------------------


def open_session(session: Session, user_id: int, token_hash: str, csrf_token: str, *,
                 now: datetime, lifetime: timedelta) -> None:
    """Store a new session; expired ones of anybody are swept out on the way."""
    session.execute(sa.delete(SESSIONS).where(SESSIONS.c.expires_at <= now))
    session.execute(sa.insert(SESSIONS).values(token_hash=token_hash, user_id=user_id, csrf_token=csrf_token,
                                               created_at=now, expires_at=now + lifetime))
    session.commit()


def session_user(session: Session, token_hash: str, now: datetime) -> SignedIn | None:
    """The live session of that token: not expired, and its user not disabled."""
    row = session.execute(
        sa.select(USERS, SESSIONS.c.csrf_token, SESSIONS.c.expires_at)
        .join(SESSIONS, SESSIONS.c.user_id == USERS.c.id)
        .where(SESSIONS.c.token_hash == token_hash, SESSIONS.c.expires_at > now,
               USERS.c.disabled.is_(False))).first()
    return None if row is None else SignedIn(_account(row), row.csrf_token, row.expires_at)


def close_session(session: Session, token_hash: str) -> None:
    session.execute(sa.delete(SESSIONS).where(SESSIONS.c.token_hash == token_hash))
    session.commit()


# --- failed sign-ins --------------------------------------------------------------------------


def record_failure(session: Session, name: str, remote: str, now: datetime) -> None:
    """Note one wrong password; failures older than a day are swept out on the way."""
    session.execute(sa.delete(FAILURES).where(FAILURES.c.at < now - timedelta(days=1)))
    session.execute(sa.insert(FAILURES).values(name=name[:64], remote=remote[:64], at=now))
    session.commit()


def recent_failures(session: Session, *, name: str, remote: str, since: datetime) -> tuple[int, int]:
    """Failed sign-ins since `since`: (for this user name, from this address)."""
    def count(column: sa.Column, value: str) -> int:
        return session.execute(sa.select(sa.func.count()).select_from(FAILURES)
                               .where(column == value, FAILURES.c.at >= since)).scalar_one()

    return count(FAILURES.c.name, name[:64]), count(FAILURES.c.remote, remote[:64])

"""IMAP watcher: every message of a folder into the ledger once, then moved or flagged.

`ImapWatcher` depends only on the small `MailboxLike` protocol; `ImapMailbox` is the real
one over imapclient (TLS, STARTTLS, password or XOAUTH2), `tests/fakes.py` has a fake.
A message is known by (account, folder, UIDVALIDITY, UID) as its `source_ref`, and by its
bytes (the ledger dedupes by sha256, and by Message-ID + hash), so a UIDVALIDITY change
simply rescans the folder and a re-sent copy becomes the same document. The raw message is
committed through `ingest` before the server is told anything; only then is it moved to
the processed folder (or flagged), and only then is the UID recorded in `watch_state`.
"""
from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

import tenacity
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from sqlalchemy.engine import Engine

from connectors.errors import PermanentError, TransientError
from connectors.settings import ImapAccount, secret
from parsers.headers import message_id_of
from store.db import session_scope, utcnow
from store.locks import FolderLock, folder_lock
from store.watch import get_state, save_detail, save_state, touch

log = logging.getLogger(__name__)

IDLE_RENEW_SECONDS = 600.0     # RFC 2177: servers may drop an IDLE after 29 minutes
LOCK_CHECK_SECONDS = 5.0       # how often a folder's lock is checked, or tried by a waiting node
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
SYSTEM_FLAG_SEARCH = {"\\seen": "UNSEEN", "\\flagged": "UNFLAGGED", "\\answered": "UNANSWERED",
                      "\\draft": "UNDRAFT"}

Ingest = Callable[..., tuple[int, bool]]
# alert(watcher key, kind, message): kind is "silent" (no answer too long) or "refused" (login,
# certificate): both need a person. The daemon turns it into a staff mail row.
Alert = Callable[[str, str, str], None]


class MailboxLike(Protocol):
    """The few mailbox operations the watcher needs; raises TransientError/PermanentError."""

    can_idle: bool

    def select(self, folder: str) -> int:
        """Select `folder` and return its UIDVALIDITY."""

    def search_new(self, after_uid: int, *, without_flag: str | None = None,
                   since: date | None = None) -> list[int]:
        """UIDs above `after_uid` (not deleted, without `without_flag` and arrived on or after
        `since` if given), ascending."""

    def fetch(self, uid: int) -> bytes | None:
        """The raw message, or None when it has gone meanwhile."""

    def move(self, uid: int, folder: str) -> None:
        """Move the message to `folder`, creating the folder if missing."""

    def flag(self, uid: int, flag: str) -> None:
        """Add `flag` to the message."""

    def idle_wait(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """Wait in IDLE up to `timeout` s; True when the server announced new mail."""

    def close(self) -> None:
        """Log out, ignoring a dead connection."""


# --- the imapclient adapter ----------------------------------------------------------------


@contextmanager
def mapped_errors(what: str) -> Iterator[None]:
    """Library and socket errors become TransientError (retry) or PermanentError (bad login)."""
    try:
        yield
    except (TransientError, PermanentError):
        raise
    except LoginError as e:
        raise PermanentError(f"{what}: login refused: {e}") from e
    except ssl.SSLCertVerificationError as e:
        raise PermanentError(f"{what}: the server certificate is not trusted: {e}") from e
    except (IMAPClientError, OSError, EOFError) as e:   # ssl.SSLError and timeouts are OSErrors
        raise TransientError(f"{what}: {type(e).__name__}: {e}") from e


class ImapMailbox:
    """MailboxLike over a logged-in IMAPClient; folder names use '/' and are translated."""

    def __init__(self, client: IMAPClient) -> None:
        self._client = client
        with mapped_errors("capabilities"):
            caps = set(client.capabilities())
            self._prefix, self._delimiter = self._namespace(caps)
        self.can_idle = b"IDLE" in caps
        self._can_move = b"MOVE" in caps
        self._uidplus = b"UIDPLUS" in caps
        self._known_folders: set[str] = set()

    def _namespace(self, caps: set[bytes]) -> tuple[str, str]:
        if b"NAMESPACE" in caps:
            personal = self._client.namespace().personal
            if personal:
                return personal[0][0] or "", personal[0][1] or "/"
        folders = self._client.list_folders("", "INBOX")
        return "", (folders[0][1].decode() if folders and folders[0][1] else "/")

    def server_name(self, folder: str) -> str:
        """`folder` as this server spells it: its separator and personal namespace prefix."""
        if folder.upper() == "INBOX":
            return "INBOX"
        name = folder.replace("/", self._delimiter)
        if self._prefix and not name.startswith(self._prefix):
            name = self._prefix + name
        return name

    def select(self, folder: str) -> int:
        with mapped_errors(f"SELECT {folder}"):
            return int(self._client.select_folder(self.server_name(folder))[b"UIDVALIDITY"])

    def search_new(self, after_uid: int, *, without_flag: str | None = None,
                   since: date | None = None) -> list[int]:
        criteria: list[object] = ["UID", f"{after_uid + 1}:*", "UNDELETED"]
        if without_flag:
            system = SYSTEM_FLAG_SEARCH.get(without_flag.lower())
            criteria += [system] if system else ["UNKEYWORD", without_flag]
        if since is not None:
            criteria += ["SINCE", since]
        with mapped_errors("SEARCH"):
            found = self._client.search(criteria)
        # "n:*" always matches the newest message, even below n.
        return sorted(uid for uid in found if uid > after_uid)

    def fetch(self, uid: int) -> bytes | None:
        with mapped_errors(f"FETCH {uid}"):
            response = self._client.fetch([uid], ["BODY.PEEK[]"])
        return response.get(uid, {}).get(b"BODY[]")

    def move(self, uid: int, folder: str) -> None:
        target = self.server_name(folder)
        with mapped_errors(f"MOVE {uid} to {folder}"):
            self._ensure_folder(target)
            if self._can_move:
                self._client.move([uid], target)
                return
            self._client.copy([uid], target)
            self._client.add_flags([uid], [b"\\Deleted"])
            if self._uidplus:
                self._client.uid_expunge([uid])
            else:
                self._client.expunge()

    def _ensure_folder(self, name: str) -> None:
        if name in self._known_folders:
            return
        if not self._client.folder_exists(name):
            self._client.create_folder(name)
            self._client.subscribe_folder(name)
        self._known_folders.add(name)

    def flag(self, uid: int, flag: str) -> None:
        with mapped_errors(f"STORE {uid} +{flag}"):
            self._client.add_flags([uid], [flag])

    def idle_wait(self, timeout: float, should_stop: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + timeout
        with mapped_errors("IDLE"):
            self._client.idle()
            try:
                while not should_stop() and time.monotonic() < deadline:
                    if self._idle_slice(min(1.0, max(0.01, deadline - time.monotonic()))):
                        return True
                return False
            finally:
                self._client.idle_done()

    def _idle_slice(self, seconds: float) -> bool:
        started = time.monotonic()
        responses = self._client.idle_check(timeout=seconds)
        for response in responses:
            if len(response) >= 2 and response[0] == b"BYE":
                raise TransientError(f"server said BYE during IDLE: {response[1]!r}")
        if not responses and time.monotonic() - started < seconds / 2:
            # imapclient returns nothing at once when the peer closed the socket.
            raise TransientError("connection closed during IDLE")
        return any(len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in responses)

    def close(self) -> None:
        if not _quietly(self._client.logout):
            _quietly(self._client.shutdown)


def _quietly(call: Callable[[], object]) -> bool:
    """Call, ignoring failures: used only on connections being thrown away anyway."""
    try:
        call()
        return True
    except Exception:  # noqa: BLE001 - a dead connection has nothing more to tell
        return False


def tls_context(account: ImapAccount) -> ssl.SSLContext:
    """Verifying TLS; `tls_verify = false` is accepted only for a loopback test server."""
    context = ssl.create_default_context()
    if not account.tls_verify:
        _require_loopback(account, "tls_verify = false")
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _require_loopback(account: ImapAccount, what: str) -> None:
    if account.host not in LOOPBACK:
        raise PermanentError(f"IMAP account {account.name}: {what} is allowed only for 127.0.0.1")


def imap_connect(
    account: ImapAccount, *, ssl_context: ssl.SSLContext | None = None,
    timeout: float = 10.0, env: Mapping[str, str] | None = None,
) -> ImapMailbox:
    """Connect (tls | starttls | none), log in with XOAUTH2 or a password, return the adapter.

    `timeout` bounds each socket wait, and so how long a stop can wait on a dead server."""
    if account.security not in ("tls", "starttls", "none"):
        raise PermanentError(f"IMAP account {account.name}: unknown security {account.security!r}")
    if account.security == "none":
        _require_loopback(account, "security = none")
    context = ssl_context or tls_context(account)
    with mapped_errors(f"connect {account.host}:{account.port}"):
        client = IMAPClient(account.host, port=account.port, ssl=account.security == "tls",
                            ssl_context=context, timeout=timeout)
        try:
            if account.security == "starttls":
                client.starttls(context)
            _login(client, account, env)
        except BaseException:
            _quietly(client.shutdown)
            raise
    return ImapMailbox(client)


def _login(client: IMAPClient, account: ImapAccount, env: Mapping[str, str] | None) -> None:
    token = secret(account.oauth2_token_env, account.oauth2_token_credential, env)
    if token:
        client.oauth2_login(account.username, token)
        return
    password = secret(account.password_env, account.password_credential, env)
    if not password:
        raise PermanentError(f"IMAP account {account.name}: no password or OAuth2 token configured")
    client.login(account.username, password)


# --- the watcher ---------------------------------------------------------------------------


class ImapWatcher:
    """Takes every new message of one (account, folder) into the ledger, then acknowledges it."""

    def __init__(
        self, account: ImapAccount, *, folder: str, connect: Callable[[], MailboxLike],
        ingest: Ingest, engine: Engine, clock: Callable[[], datetime] = utcnow,
        alert: Alert | None = None, lock: FolderLock | None = None,
        idle_renew_seconds: float = IDLE_RENEW_SECONDS, backoff_max_seconds: float = 60.0,
        backoff_first_seconds: float = 1.0, lock_check_seconds: float = LOCK_CHECK_SECONDS,
    ) -> None:
        self.account = account
        self.folder = folder
        self.key = f"imap:{account.name}:{folder}"
        self._connect = connect
        self._ingest = ingest
        self._engine = engine
        self._clock = clock
        self._alert = alert or (lambda key, kind, message: None)
        self._lock = lock
        self._lock_check_seconds = lock_check_seconds
        self._idle_renew = min(idle_renew_seconds, IDLE_RENEW_SECONDS)
        self._backoff = (backoff_first_seconds, backoff_max_seconds)
        self._mailbox: MailboxLike | None = None
        self._started_at = clock()
        self._alerted = False
        self._refused_alerted = False
        self._served_ok = False

    # -- public loop ------------------------------------------------------------------------

    def run_once(self) -> int:
        """Connect if needed and take every new message; returns how many were taken."""
        borrowed = self._lock is not None and not self._lock.check()
        if borrowed and not self._lock.acquire():
            return 0
        try:
            return self._take_new(self._open())
        except (TransientError, PermanentError):
            self._drop()
            raise
        finally:
            if borrowed:
                self._lock.release()

    def run_forever(self, stop: threading.Event) -> None:
        """Watch until `stop` is set, while this node holds the folder's lock; when the lock is
        lost (its database connection broke) stop watching and wait to take it again."""
        while not stop.is_set():
            with self._folder_lock(stop) as watch:
                if watch is None:
                    return
                self._watch(watch)

    def _watch(self, stop: threading.Event) -> None:
        """IDLE or poll, reconnect with backoff, alert on silence, until `stop` is set."""
        failures = 0
        while not stop.is_set():
            try:
                self._connect_with_backoff(stop)
                self._serve(stop)
            except (TransientError, PermanentError) as e:
                log.warning("imap %s: %s; reconnecting", self.key, e)
            except Exception:  # never stop silently: log, back off, go on
                log.exception("imap %s: unexpected failure; reconnecting", self.key)
            finally:
                self._drop()
            # A server that accepts us and then fails every time must not be hammered.
            failures = 0 if self._served_ok else failures + 1
            self._pause(stop, min(self._backoff[0] * 2 ** failures, self._backoff[1]))

    def check_silence(self) -> bool:
        """Log an ERROR, record it and ring the alert once when the server has been silent too long."""
        with session_scope(self._engine) as session:
            state = get_state(session, self.key)
        last = state.last_contact_at if state and state.last_contact_at else self._started_at
        silent = (self._clock() - last).total_seconds()
        if silent < self.account.silence_alert_seconds or self._alerted:
            return silent >= self.account.silence_alert_seconds
        message = (f"IMAP account {self.account.name} folder {self.folder}: no answer from "
                   f"{self.account.host} for {silent:.0f} s (since {last.isoformat()})")
        log.error(message)
        with session_scope(self._engine) as session:
            save_detail(session, self.key, {"alert": "silent", "silent_since": last.isoformat()})
        self._alerted = True
        self._alert(self.key, "silent", message)
        return True

    # -- connection -------------------------------------------------------------------------

    def _open(self) -> MailboxLike:
        if self._mailbox is None:
            self._mailbox = self._connect()
            self._contact()
        return self._mailbox

    def _drop(self) -> None:
        if self._mailbox is not None:
            self._mailbox.close()
            self._mailbox = None

    def _connect_with_backoff(self, stop: threading.Event) -> None:
        first, cap = self._backoff
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type((TransientError, PermanentError)),
            wait=tenacity.wait_exponential(multiplier=first, max=cap),
            stop=lambda _state: stop.is_set(),
            sleep=lambda seconds: self._pause(stop, seconds),
            before_sleep=self._connect_failed,
            reraise=True,
        )
        retrying(self._open_and_select)

    def _connect_failed(self, state: tenacity.RetryCallState) -> None:
        """Log a failed connection; a refused login or certificate needs a person: ERROR + alert."""
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        if not isinstance(error, PermanentError):
            log.warning("imap %s: cannot connect (%s); retrying in %.1f s", self.key, error, wait)
            return
        log.error("imap %s: %s; retrying in %.1f s", self.key, error, wait)
        if not self._refused_alerted:
            self._refused_alerted = True
            self._alert(self.key, "refused",
                        f"IMAP account {self.account.name} folder {self.folder}: {error}")

    def _open_and_select(self) -> None:
        self._drop()
        self._open().select(self.folder)

    def _pause(self, stop: threading.Event, seconds: float) -> None:
        self.check_silence()
        stop.wait(seconds)

    # -- work -------------------------------------------------------------------------------

    def _serve(self, stop: threading.Event) -> None:
        self._served_ok = False
        while not stop.is_set():
            mailbox = self._open()
            taken = self._take_new(mailbox, stop)
            self._served_ok = True
            if stop.is_set():
                return
            if taken:
                # Mail that arrived while we took these was announced during our commands, not
                # in the IDLE to come: look again first, or it would wait for the IDLE timeout.
                continue
            if self.account.idle and mailbox.can_idle:
                mailbox.idle_wait(min(self._idle_renew, self.account.poll_seconds), stop.is_set)
                self._contact()
            else:
                self._pause(stop, self.account.poll_seconds)

    def _take_new(self, mailbox: MailboxLike, stop: threading.Event | None = None) -> int:
        uidvalidity = mailbox.select(self.folder)
        flag = None if self.account.processed_folder else self.account.processed_flag
        last_uid, since = self._position(mailbox, uidvalidity, flag)
        uids = mailbox.search_new(last_uid, without_flag=flag, since=since)
        self._contact(uidvalidity=uidvalidity, last_uid=last_uid)
        taken = 0
        for uid in uids:
            if stop is not None and stop.is_set():
                break
            taken += self._take(mailbox, uidvalidity, uid)
        return taken

    def _position(self, mailbox: MailboxLike, uidvalidity: int,
                  flag: str | None) -> tuple[int, date | None]:
        """Where to read from (after this UID, arrived since this date): the last UID taken; on
        first contact see `_first_contact`; after a UIDVALIDITY change the whole folder again,
        but only mail since the day before the last contact, never years of old mail."""
        since = date.fromisoformat(self.account.since) if self.account.since else None
        with session_scope(self._engine) as session:
            state = get_state(session, self.key)
        if state is None or state.uidvalidity is None:
            return self._first_contact(mailbox, flag, since), since
        if state.uidvalidity != uidvalidity:
            contact = state.last_contact_at.date() - timedelta(days=1) if state.last_contact_at else None
            bound = max((d for d in (contact, since) if d is not None), default=None)
            log.warning("imap %s: UIDVALIDITY changed %s -> %s; rescanning the folder for mail since %s",
                        self.key, state.uidvalidity, uidvalidity, bound or "ever")
            return 0, bound
        return state.last_uid, since

    def _first_contact(self, mailbox: MailboxLike, flag: str | None, since: date | None) -> int:
        """A folder never seen before is read from now on (what is there is left alone), or, with
        `since`, from that date on: pointing orderdesk at a real mailbox must not answer years of
        old mail as new orders. Returns the UID to read after; says in the log what was skipped."""
        there = mailbox.search_new(0, without_flag=flag)
        if since is None:
            log.warning("imap %s: first contact; the %d messages already in the folder are left "
                        "alone, only mail arriving from now on is read (set since = \"YYYY-MM-DD\" "
                        "to take older mail)", self.key, len(there))
            return there[-1] if there else 0
        taking = mailbox.search_new(0, without_flag=flag, since=since)
        log.warning("imap %s: first contact; taking the %d messages that arrived since %s, leaving "
                    "the %d older ones alone", self.key, len(taking), since.isoformat(),
                    len(there) - len(taking))
        return 0

    def _take(self, mailbox: MailboxLike, uidvalidity: int, uid: int) -> int:
        data = mailbox.fetch(uid)
        if data is not None:
            ref = f"imap:{self.account.name}/{self.folder}/{uidvalidity}/{uid}"
            document_id, created = self._ingest(
                data, source="imap", source_ref=ref, filename=f"imap-{uidvalidity}-{uid}.eml",
                message_id=message_id_of(data), now=self._clock())
            self._acknowledge(mailbox, uid)
            log.info("imap %s: uid=%s doc=%s %s", self.key, uid, document_id,
                     "stored" if created else "already in the ledger")
        self._contact(uidvalidity=uidvalidity, last_uid=uid)
        return 0 if data is None else 1

    def _acknowledge(self, mailbox: MailboxLike, uid: int) -> None:
        if self.account.processed_folder:
            mailbox.move(uid, self.account.processed_folder)
        else:
            mailbox.flag(uid, self.account.processed_flag)

    def _contact(self, *, uidvalidity: int | None = None, last_uid: int | None = None) -> None:
        """Record a successful round-trip (and, when given, the position); end a silence alert."""
        now = self._clock()
        with session_scope(self._engine) as session:
            if last_uid is None:
                touch(session, self.key, now)
            else:
                save_state(session, self.key, uidvalidity=uidvalidity, last_uid=last_uid,
                           last_contact_at=now)
            if self._alerted:
                save_detail(session, self.key, None)
        self._refused_alerted = False
        if self._alerted:
            log.warning("imap %s: %s answers again", self.key, self.account.host)
            self._alerted = False

    # -- one watcher per folder -------------------------------------------------------------

    @contextmanager
    def _folder_lock(self, stop: threading.Event) -> Iterator[threading.Event | None]:
        """Wait (while `stop` allows) for this folder's lock; yield an event set when `stop` is
        or the lock is lost, or None when stopped before it was taken. Released at the end."""
        if self._lock is None:
            yield stop
            return
        if not self._wait_for_lock(stop):
            yield None
            return
        watch = threading.Event()
        keeper = threading.Thread(target=self._keep_lock, args=(stop, watch), daemon=True,
                                  name=f"lock-{self.key}")
        keeper.start()
        try:
            yield watch
        finally:
            watch.set()
            keeper.join()
            self._lock.release()

    def _wait_for_lock(self, stop: threading.Event) -> bool:
        told = False
        while not stop.is_set():
            try:
                if self._lock.acquire():
                    log.info("imap %s: this node watches the folder now", self.key)
                    return True
            except Exception as e:  # the database may be away: try again later
                log.warning("imap %s: cannot take the folder's lock: %s", self.key, e)
            if not told:
                log.info("imap %s: another node watches the folder; taking over if it stops", self.key)
                told = True
            stop.wait(self._lock_check_seconds)
        return False

    def _keep_lock(self, stop: threading.Event, watch: threading.Event) -> None:
        """Set `watch` when `stop` is set or the lock is no longer held."""
        while not watch.is_set():
            if stop.wait(self._lock_check_seconds):
                break
            if not watch.is_set() and not self._lock.check():
                log.warning("imap %s: lost the folder's lock; stopping until it is taken again", self.key)
                break
        watch.set()


def watchers_for_accounts(
    accounts: Iterable[ImapAccount], *, lock_dir: Path, engine: Engine, ingest: Ingest,
    alert: Alert | None = None, clock: Callable[[], datetime] = utcnow,
    env: Mapping[str, str] | None = None,
) -> list[ImapWatcher]:
    """One watcher per configured (account, folder), each under its folder lock: a PostgreSQL
    advisory lock when several nodes share the database, else a file lock under `lock_dir`."""
    watchers = []
    for account in accounts:
        def connect(account: ImapAccount = account) -> MailboxLike:
            return imap_connect(account, env=env)
        for folder in account.folders:
            watchers.append(ImapWatcher(
                account, folder=folder, connect=connect, ingest=ingest, engine=engine,
                clock=clock, alert=alert,
                lock=folder_lock(engine, f"imap:{account.name}:{folder}", lock_dir)))
    return watchers

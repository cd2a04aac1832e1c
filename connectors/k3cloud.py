"""A Kingdee K3 Cloud WebAPI client: signed-header login, Save, ExecuteBillQuery with paging.

The login is K3 Cloud's third-party system authorisation (第三方系统登录授权), as Kingdee's own
Python SDK (`kingdee-cdp-webapi-sdk`) performs it: every request carries an API-gateway
signature (X-Api-ClientID / X-Api-Signature over the path, a nonce and a time stamp) and an
application signature (X-KD-AppKey / X-KD-AppData / X-KD-Signature over the data centre, user,
language and organisation), both HMAC-SHA256. The first request opens a session
(`kdservice-sessionid`), which later requests carry; when K3 says the session is lost (MsgCode
1) the client signs in again and repeats the request once. Unlike that SDK it verifies TLS
(with a CA file for an in-house authority) and changes no process-wide warning filter.

K3's errors are mapped at this edge: a timeout, a refused connection, an HTTP 5xx, a network
control conflict or a call limit are `TransientError` (worth trying later); a refused sign-in or
a validation error is a `K3Error` (a `PermanentError`) carrying K3's own messages, which the
outbox shows to a clerk as the dead letter's reason.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from connectors.errors import ConfigError, PermanentError, TransientError
from connectors.settings import K3CloudSettings, secret

log = logging.getLogger(__name__)

SERVICE = "Kingdee.BOS.WebApi.ServicesStub.DynamicFormService."
SESSION = "kdservice-sessionid"
# ResponseStatus.MsgCode values (K3 Cloud's WebAPI message codes) that say something to us.
MSG_CONTEXT_LOST = 1        # the session has expired or was lost: sign in again
TRANSIENT_MSG_CODES = frozenset({13, 14})   # network control conflict (网控冲突), call limit (调用限制)
QUERY_ATTEMPTS = 4          # a page of a catalog read is asked for this often before giving up
# The SDK's fixed key for the code that hides the gateway secret inside the app id (rot13 of the
# SDK's string; the random digit it inserts every ninth character is dropped again before use).
_APP_CODE_KEY = b"0054f397c6234378b09ca7d3e5debce7"


class K3Error(PermanentError):
    """K3 refused a request for a reason a retry will not fix; the text is K3's own message."""

    def __init__(self, message: str, *, msg_code: int | None = None) -> None:
        super().__init__(message)
        self.msg_code = msg_code


class SessionLost(TransientError):
    """K3 no longer knows our session: sign in again (the client does so once by itself)."""


class NotSent(TransientError):
    """The request never reached K3 (no connection): nothing happened there."""


class OutcomeUnknown(TransientError):
    """A Save went out but its answer did not come back (a timeout, a broken connection, HTTP
    5xx): K3 may have stored the bill. Look it up later, not at once: K3 may still be saving it."""


@dataclass(frozen=True, slots=True)
class Saved:
    """What K3 answered to a Save: the bill's internal id and its number (FBillNo / FNumber)."""

    id: int | None
    number: str | None


# --- the signature (pure) ----------------------------------------------------------------------


def _b64_hex_hmac(key: str, content: str) -> str:
    """K3's signature form: base64 of the lower-case hex HMAC-SHA256 digest."""
    digest = hmac.new(key.encode("utf-8"), content.encode("utf-8"), hashlib.sha256).hexdigest()
    return base64.b64encode(digest.encode("ascii")).decode("ascii")


def gateway_credentials(app_id: str) -> tuple[str, str]:
    """(client id, gateway secret) hidden in an app id `<client id>_<32-character code>`; the
    secret is the code's bytes XOR the SDK's key, base64 again. ('', '') for another shape."""
    client_id, sep, code = app_id.partition("_")
    if not sep or len(code) != 32:
        return "", ""
    try:
        raw = base64.b64decode(code, validate=True)
    except ValueError:
        return "", ""
    mixed = bytes(b ^ k for b, k in zip(raw, _APP_CODE_KEY))
    return client_id, base64.b64encode(mixed).decode("ascii")


def app_data(settings: K3CloudSettings) -> str:
    """The signed identity: data centre, user, language and organisation, comma-separated."""
    return f"{settings.acct_id},{settings.user_name},{settings.lcid},{settings.org_num}"


def signed_headers(settings: K3CloudSettings, app_secret: str, url: str, *, timestamp: int,
                   nonce: str) -> dict[str, str]:
    """The third-party login headers for one POST to `url` (Kingdee's SDK, auth version 2.0)."""
    client_id, client_secret = gateway_credentials(settings.app_id)
    path = quote(urlsplit(url).path, encoding="utf-8").replace("/", "%2F")
    canonical = f"POST\n{path}\n\nx-api-nonce:{nonce}\nx-api-timestamp:{timestamp}\n"
    identity = app_data(settings)
    return {
        "X-Api-ClientID": client_id,
        "X-Api-Auth-Version": "2.0",
        "x-api-timestamp": str(timestamp),
        "x-api-nonce": nonce,
        "x-api-signheaders": "x-api-timestamp,x-api-nonce",
        "X-Api-Signature": _b64_hex_hmac(client_secret, canonical),
        "X-Kd-Appkey": settings.app_id,
        "X-Kd-Appdata": base64.b64encode(identity.encode("utf-8")).decode("ascii"),
        "X-Kd-Signature": _b64_hex_hmac(app_secret, settings.app_id + identity),
    }


# --- answers (pure) ------------------------------------------------------------------------------


def check_status(status: dict[str, Any] | None) -> None:
    """Raise what a failed ResponseStatus means; return when it succeeded (or is absent)."""
    if not status or status.get("IsSuccess", True):
        return
    code = status.get("MsgCode")
    text = status_message(status)
    if code == MSG_CONTEXT_LOST:
        raise SessionLost(f"K3 Cloud lost the session: {text}")
    if code in TRANSIENT_MSG_CODES:
        raise TransientError(f"K3 Cloud is busy: {text}")
    raise K3Error(f"K3 Cloud refused it: {text}", msg_code=code)


def status_message(status: dict[str, Any]) -> str:
    """K3's error messages in one line, each with the field it names."""
    parts = []
    for error in status.get("Errors") or []:
        message = str(error.get("Message") or "").strip()
        field = error.get("FieldName")
        parts.append(f"{message} ({field})" if field else message)
    return "; ".join(p for p in parts if p) or f"error code {status.get('ErrorCode')}, no message"


def saved_from(answer: Any) -> Saved:
    """The bill a Save answer names, after checking its ResponseStatus."""
    result = (answer or {}).get("Result") if isinstance(answer, dict) else None
    if not isinstance(result, dict):
        raise TransientError(f"K3 Cloud answered a Save with something unexpected: {str(answer)[:200]}")
    status = result.get("ResponseStatus") or {}
    check_status(status)
    entity = (status.get("SuccessEntitys") or [{}])[0]
    number = result.get("Number") or entity.get("Number")
    bill_id = result.get("Id") or entity.get("Id")
    return Saved(int(bill_id) if bill_id not in (None, "") else None, number)


def rows_from(answer: Any) -> list[list[Any]]:
    """The rows of an ExecuteBillQuery answer; an error comes as [[{"Result": {...}}]]."""
    if not isinstance(answer, list):
        if isinstance(answer, dict):
            check_status((answer.get("Result") or {}).get("ResponseStatus"))
        raise TransientError(f"K3 Cloud answered a query with something unexpected: {str(answer)[:200]}")
    if answer and isinstance(answer[0], list) and answer[0] and isinstance(answer[0][0], dict):
        check_status((answer[0][0].get("Result") or {}).get("ResponseStatus"))
        raise K3Error(f"K3 Cloud answered a query with an error it did not explain: {str(answer)[:200]}")
    return answer


def filter_equals(conditions: Sequence[tuple[str, str]]) -> str:
    """A FilterString `A = 'x' AND B = 'y'`, each value quoted as K3's SQL filter wants it."""
    return " AND ".join(f"{field} = '{value.replace(chr(39), chr(39) * 2)}'" for field, value in conditions)


# --- the client --------------------------------------------------------------------------------


def http_client(settings: K3CloudSettings) -> httpx.Client:
    """An httpx client that verifies the server: the system's authorities, or `ca_file`."""
    verify: Any = True
    if settings.ca_file:
        import ssl

        try:
            verify = ssl.create_default_context(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"k3cloud.ca_file {settings.ca_file}: cannot be read as PEM ({exc}).")
    return httpx.Client(verify=verify, timeout=settings.timeout_seconds, follow_redirects=False)


class K3Client:
    """One K3 Cloud account, its session kept between calls; safe to share between threads."""

    def __init__(self, settings: K3CloudSettings, *, app_secret: str | None = None,
                 http: httpx.Client | None = None, clock: Callable[[], float] = time.time) -> None:
        if not settings.enabled:
            raise ConfigError("k3cloud.server_url is not set.")
        self.settings = settings
        self.app_secret = app_secret if app_secret is not None else secret(
            settings.app_secret_env, settings.app_secret_credential)
        if not self.app_secret or not gateway_credentials(settings.app_id)[0]:
            raise ConfigError("k3cloud needs app_id (\"<client id>_<code>\", as K3's third-party "
                              "authorisation shows it) and the app secret (app_secret_env or "
                              "app_secret_credential).")
        self.http = http or http_client(settings)
        self.clock = clock
        self._session = ""
        self._lock = threading.Lock()
        self.logins = 0   # how often a session was opened (for tests and logs)

    def close(self) -> None:
        self.http.close()

    # -- operations ---------------------------------------------------------------------------

    def save(self, form_id: str, model: dict[str, Any], *, auto_submit: bool | None = None,
             extra: dict[str, Any] | None = None) -> Saved:
        """Save one bill. Not repeated here: a Save that timed out may have been stored, so the
        caller looks for the bill before it tries again."""
        submit = self.settings.auto_submit_audit if auto_submit is None else auto_submit
        data = {"NeedUpDateFields": [], "IsDeleteEntry": "true",
                "IsAutoSubmitAndAudit": "true" if submit else "false", **(extra or {}), "Model": model}
        try:
            return saved_from(self.call("Save", {"formid": form_id, "data": data}))
        except (SessionLost, NotSent):
            raise
        except TransientError as exc:
            raise OutcomeUnknown(f"{exc} K3 may have saved it; it is looked up before the next try.") from exc

    def query(self, form_id: str, fields: Sequence[str], *, filter: str = "", order: str = "",
              page_size: int | None = None, on_page: Callable[[int], None] | None = None
              ) -> Iterator[list[Any]]:
        """Every row of an ExecuteBillQuery, page by page (StartRow/Limit); each page is retried
        on transient errors. `on_page(rows)` is told the size of each page as it arrives."""
        limit = max(1, page_size or self.settings.page_size)
        start = 0
        while True:
            body = {"data": {"FormId": form_id, "FieldKeys": ",".join(fields), "FilterString": filter,
                             "OrderString": order, "TopRowCount": 0, "StartRow": start, "Limit": limit}}
            rows = self._query_page(body)
            if on_page is not None:
                on_page(len(rows))
            yield from rows
            if len(rows) < limit:
                return
            start += len(rows)

    def _query_page(self, body: dict[str, Any]) -> list[list[Any]]:
        for attempt in Retrying(retry=retry_if_exception_type(TransientError),
                                stop=stop_after_attempt(QUERY_ATTEMPTS),
                                wait=wait_exponential(multiplier=0.2, max=5.0), reraise=True):
            with attempt:
                return rows_from(self.call("ExecuteBillQuery", body))
        raise AssertionError("unreachable")

    # -- the wire -----------------------------------------------------------------------------

    def call(self, operation: str, body: dict[str, Any]) -> Any:
        """POST one DynamicFormService operation; sign in again once if the session was lost."""
        try:
            return self._post(operation, body)
        except SessionLost:
            log.info("k3cloud: session lost; signing in again")
            with self._lock:
                self._session = ""
            return self._post(operation, body)

    def _post(self, operation: str, body: dict[str, Any]) -> Any:
        url = self.settings.server_url.rstrip("/") + f"/{SERVICE}{operation}.common.kdsvc"
        now = int(self.clock())
        headers = signed_headers(self.settings, self.app_secret, url, timestamp=now, nonce=str(now))
        headers.update({"Content-Type": "application/json", "Accept-Charset": "utf-8"})
        with self._lock:
            session = self._session
        if session:
            headers[SESSION] = session
            headers["Cookie"] = f"{SESSION}={session}"
        response = self._send(url, headers, body)
        answer = self._answer(response)
        self._keep_session(response, session)
        if isinstance(answer, dict):  # a lost session is the only failure worth a second call here
            status = (answer.get("Result") or {}).get("ResponseStatus") or {}
            if not status.get("IsSuccess", True) and status.get("MsgCode") == MSG_CONTEXT_LOST:
                check_status(status)
        return answer

    def _send(self, url: str, headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            response = self.http.post(url, headers=headers, content=data)
        except httpx.ConnectTimeout as exc:
            raise NotSent(f"cannot reach K3 Cloud at {self.settings.server_url}: {exc}")
        except httpx.TimeoutException as exc:
            raise TransientError(f"K3 Cloud did not answer in {self.settings.timeout_seconds:g} s ({exc}).")
        except httpx.ConnectError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):   # retrying will not make it trusted
                raise K3Error(f"K3 Cloud's certificate at {self.settings.server_url} is not trusted ({exc}); "
                              "if it comes from an in-house authority, set k3cloud.ca_file to its PEM file.")
            raise NotSent(f"cannot reach K3 Cloud at {self.settings.server_url}: {exc}")
        except httpx.TransportError as exc:
            raise TransientError(f"the connection to K3 Cloud broke: {exc}")
        finally:
            self.http.cookies.clear()   # the session is kept explicitly, not in a cookie jar
        return response

    def _answer(self, response: httpx.Response) -> Any:
        text = response.text
        if response.status_code >= 500:
            raise TransientError(f"K3 Cloud answered HTTP {response.status_code}: {text[:300]}")
        if response.status_code in (401, 403):
            raise K3Error(f"K3 Cloud refused the sign-in (HTTP {response.status_code}): {_plain(text)}")
        if response.status_code not in (200, 206):
            raise K3Error(f"K3 Cloud answered HTTP {response.status_code}: {_plain(text)}")
        if text.startswith("response_error:"):
            raise K3Error(f"K3 Cloud refused it: {text.removeprefix('response_error:').strip()}")
        try:
            return json.loads(text)
        except ValueError:
            raise TransientError(f"K3 Cloud answered with something that is not JSON: {text[:200]}")

    def _keep_session(self, response: httpx.Response, sent: str) -> None:
        session = response.cookies.get(SESSION)
        if session and session != sent:
            with self._lock:
                self._session = session
            self.logins += 1
            log.info("k3cloud: signed in as %s on %s", self.settings.user_name, self.settings.acct_id)


def _plain(text: str) -> str:
    """K3's message out of a JSON error body, else the body's start."""
    try:
        status = (json.loads(text).get("Result") or {}).get("ResponseStatus") or {}
        return status_message(status)
    except (ValueError, AttributeError):
        return text[:300]

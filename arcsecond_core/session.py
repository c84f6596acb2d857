"""One HTTP session per server: URLs, the auth header, timeouts, retries, pagination, errors."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from arcsecond_core import __version__, answers, errors
from arcsecond_core.masking import mask, secrets_filter

LOG = logging.getLogger("arcsecond.http")

AUTH_HEADER = "X-Arcsecond-API-Authorization"
USER_AGENT = f"arcsecond-cli/{__version__} (+python-requests/{requests.__version__})"
#: Seconds one request may take, its retries included (``--timeout``, ``ARCSECOND_TIMEOUT``); a
#: transfer (an upload or download body) may take longer as long as bytes keep moving.
DEFAULT_TIMEOUT = 60.0
TIMEOUT_ENV = "ARCSECOND_TIMEOUT"
CONNECT_TIMEOUT = 10.0
# Statuses that mean "not processed, try again later": safe to retry whatever the verb.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Verbs sent again after a failure or a dropped connection: the same request twice has the
#: effect of one (a DELETE whose retry finds nothing is taken as done, see ``request``).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
UNPREFIXED_PATHS = ("organisations", "auth")
CONNECT_RETRIES = 2
# The moment the request in progress on this thread must be answered by (None: a transfer).
_deadline = threading.local()


def timeout_from_env(value: float | None = None) -> float:
    """``value``, else ``$ARCSECOND_TIMEOUT``, else DEFAULT_TIMEOUT (seconds, above 0)."""
    if value is None:
        text = os.environ.get(TIMEOUT_ENV, "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        try:
            value = float(text)
        except ValueError:
            raise errors.UsageError(f"{TIMEOUT_ENV} is not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise errors.UsageError(f"the timeout must be a positive number of seconds, not {value:g}")
    return float(value)


class ArcsecondRetry(Retry):
    """urllib3 retries, also for non-idempotent requests the server said it did not process,
    and never past the deadline of the request in progress."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in NOT_PROCESSED_STATUSES and self.total and self.status_forcelist:
            return status_code in self.status_forcelist
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method: str | None = None, url: str | None = None, response: Any = None,
                  error: Exception | None = None, _pool: Any = None, _stacktrace: Any = None
                  ) -> Retry:
        """urllib3's count of one more try; none when the server asks to wait past the deadline
        (a throttled login, 429 ``Retry-After: 900``): its answer is then the error, at once,
        rather than a sleep to the deadline and a timeout."""
        if response is not None and response.status in NOT_PROCESSED_STATUSES:
            wait = self.get_retry_after(response) if self.respect_retry_after_header else None
            left = self.time_left()
            if wait is not None and left is not None and wait > left:
                raise MaxRetryError(_pool, url or "", ResponseError(  # type: ignore[arg-type]
                    f"asked to wait {wait:g} s, past the deadline"))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    @staticmethod
    def time_left() -> float | None:
        deadline = getattr(_deadline, "at", None)
        return None if deadline is None else deadline - time.monotonic()

    def is_exhausted(self) -> bool:
        left = self.time_left()
        return super().is_exhausted() or (left is not None and left <= 0)

    def sleep(self, response: Any = None) -> None:
        delay = None
        if self.respect_retry_after_header and response is not None:
            delay = self.get_retry_after(response)
        if delay is None:
            delay = self.get_backoff_time()
        left = self.time_left()
        if left is not None:
            delay = min(delay, max(left, 0.0))
        if delay > 0:
            time.sleep(delay)


def build_retry(total: int, backoff_factor: float) -> ArcsecondRetry:
    """The retry policy: exponential backoff, Retry-After honoured, statuses in RETRY_STATUSES."""
    return ArcsecondRetry(
        total=total,
        # A server that refuses connections is most likely down: say so within seconds.
        connect=min(total, CONNECT_RETRIES),
        read=total,
        status=total,
        backoff_factor=backoff_factor,
        backoff_max=30.0,
        allowed_methods=IDEMPOTENT_METHODS,
        status_forcelist=sorted(RETRY_STATUSES),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class ArcsecondSession:
    """Talks to one Arcsecond API server on behalf of one key, optionally inside a portal."""

    def __init__(
        self,
        base_url: str,
        *,
        key: str | None = None,
        portal: str | None = None,
        timeout: float | None = None,
        retries: int = 8,
        backoff_factor: float = 0.5,
        pool_size: int = 10,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.portal = portal or None
        #: Seconds a request may take, retries included; for transfers, the longest pause.
        self.timeout = timeout_from_env(timeout)
        secrets_filter.register(key)
        self.http = self._new_http(build_retry(retries, backoff_factor), pool_size)
        self._pool_size = pool_size
        self._once_http: requests.Session | None = None

    def _new_http(self, retry: Retry | int, pool_size: int) -> requests.Session:
        http = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=pool_size)
        http.mount("http://", adapter)
        http.mount("https://", adapter)
        http.headers["User-Agent"] = USER_AGENT
        http.headers["Accept"] = "application/json"
        # requests reads the proxy and CA settings of the environment at every request (a scan
        # of os.environ, a good part of a small download's cost); this session talks to one
        # server, so they are read once, here.
        http.trust_env = False
        http.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        http.verify = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
                       or True)
        return http

    @property
    def once_http(self) -> requests.Session:
        """A pooled session that never retries by itself (for streamed bodies the caller resends)."""
        if self._once_http is None:
            self._once_http = self._new_http(0, self._pool_size)
        return self._once_http

    def close(self) -> None:
        self.http.close()
        if self._once_http is not None:
            self._once_http.close()

    # -- URLs ------------------------------------------------------------------------------

    def url(self, path: str, *, portal: bool = True) -> str:
        """The absolute URL of ``path`` with the portal prefix (when allowed) and trailing slash."""
        if path.startswith(("http://", "https://")):
            return path
        parts = [p for p in path.strip("/").split("/") if p]
        prefix_allowed = portal and parts and parts[0] not in UNPREFIXED_PATHS
        if self.portal and prefix_allowed:
            parts.insert(0, self.portal)
        return f"{self.base_url}/{''.join(p + '/' for p in parts)}"

    def auth_headers(self) -> dict[str, str]:
        return {AUTH_HEADER: f"Key {self.key}"} if self.key else {}

    # -- requests --------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        portal: bool = True,
        stream: bool = False,
        retry: bool = True,
        transfer: bool = False,
    ) -> requests.Response:
        """Send one request; errors come back as exceptions of the ``errors`` family.

        It must be answered within ``timeout`` seconds, retries included; a ``transfer`` (a file
        sent or received) instead fails only when no byte moves for that long.
        """
        url = self.url(path, portal=portal)
        all_headers = dict(self.auth_headers()) if authenticated else {}
        all_headers.update(headers or {})
        http = self.http if retry else self.once_http
        started = time.monotonic()
        _deadline.at = None if transfer else started + self.timeout
        try:
            response = http.request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=all_headers,
                timeout=(min(CONNECT_TIMEOUT, self.timeout), self.timeout),
                stream=stream,
            )
        except requests.exceptions.RequestException as exc:
            raise self._failure(method, url, exc, started, transfer) from exc
        finally:
            _deadline.at = None
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug(
                "%s %s -> %s (%.3fs, key %s)",
                method,
                response.url or url,  # with its query string
                response.status_code,
                time.monotonic() - started,
                mask(self.key) if authenticated and self.key else "none",
            )
        if response.status_code == 404 and method == "DELETE" and _was_retried(response):
            return response  # an earlier attempt deleted it; its answer was lost on the way
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def _failure(self, method: str, url: str, exc: Exception, started: float,
                 transfer: bool) -> errors.ArcsecondError:
        """The error of the ``errors`` family for a request that got no usable answer."""
        timed_out = isinstance(exc, requests.exceptions.Timeout) or (
            not transfer and time.monotonic() - started >= self.timeout)
        if timed_out and not isinstance(exc, requests.exceptions.ConnectTimeout):
            what = "went silent for" if transfer else "did not answer within"
            return errors.TimedOut(
                f"{self.base_url} {what} {self.timeout:g} s ({method} {url}); "
                f"--timeout or ${TIMEOUT_ENV} sets how long to wait"
            )
        if isinstance(exc, requests.exceptions.RetryError):
            return errors.ServerError(f"{method} {url}: the server kept failing ({exc})")
        if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            return errors.ConnectionFailed(f"cannot reach {self.base_url} ({_reason(exc)})")
        return errors.ConnectionFailed(f"{method} {url} failed: {exc}")

    def get(self, path: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.json(self.request("GET", path, params=params, **kwargs))

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.json(self.request("POST", path, json=json, **kwargs))

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.json(self.request("PATCH", path, json=json, **kwargs))

    def delete(self, path: str, **kwargs: Any) -> None:
        self.request("DELETE", path, **kwargs)

    def expect_object(self, response: requests.Response) -> dict[str, Any]:
        """The JSON object of ``response`` (UnexpectedAnswer for anything else)."""
        return answers.expect_object(self.json(response), self.base_url, _where(response))

    def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, portal: bool = True
    ) -> Iterator[dict]:
        """Every item of a list, page after page, following ``next`` lazily (one page in memory)."""
        response = self.request("GET", path, params=params, portal=portal)
        while True:
            results, next_url = answers.expect_page(self.json(response), self.base_url,
                                                    _where(response))
            yield from results
            if not next_url:
                return
            response = self.request("GET", next_url)

    def json(self, response: requests.Response) -> Any:
        """The JSON of an answer (None when empty); UnexpectedAnswer when it is not JSON."""
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise answers.unexpected(self.base_url, _where(response), "the answer is not JSON"
                                     ) from None


def _where(response: requests.Response) -> str:
    method = response.request.method if response.request is not None else "GET"
    return f"{method} {response.url}"


def _was_retried(response: requests.Response) -> bool:
    retries = getattr(response.raw, "retries", None)
    return bool(retries is not None and retries.history)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out", "reset by peer"):
        if marker in text:
            return marker.lower()
    return text.splitlines()[0][:200] if text else type(exc).__name__


_STATUS_ERRORS: dict[int, type[errors.HTTPError]] = {
    400: errors.ValidationError,
    401: errors.Unauthorized,
    403: errors.Forbidden,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    429: errors.TooManyRequests,
}


def error_from_response(response: requests.Response) -> errors.HTTPError:
    """The exception for an error answer, its message taken from ``detail`` or field errors."""
    status = response.status_code
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    fields: dict[str, list[str]] = {}
    if isinstance(payload, dict) and "detail" in payload:
        message = str(payload["detail"])
    elif isinstance(payload, dict) and payload:
        fields = {str(k): _as_messages(v) for k, v in payload.items()}
        message = "; ".join(
            f"{name}: {' '.join(msgs)}" if name != "non_field_errors" else " ".join(msgs)
            for name, msgs in fields.items()
        )
    elif isinstance(payload, list) and payload:
        message = " ".join(str(item) for item in payload)
    else:
        message = response.reason or f"HTTP {status}"
    where = f"{response.request.method} {response.url}" if response.request else response.url
    full = f"{message} ({status} on {where})"
    if status >= 500:
        return errors.ServerError(full, status, payload)
    cls = _STATUS_ERRORS.get(status, errors.HTTPError)
    if cls is errors.ValidationError:
        return errors.ValidationError(full, status, payload, fields)
    return cls(full, status, payload)


def _as_messages(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]

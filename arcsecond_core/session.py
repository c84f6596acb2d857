"""One HTTP session per server: URLs, the auth header, timeouts, retries, pagination, errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from arcsecond_core import __version__, errors
from arcsecond_core.masking import mask, secrets_filter

LOG = logging.getLogger("arcsecond.http")

AUTH_HEADER = "X-Arcsecond-API-Authorization"
USER_AGENT = f"arcsecond-cli/{__version__} (+python-requests/{requests.__version__})"
DEFAULT_TIMEOUT = (10.0, 120.0)
# Statuses that mean "not processed, try again later": safe to retry whatever the verb.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
UNPREFIXED_PATHS = ("organisations", "auth")
CONNECT_RETRIES = 2


class ArcsecondRetry(Retry):
    """urllib3 retries, also for non-idempotent requests the server said it did not process."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in NOT_PROCESSED_STATUSES and self.total and self.status_forcelist:
            return status_code in self.status_forcelist
        return super().is_retry(method, status_code, has_retry_after)


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
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 5,
        backoff_factor: float = 0.5,
        pool_size: int = 10,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.portal = portal or None
        self.timeout = timeout
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
    ) -> requests.Response:
        """Send one request; errors come back as exceptions of the ``errors`` family."""
        url = self.url(path, portal=portal)
        all_headers = dict(self.auth_headers()) if authenticated else {}
        all_headers.update(headers or {})
        http = self.http if retry else self.once_http
        started = time.monotonic()
        try:
            response = http.request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=all_headers,
                timeout=self.timeout,
                stream=stream,
            )
        except requests.exceptions.RetryError as exc:
            raise errors.ServerError(f"{method} {url}: the server kept failing ({exc})") from exc
        except requests.exceptions.ConnectionError as exc:
            raise errors.ConnectionFailed(
                f"cannot reach {self.base_url} ({_reason(exc)})"
            ) from exc
        except requests.exceptions.Timeout as exc:
            raise errors.ConnectionFailed(f"{method} {url} timed out") from exc
        except requests.exceptions.RequestException as exc:
            raise errors.ConnectionFailed(f"{method} {url} failed: {exc}") from exc
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug(
                "%s %s -> %s (%.3fs, key %s)",
                method,
                response.url or url,  # with its query string
                response.status_code,
                time.monotonic() - started,
                mask(self.key) if authenticated and self.key else "none",
            )
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def get(self, path: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return _json(self.request("GET", path, params=params, **kwargs))

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return _json(self.request("POST", path, json=json, **kwargs))

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return _json(self.request("PATCH", path, json=json, **kwargs))

    def delete(self, path: str, **kwargs: Any) -> None:
        self.request("DELETE", path, **kwargs)

    def paginate(
        self, path: str, params: Mapping[str, Any] | None = None, *, portal: bool = True
    ) -> Iterator[dict]:
        """Every item of a list, page after page, following ``next`` lazily (one page in memory)."""
        page: Any = self.get(path, params=params, portal=portal)
        while True:
            if isinstance(page, list):  # a server that does not paginate
                yield from page
                return
            yield from page.get("results", [])
            next_url = page.get("next")
            if not next_url:
                return
            page = self.get(next_url)


def _json(response: requests.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise errors.ServerError(
            f"{response.request.method} {response.url}: the answer is not JSON", response.status_code
        ) from exc


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

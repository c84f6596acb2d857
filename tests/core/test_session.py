"""The HTTP session against a real loopback server: headers, URLs, retries, pages, errors."""

from __future__ import annotations

import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from arcsecond_core import errors
from arcsecond_core.session import AUTH_HEADER, ArcsecondSession, error_from_response

from .scripted_server import Answer, Seen, scripted_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_auth_header_user_agent_trailing_slash_and_portal_prefix() -> None:
    with scripted_server(lambda _r: Answer(200, {"ok": True})) as server:
        session = ArcsecondSession(server.url, key="secretkey123", portal="lowell")
        session.get("datasets")
        session.get("organisations/lowell")
        session.request("POST", "auth/key/verify", json={}, authenticated=False)
    first, second, third = server.seen
    assert first.path == "/lowell/datasets/"
    assert first.headers[AUTH_HEADER] == "Key secretkey123"
    assert first.headers["User-Agent"].startswith("arcsecond-cli/")
    assert second.path == "/organisations/lowell/"  # never portal-prefixed
    assert third.path == "/auth/key/verify/" and AUTH_HEADER not in third.headers


def test_retries_a_503_and_honours_retry_after() -> None:
    def respond(request: Seen) -> Answer:
        if len(server.seen) < 3:
            return Answer(503, {"detail": "busy"}, {"Retry-After": "1"})
        return Answer(200, {"count": 0, "next": None, "previous": None, "results": []})

    with scripted_server(respond) as server:
        session = ArcsecondSession(server.url, key="k", backoff_factor=0.01)
        started = time.monotonic()
        assert session.get("datasets")["count"] == 0
        elapsed = time.monotonic() - started
    assert len(server.seen) == 3
    assert elapsed >= 1.9  # two waits of Retry-After: 1 s, not the 0.01 s backoff


def test_a_post_is_retried_on_503_but_not_on_502() -> None:
    statuses = iter([503, 200])
    with scripted_server(lambda _r: Answer(next(statuses), {"uuid": "x"})) as server:
        session = ArcsecondSession(server.url, key="k", backoff_factor=0.01)
        assert session.post("datasets", json={"name": "a"}) == {"uuid": "x"}
        assert len(server.seen) == 2

    with scripted_server(lambda _r: Answer(502, {"detail": "bad gateway"})) as server:
        session = ArcsecondSession(server.url, key="k", backoff_factor=0.01)
        with pytest.raises(errors.ServerError, match="bad gateway"):
            session.post("datasets", json={"name": "a"})
        assert len(server.seen) == 1  # a POST may have been processed: not resent


def test_gives_up_after_the_retry_budget_with_a_server_error() -> None:
    with scripted_server(lambda _r: Answer(503, {"detail": "down for maintenance"})) as server:
        session = ArcsecondSession(server.url, key="k", retries=2, backoff_factor=0.01)
        with pytest.raises(errors.ServerError, match="down for maintenance"):
            session.get("datasets")
    assert len(server.seen) == 3


def test_pagination_follows_next_lazily_and_keeps_filters() -> None:
    def respond(request: Seen) -> Answer:
        query = parse_qs(urlsplit(request.path).query)
        page = int(query.get("page", ["1"])[0])
        results = [{"n": n} for n in range((page - 1) * 2, min(page * 2, 5))]
        following = f"{server.url}/datasets/?name=M31&page={page + 1}" if page < 3 else None
        return Answer(200, {"count": 5, "next": following, "previous": None, "results": results})

    with scripted_server(respond) as server:
        session = ArcsecondSession(server.url, key="k")
        items = session.paginate("datasets", params={"name": "M31"})
        assert next(items) == {"n": 0}
        assert len(server.seen) == 1  # nothing fetched ahead
        assert [item["n"] for item in items] == [1, 2, 3, 4]
    assert len(server.seen) == 3
    assert all(parse_qs(urlsplit(s.path).query)["name"] == ["M31"] for s in server.seen)


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (400, {"name": ["This field is required."], "telescope": ["Bad."]}, errors.ValidationError,
         "name: This field is required.; telescope: Bad."),
        (401, {"detail": "Invalid key."}, errors.Unauthorized, "Invalid key."),
        (403, {"detail": "Upload keys cannot do that."}, errors.Forbidden, "Upload keys cannot do that."),
        (404, {"detail": "Not found."}, errors.NotFound, "Not found."),
        (405, {"detail": "Method \"PUT\" not allowed."}, errors.MethodNotAllowed, "not allowed"),
        (500, None, errors.ServerError, "Internal Server Error"),
    ],
)
def test_errors_are_mapped_to_the_exception_family(status, body, error, text) -> None:
    with scripted_server(lambda _r: Answer(status, body)) as server:
        session = ArcsecondSession(server.url, key="k", retries=0)
        with pytest.raises(error) as caught:
            session.get("datasets/abc")
    assert text in str(caught.value)
    assert caught.value.status_code == status
    assert f"{status} on GET {server.url}/datasets/abc/" in str(caught.value)
    if error is errors.ValidationError:
        assert caught.value.fields["name"] == ["This field is required."]


def test_connection_refused_is_a_clear_connection_failure() -> None:
    session = ArcsecondSession(f"http://127.0.0.1:{free_port()}", retries=1, backoff_factor=0.01)
    with pytest.raises(errors.ConnectionFailed, match="connection refused"):
        session.get("datasets")


def test_error_from_response_reads_non_field_errors() -> None:
    import requests

    response = requests.Response()
    response.status_code = 400
    response._content = b'{"non_field_errors": ["Name already used."]}'
    response.url = "http://x/datasets/"
    assert str(error_from_response(response)).startswith("Name already used.")


def test_the_environment_s_proxy_is_read_once_and_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with scripted_server(lambda _r: Answer(200, {"ok": True})) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        session = ArcsecondSession("http://arcsecond.invalid", key="secretkey123")
        monkeypatch.delenv("HTTP_PROXY")  # read when the session was made, not per request
        session.get("datasets")
    (seen,) = proxy.seen
    assert seen.path == "http://arcsecond.invalid/datasets/"  # the absolute form: via the proxy
    assert seen.headers[AUTH_HEADER] == "Key secretkey123"


def test_no_proxy_and_the_ca_bundle_of_the_environment_are_honoured(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    bundle = tmp_path / "ca.pem"
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "arcsecond.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    bypassed = ArcsecondSession("https://api.arcsecond.example")
    proxied = ArcsecondSession("https://api.other.example")
    assert bypassed.http.proxies == {}
    assert proxied.http.proxies.get("https") == "http://proxy.invalid:3128"
    assert bypassed.http.verify == str(bundle) == proxied.http.verify

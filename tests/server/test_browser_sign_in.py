"""Signing in from a browser: the form, the session cookie, what it may and may not do."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from arcsecond_core.testing import ArcsecondServer, start_server

from .conftest import Api, new_user

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
COOKIE = "arcsecond_session"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArcsecondServer]:
    """A server of its own that logs every request, to show keys never reach the log."""
    running = start_server(tmp_path_factory.mktemp("sign-in-data"), "--access-log")
    try:
        yield running
    finally:
        code = running.stop()
    assert code == 0, running.stderr()


@pytest.fixture
def user(server: ArcsecondServer) -> tuple[dict[str, Any], Api]:
    return new_user(server)


def sign_in(server: ArcsecondServer, next_path: str = "/", **fields: str) -> tuple[requests.Session,
                                                                                   requests.Response]:
    browser = requests.Session()
    browser.headers["Accept"] = BROWSER
    form = browser.get(server.endpoint("web/sign-in/"), timeout=30)
    assert form.status_code == 200 and 'name="key"' in form.text
    answer = browser.post(server.endpoint("web/sign-in/"),
                          data={"next": next_path, "csrf_token": form_token(form.text), **fields},
                          timeout=30, allow_redirects=False)
    return browser, answer


def form_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_a_key_signs_in_and_the_cookie_reads_pages(server: ArcsecondServer, user: tuple) -> None:
    info, api = user
    dataset = api.dataset("Signed in")
    browser, answer = sign_in(server, f"/datasets/{dataset['uuid']}/", key=info["access_key"])
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/datasets/{dataset['uuid']}/")
    cookie = answer.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="):
        assert attribute in cookie
    token = browser.cookies[COOKIE]
    assert len(token) >= 40 and info["access_key"] not in cookie
    page = browser.get(server.endpoint(f"datasets/{dataset['uuid']}/"), timeout=30)
    assert page.status_code == 200 and "Signed in" in page.text
    assert f"Signed in as <strong>{info['username']}</strong>" in page.text
    # The server keeps a hash of the token, never the token itself.
    with sqlite3.connect(server.data_dir / "arcsecond.sqlite3") as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM browser_sessions")]
    assert token not in stored and len(stored) >= 1


def test_the_cookie_never_authorises_json_or_writes(server: ArcsecondServer, user: tuple) -> None:
    info, api = user
    dataset = api.dataset("Untouchable")
    browser, _answer = sign_in(server, key=info["access_key"])
    url = server.endpoint(f"datasets/{dataset['uuid']}/")
    for accept in ("application/json", "*/*"):
        answer = browser.get(url, headers={"Accept": accept}, timeout=30)
        assert answer.status_code == 401 and answer.headers["Content-Type"] == "application/json"
    for method, body in (("PATCH", {"name": "Changed"}), ("DELETE", None)):
        answer = browser.request(method, url, json=body, timeout=30)
        assert answer.status_code == 401, method
    created = browser.post(server.endpoint("datasets/"), json={"name": "Forged"}, timeout=30)
    assert created.status_code == 401
    assert api.get(f"datasets/{dataset['uuid']}/").json()["name"] == "Untouchable"
    assert api.get("datasets/?name=Forged").json()["count"] == 0


def test_signing_out_ends_the_session_on_the_server(server: ArcsecondServer, user: tuple) -> None:
    info, _api = user
    browser, _answer = sign_in(server, key=info["access_key"])
    token = browser.cookies[COOKIE]
    home = browser.get(server.endpoint(""), timeout=30)
    assert 'href="/web/sign-out/"' in home.text
    confirm = browser.get(server.endpoint("web/sign-out/"), timeout=30, allow_redirects=False)
    assert confirm.status_code == 200 and 'action="/web/sign-out/"' in confirm.text
    assert browser.get(server.endpoint("datasets/"), timeout=30).status_code == 200  # still in
    out = browser.post(server.endpoint("web/sign-out/"),
                       data={"csrf_token": form_token(confirm.text)}, timeout=30,
                       allow_redirects=False)
    assert out.status_code == 303 and f"{COOKIE}=;" in out.headers["Set-Cookie"]
    replayed = requests.get(server.endpoint("datasets/"), cookies={COOKIE: token},
                            headers={"Accept": BROWSER}, timeout=30)
    assert replayed.status_code == 401 and 'action="/web/sign-in/"' in replayed.text


def test_a_bad_key_is_refused_without_echoing_it(server: ArcsecondServer, user: tuple) -> None:
    info, _api = user
    wrong = uuid.uuid4().hex
    browser, answer = sign_in(server, key=wrong, username=info["username"])
    assert answer.status_code == 400 and "Unable to sign in" in answer.text
    assert wrong not in answer.text and COOKIE not in browser.cookies
    assert f'value="{info["username"]}"' in answer.text  # the username stays in the form
    _other, _other_api = new_user(server)
    _browser, mismatch = sign_in(server, key=info["access_key"], username=_other["username"])
    assert mismatch.status_code == 400 and "Set-Cookie" not in mismatch.headers
    _browser, empty = sign_in(server)
    assert empty.status_code == 400


def test_an_upload_key_session_has_the_upload_keys_scope(server: ArcsecondServer, user: tuple) -> None:
    info, api = user
    dataset = api.dataset("Uploads only")
    browser, _answer = sign_in(server, key=info["upload_key"])
    assert browser.get(server.endpoint(f"datasets/{dataset['uuid']}/"), timeout=30).status_code == 200
    refused = browser.get(server.endpoint("nightlogs/"), timeout=30)
    assert refused.status_code == 403 and "upload key" in refused.text


def test_forms_from_another_site_and_foreign_redirects_are_refused(server: ArcsecondServer,
                                                                   user: tuple) -> None:
    info, _api = user
    browser = requests.Session()
    forged = browser.post(server.endpoint("web/sign-in/"), data={"key": info["access_key"]},
                          headers={"Origin": "http://evil.example", "Accept": BROWSER}, timeout=30,
                          allow_redirects=False)
    assert forged.status_code == 403 and COOKIE not in browser.cookies
    for target in ("//evil.example/x", "http://evil.example/", "/\\evil.example"):
        _browser, answer = sign_in(server, target, key=info["access_key"])
        assert answer.status_code == 303 and answer.headers["Location"] in ("/", server.url + "/")


def test_an_expired_session_is_a_sign_in_page(server: ArcsecondServer, user: tuple) -> None:
    info, _api = user
    browser, _answer = sign_in(server, key=info["access_key"])
    with sqlite3.connect(server.data_dir / "arcsecond.sqlite3") as db:
        db.execute("UPDATE browser_sessions SET expires = '2000-01-01T00:00:00+00:00'"
                   " WHERE username = ?", (info["username"],))
    expired = browser.get(server.endpoint("datasets/"), timeout=30)
    assert expired.status_code == 401 and 'action="/web/sign-in/"' in expired.text


def test_keys_never_reach_a_url_or_the_log(server: ArcsecondServer, user: tuple) -> None:
    info, _api = user
    browser, answer = sign_in(server, "/datasets/", key=info["access_key"])
    browser.get(server.endpoint("datasets/"), timeout=30)
    assert info["access_key"] not in answer.headers["Location"]
    assert "POST /web/sign-in/" in server.stderr() + server.stdout()  # the access log is on
    assert info["access_key"] not in server.stderr() + server.stdout()

"""End-to-end, raw bytes: sign-in redirects stay on this server; sign-in and sign-out need the
form's token (no cross-site or GET sign-out). Each request is followed on its connection by a
plain one, to show that exactly one answer comes back for each."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from .conftest import new_user
from .edge import Answer, exchange, request

pytestmark = pytest.mark.e2e

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": BROWSER}
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
FOLLOW = request("GET", "/", {"Connection": "close"})


@pytest.fixture(scope="module")
def user(server) -> dict[str, Any]:
    info, _api = new_user(server)
    return info


def form_token(server) -> str:
    page = requests.get(server.endpoint("web/sign-in/"), headers={"Accept": BROWSER}, timeout=30)
    found = TOKEN_RE.search(page.text)
    assert found and page.cookies["arcsecond_csrf"] == found.group(1)
    return found.group(1)


def post_form(server, path: str, fields: dict[str, str], cookies: dict[str, str],
              extra: dict[str, str] | None = None) -> Answer:
    """POST a form on a raw connection, then a plain GET: one answer each, then closed."""
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    raw = request("POST", path, {**FORM, "Cookie": cookie, **(extra or {})},
                  urlencode(fields).encode()) + FOLLOW
    got = exchange(server, raw)
    assert [a.status for a in got.answers][1:] == [200] and got.closed and not got.rest, got
    return got.answers[0]


def get_page(server, path: str, cookies: dict[str, str]) -> Answer:
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    got = exchange(server, request("GET", path, {"Accept": BROWSER, "Cookie": cookie}) + FOLLOW)
    assert [a.status for a in got.answers][1:] == [200] and got.closed and not got.rest, got
    return got.answers[0]


def session_of(answer: Answer) -> str:
    found = re.search(r"arcsecond_session=([^;]+)", answer.headers.get("set-cookie", ""))
    assert answer.status == 303 and found, answer
    return found.group(1)


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example",
    "/\\evil.example", "\\\\evil.example", "//evil.example", "///evil.example",
    "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%5C%5Cevil.example", "/%09/evil.example",
    "http://evil.example/", "https:evil.example", "javascript:alert(1)", "HTTP://evil.example",
    " /evil", "/\u3000/evil.example", "/datasets/\r\nSet-Cookie: a=b",
])
def test_sign_in_never_redirects_to_another_site(server, user, target):
    token = form_token(server)
    answer = post_form(server, "/web/sign-in/",
                       {"key": user["access_key"], "next": target, "csrf_token": token},
                       {"arcsecond_csrf": token})
    session_of(answer)
    assert answer.headers["location"] in ("/", server.url + "/"), answer.headers
    page = get_page(server, "/web/sign-in/?" + urlencode({"next": target}), {})
    assert page.status == 200 and b'name="next" value="/"' in page.body


@pytest.mark.parametrize("target", ["/datasets/", "/objects/M%2031/", "/datasets/?name=a%20b"])
def test_sign_in_comes_back_to_a_page_of_this_server(server, user, target):
    token = form_token(server)
    answer = post_form(server, "/web/sign-in/",
                       {"key": user["access_key"], "next": target, "csrf_token": token},
                       {"arcsecond_csrf": token})
    session_of(answer)
    assert answer.headers["location"] in (target, server.url + target)


@pytest.mark.parametrize(("fields", "cookies", "extra"), [
    ({}, {}, {}),  # no token at all
    ({"csrf_token": "A" * 43}, {}, {}),  # a token without its cookie
    ({"csrf_token": "A" * 43}, {"arcsecond_csrf": "B" * 43}, {}),  # not the cookie's
    ({"csrf_token": "TOKEN"}, {"arcsecond_csrf": "TOKEN"}, {"Origin": "http://evil.example"}),
])
def test_sign_in_needs_the_forms_token(server, user, fields, cookies, extra):
    token = form_token(server)
    fields = {k: v.replace("TOKEN", token) for k, v in fields.items()}
    cookies = {k: v.replace("TOKEN", token) for k, v in cookies.items()}
    answer = post_form(server, "/web/sign-in/", {"key": user["access_key"], **fields}, cookies,
                       extra)
    assert answer.status == 403 and b"did not come from this server" in answer.body
    assert "arcsecond_session" not in answer.headers.get("set-cookie", "")


def signed_in(server, user) -> tuple[str, str]:
    """A live session and its browser's form token."""
    token = form_token(server)
    answer = post_form(server, "/web/sign-in/", {"key": user["access_key"], "csrf_token": token},
                       {"arcsecond_csrf": token})
    return session_of(answer), token


def still_signed_in(server, session: str) -> bool:
    page = get_page(server, "/datasets/", {"arcsecond_session": session})
    return page.status == 200


def test_a_get_of_sign_out_only_asks_to_confirm(server, user):
    session, token = signed_in(server, user)
    page = get_page(server, "/web/sign-out/", {"arcsecond_session": session,
                                               "arcsecond_csrf": token})
    assert page.status == 200 and b'action="/web/sign-out/"' in page.body
    assert f'name="csrf_token" value="{token}"'.encode() in page.body
    assert "arcsecond_session" not in page.headers.get("set-cookie", "")
    assert still_signed_in(server, session)


@pytest.mark.parametrize(("fields", "cookies", "extra"), [
    ({}, {"arcsecond_csrf": "TOKEN"}, {}),  # a cross-site form cannot know the token
    ({"csrf_token": "B" * 43}, {"arcsecond_csrf": "TOKEN"}, {}),
    ({"csrf_token": "TOKEN"}, {}, {}),  # SameSite=Strict: no token cookie from another site
    ({"csrf_token": "TOKEN"}, {"arcsecond_csrf": "TOKEN"}, {"Origin": "http://evil.example"}),
])
def test_sign_out_from_another_site_is_refused(server, user, fields, cookies, extra):
    session, token = signed_in(server, user)
    fields = {k: v.replace("TOKEN", token) for k, v in fields.items()}
    cookies = {"arcsecond_session": session,
               **{k: v.replace("TOKEN", token) for k, v in cookies.items()}}
    answer = post_form(server, "/web/sign-out/", fields, cookies, extra)
    assert answer.status == 403 and "set-cookie" not in answer.headers
    assert still_signed_in(server, session)


def test_sign_out_with_the_forms_token_ends_the_session(server, user):
    session, token = signed_in(server, user)
    answer = post_form(server, "/web/sign-out/", {"csrf_token": token},
                       {"arcsecond_session": session, "arcsecond_csrf": token})
    assert answer.status == 303 and answer.headers["location"].endswith("/web/sign-in/")
    assert "arcsecond_session=;" in answer.headers["set-cookie"]
    assert not still_signed_in(server, session)

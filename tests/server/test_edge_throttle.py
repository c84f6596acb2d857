"""End-to-end, raw bytes: password guessing is throttled per username and per client address.

The servers here have short waits (``$ARCSECOND_SERVER_THROTTLE``): the rules are the same as
the defaults', only the numbers are smaller. Each request is followed on its connection by a
plain one, to show that one answer comes back for each.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from arcsecond_core import errors
from arcsecond_core.accounts import login_with_password
from arcsecond_core.config import Config
from arcsecond_core.testing import ArcsecondServer, start_server
from arcsecond_core.testing_client import SERVER_NAME, make_client

from .edge import Answer, exchange, request

pytestmark = pytest.mark.e2e

PASSWORD = "Correct-Horse-9"
JSON = {"Content-Type": "application/json"}
FOLLOW = request("GET", "/", {"Connection": "close"})
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def serve(tmp_path_factory: pytest.TempPathFactory, name: str, rules: str
          ) -> Iterator[ArcsecondServer]:
    running = start_server(tmp_path_factory.mktemp(name),
                           env={"ARCSECOND_SERVER_THROTTLE": rules})
    try:
        yield running
    finally:
        code = running.stop()
    assert code == 0, running.stderr()
    assert "Traceback" not in running.stderr(), running.stderr()


@pytest.fixture(scope="module")
def per_user(tmp_path_factory) -> Iterator[ArcsecondServer]:
    """Three free failures per username, waits of 1 s then 2 s; addresses nearly free."""
    yield from serve(tmp_path_factory, "throttle-user", "username=3,address=1000,wait=1,max=2")


@pytest.fixture(scope="module")
def per_address(tmp_path_factory) -> Iterator[ArcsecondServer]:
    """Four free failures per address; usernames nearly free."""
    yield from serve(tmp_path_factory, "throttle-address", "username=1000,address=4,wait=1,max=2")


def one_answer(server: ArcsecondServer, raw: bytes) -> tuple[Answer, float]:
    """The answer to ``raw`` (and how long it took), the plain request after it answered too."""
    started = time.monotonic()
    got = exchange(server, raw + FOLLOW)
    took = time.monotonic() - started
    assert [a.status for a in got.answers][1:] == [200] and got.closed and not got.rest, got
    return got.answers[0], took


def token_request(username: str, password: str) -> bytes:
    return request("POST", "/auth/token/", JSON,
                   json.dumps({"username": username, "password": password}).encode())


def guess(server, username: str, password: str = "wrong-guess") -> tuple[Answer, float]:
    return one_answer(server, token_request(username, password))


def seen(answer: Answer) -> tuple[int, str | None, bytes]:
    return answer.status, answer.headers.get("retry-after"), answer.body


def test_password_guesses_wait_longer_and_longer_and_the_right_one_works_after(per_user):
    ada = per_user.admin("adduser", f"ada{uuid.uuid4().hex[:6]}", "--password", PASSWORD)
    name = ada["username"]
    firsts = [guess(per_user, name)[0] for _ in range(3)]
    assert [a.status for a in firsts] == [400, 400, 400]
    throttled, _took = guess(per_user, name, PASSWORD)  # even the right password must wait
    assert seen(throttled) == (429, "1", b'{"detail":"Request was throttled. Expected available'
                                         b' in 1 second."}')
    assert throttled.headers["content-type"] == "application/json"
    time.sleep(1.1)
    assert guess(per_user, name)[0].status == 400  # the wait is over: one more guess
    again = guess(per_user, name)[0]
    assert seen(again)[:2] == (429, "2") and b"Expected available in 2 seconds." in again.body
    time.sleep(2.1)
    right = guess(per_user, name, PASSWORD)[0]
    assert right.status == 200 and len(json.loads(right.body)["token"]) == 40
    assert guess(per_user, name)[0].status == 400  # the success cleared the count


def test_an_unknown_username_is_throttled_exactly_like_a_real_one(per_user):
    real = per_user.admin("adduser", f"ada{uuid.uuid4().hex[:6]}", "--password", PASSWORD)
    names = {"real": real["username"], "unknown": f"nobody{uuid.uuid4().hex[:6]}"}
    answers: dict[str, list[tuple[int, str | None, bytes]]] = {"real": [], "unknown": []}
    times: dict[str, dict[int, list[float]]] = {"real": {}, "unknown": {}}
    for _ in range(5):
        for which, name in names.items():
            answer, took = guess(per_user, name)
            answers[which].append(seen(answer))
            times[which].setdefault(answer.status, []).append(took)
    assert answers["real"] == answers["unknown"]
    assert [a[0] for a in answers["real"]] == [400, 400, 400, 429, 429]
    # The same timing class: a failure costs a password hash for both; a 429 costs none.
    real_fail = statistics.median(times["real"][400])
    unknown_fail = statistics.median(times["unknown"][400])
    assert 0.33 < unknown_fail / real_fail < 3, times
    assert max(times["real"][429] + times["unknown"][429]) < 1.0, times


def test_guesses_from_one_address_are_throttled_across_usernames_and_endpoints(per_address):
    user = per_address.add_user(f"kim{uuid.uuid4().hex[:6]}")
    verify = [one_answer(per_address, request(
        "POST", "/auth/key/verify/", JSON,
        json.dumps({"username": f"user{i}", "key": uuid.uuid4().hex}).encode()))[0]
        for i in range(4)]
    assert [a.status for a in verify] == [400] * 4
    assert guess(per_address, f"other{uuid.uuid4().hex[:6]}")[0].status == 429
    # the sign-in page counts the same failures, and says so in a page
    page = one_answer(per_address, request("GET", "/web/sign-in/", {"Accept": BROWSER}))[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
    sign_in = request("POST", "/web/sign-in/", {
        "Content-Type": "application/x-www-form-urlencoded", "Accept": BROWSER,
        "Cookie": f"arcsecond_csrf={token}"},
        urlencode({"key": user["access_key"], "csrf_token": token}).encode())
    refused = one_answer(per_address, sign_in)[0]
    assert refused.status == 429 and refused.headers["retry-after"] == "1"
    assert b"Request was throttled. Expected available in 1 second." in refused.body
    assert b'name="key"' in refused.body  # the form again, to try after the wait
    time.sleep(1.1)
    signed_in = one_answer(per_address, sign_in)[0]
    assert signed_in.status == 303 and "arcsecond_session=" in signed_in.headers["set-cookie"]


def test_a_login_waits_within_its_timeout_or_says_how_long_to_wait(per_user, tmp_path):
    carol = per_user.admin("adduser", f"carol{uuid.uuid4().hex[:6]}", "--password", PASSWORD)
    name = carol["username"]
    config = Config(make_client(per_user, tmp_path / "config").config_dir)
    for _ in range(3):
        guess(per_user, name)
    # The next check must wait 1 s: within its timeout, the client waits, then logs in.
    started = time.monotonic()
    saved = login_with_password(name, PASSWORD, server=SERVER_NAME, config=config, timeout=10)
    assert saved.username == name and time.monotonic() - started >= 0.8
    for _ in range(3):
        guess(per_user, name)
    time.sleep(1.1)
    guess(per_user, name)  # the fifth failure: 2 s to wait
    started = time.monotonic()
    with pytest.raises(errors.TooManyRequests) as refused:
        login_with_password(name, PASSWORD, server=SERVER_NAME, config=config, timeout=1)
    assert time.monotonic() - started < 0.9  # at once, not after sleeping to the timeout
    assert "Expected available in 2 seconds." in str(refused.value)


@pytest.fixture(scope="module")
def long_waits(tmp_path_factory) -> Iterator[ArcsecondServer]:
    """One free failure per username, then 30 s: longer than any client's start."""
    yield from serve(tmp_path_factory, "throttle-long", "username=1,address=1000,wait=30,max=30")


def test_arcsecond_login_says_in_one_line_how_long_to_wait(long_waits, tmp_path):
    dora = long_waits.admin("adduser", f"dora{uuid.uuid4().hex[:6]}", "--password", PASSWORD)
    client = make_client(long_waits, tmp_path / "config")
    login = ("--timeout", "5", "login", "-u", dora["username"], "--password")
    failed = client.run(*login, input="wrong\n", timeout=60)
    assert failed.returncode == 1 and "Unable to log in" in failed.stderr
    started = time.monotonic()
    refused = client.run(*login, input=PASSWORD + "\n", timeout=60)
    took = time.monotonic() - started
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert re.search(r"login failed on local .*: Request was throttled\. Expected available in "
                     r"(2\d|30) seconds \(nothing was saved\)$", lines[0]), lines
    assert took < 25, took  # it did not sleep through the wait (nor to --timeout's end, 5 s)

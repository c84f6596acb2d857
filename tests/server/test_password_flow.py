"""End-to-end: the older clients' password flow (auth/token, registration, keys read with a
token) with DRF's own error bodies, and the profile's fields."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid

import pytest
import requests

from arcsecond_core.testing import arcsecond_script, start_server

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-9"


def post(server, path: str, body: dict) -> requests.Response:
    return requests.post(server.endpoint(path), json=body, timeout=30)


def with_token(server, path: str, token: str) -> requests.Response:
    return requests.get(server.endpoint(path), headers={"Authorization": f"Token {token}"},
                        timeout=30)


@pytest.fixture(scope="module")
def walter(server):
    name = f"w{uuid.uuid4().hex[:8]}"
    return server.admin("adduser", name, "--password", PASSWORD, "--first-name", "Walter",
                        "--last-name", "Baade", "--email", f"{name}@example.org")


def test_password_is_stored_as_a_salted_hash(server, walter):
    conn = sqlite3.connect(server.data_dir / "arcsecond.sqlite3")
    stored = conn.execute("SELECT password_hash FROM users WHERE username = ?",
                          (walter["username"],)).fetchone()[0]
    conn.close()
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert walter["has_password"] is True and "password" not in walter


def test_token_then_keys_then_profile(server, walter):
    answer = post(server, "auth/token/", {"username": walter["username"], "password": PASSWORD})
    assert answer.status_code == 200
    token = answer.json()["token"]
    assert with_token(server, f"profiles/{walter['username']}/apikey/", token).json() == {
        "api_key": walter["access_key"]}
    assert with_token(server, f"profiles/{walter['username']}/uploadkey/", token).json() == {
        "upload_key": walter["upload_key"]}
    profile = with_token(server, f"profiles/{walter['username']}/", token).json()
    assert profile["first_name"] == "Walter" and profile["last_name"] == "Baade"
    assert profile["membership_date"].endswith("Z") and profile["memberships"] == []
    assert set(profile) == {"username", "first_name", "last_name", "email", "membership_date",
                            "memberships"}


def test_token_is_accepted_nowhere_else(server, walter, alice):
    token = post(server, "auth/token/", {"username": walter["username"],
                                         "password": PASSWORD}).json()["token"]
    assert with_token(server, "datasets/", token).status_code == 401
    assert with_token(server, "objects/M31/", token).status_code == 401
    assert with_token(server, f"profiles/{alice[0]['username']}/", token).status_code == 403
    assert with_token(server, f"profiles/{alice[0]['username']}/apikey/", token).status_code == 403
    assert with_token(server, f"profiles/{walter['username']}/apikey/", "nope").status_code == 401
    plain = requests.get(server.endpoint(f"profiles/{walter['username']}/apikey/"), timeout=30)
    assert plain.status_code == 401
    keyed = requests.get(server.endpoint(f"profiles/{walter['username']}/apikey/"),
                         headers=server.headers(walter["access_key"]), timeout=30)
    assert keyed.status_code == 401


@pytest.mark.parametrize("body", [
    {"username": "nobody-here", "password": PASSWORD},
    {"username": "WRONG", "password": "x"},
])
def test_bad_credentials_drf_message(server, body):
    answer = post(server, "auth/token/", body)
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_wrong_password_and_missing_fields(server, walter):
    wrong = post(server, "auth/token/", {"username": walter["username"], "password": "nope"})
    assert wrong.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    missing = post(server, "auth/token/", {})
    assert missing.status_code == 400
    assert missing.json() == {"username": ["This field is required."],
                              "password": ["This field is required."]}
    no_password_user = server.add_user(f"n{uuid.uuid4().hex[:8]}")
    nope = post(server, "auth/token/", {"username": no_password_user["username"], "password": ""})
    assert nope.json() == {"password": ["This field may not be blank."]}
    assert requests.get(server.endpoint("auth/token/"), timeout=30).status_code == 405


def test_registration_on_loopback(server):
    name = f"r{uuid.uuid4().hex[:8]}"
    body = {"username": name, "email": f"{name}@example.org", "password1": PASSWORD,
            "password2": PASSWORD}
    answer = post(server, "auth/registration/", body)
    assert answer.status_code == 201, answer.text
    token = answer.json()["key"]
    keys = with_token(server, f"profiles/{name}/apikey/", token).json()
    datasets = requests.get(server.endpoint("datasets/"), headers=server.headers(keys["api_key"]),
                            timeout=30)
    assert datasets.status_code == 200
    again = post(server, "auth/registration/", {**body, "email": "other@example.org"})
    assert again.status_code == 400
    assert again.json() == {"username": ["A user with that username already exists."]}
    login = post(server, "auth/token/", {"username": name, "password": PASSWORD})
    assert login.status_code == 200


@pytest.mark.parametrize("change,expected", [
    ({"password2": "Different-Horse-9"},
     {"non_field_errors": ["The two password fields didn't match."]}),
    ({"password1": "short", "password2": "short"},
     {"password1": ["This password is too short. It must contain at least 8 characters."]}),
    ({"password1": "12345678901", "password2": "12345678901"},
     {"password1": ["This password is entirely numeric."]}),
    ({"password1": "password", "password2": "password"},
     {"password1": ["This password is too common."]}),
    ({"email": "not-an-email"}, {"email": ["Enter a valid email address."]}),
    ({"username": "bad name!"}, {"username": ["Enter a valid username. This value may contain "
                                              "only letters, numbers, and @/./+/-/_ characters."]}),
    ({"username": None}, {"username": ["This field is required."]}),
])
def test_registration_field_errors(server, change, expected):
    name = f"r{uuid.uuid4().hex[:8]}"
    body = {"username": name, "email": f"{name}@example.org", "password1": PASSWORD,
            "password2": PASSWORD, **change}
    body = {k: v for k, v in body.items() if v is not None}
    answer = post(server, "auth/registration/", body)
    assert answer.status_code == 400
    assert answer.json() == expected


def test_registration_closed_by_option(tmp_path):
    closed = start_server(tmp_path / "data", "--registration", "closed")
    try:
        answer = post(closed, "auth/registration/", {"username": "x", "email": "x@example.org",
                                                     "password1": PASSWORD,
                                                     "password2": PASSWORD})
        assert answer.status_code == 403
        assert answer.json() == {"detail": "Registration is closed on this server."}
    finally:
        assert closed.stop() == 0


def test_registration_auto_is_closed_off_loopback(tmp_path):
    """On a non-loopback address the default refuses registration (loopback clients still
    reach the wildcard address)."""
    other = start_server(tmp_path / "data", "--host", "0.0.0.0")
    try:
        assert "0.0.0.0" in other.url
        local = other.url.replace("0.0.0.0", "127.0.0.1")
        answer = requests.post(local + "/auth/registration/", json={
            "username": "x", "email": "x@example.org", "password1": PASSWORD,
            "password2": PASSWORD}, timeout=30)
        assert answer.status_code == 403
    finally:
        assert other.stop() == 0


def test_adduser_password_from_a_pipe(tmp_path):
    data = ["--data-dir", str(tmp_path)]
    proc = subprocess.run([arcsecond_script(), "server", "adduser", "piped", "--password", *data,
                           "-f", "json"], input=f"{PASSWORD}\n", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert PASSWORD not in proc.stdout
    server = start_server(tmp_path)
    try:
        assert post(server, "auth/token/", {"username": "piped",
                                            "password": PASSWORD}).status_code == 200
    finally:
        assert server.stop() == 0
    empty = subprocess.run([arcsecond_script(), "server", "adduser", "empty", "--password", *data],
                           input="\n", capture_output=True, text=True, timeout=60)
    assert empty.returncode == 2 and len(empty.stderr.strip().splitlines()) == 1

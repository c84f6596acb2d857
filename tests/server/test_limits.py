"""End-to-end: hard limits and bad input never make a 500 or a traceback."""

from __future__ import annotations

import json
import select
import socket
import time
from urllib.parse import urlsplit

import pytest

from arcsecond_core.testing import ArcsecondServer

from .conftest import new_user, partial_files, stored_files

pytestmark = pytest.mark.e2e

HUGE_IDS = ("9223372036854775808", "99999999999999999999999999", "-9223372036854775809",
            "1" * 400)


def chunked_post(server: ArcsecondServer, path: str, headers: dict[str, str], total: int,
                 piece: bytes) -> tuple[bytes, int]:
    """POST ``total`` bytes of repeated ``piece`` in chunks; stop at the first byte of answer.

    Returns the answer's first bytes and how many body bytes were sent before it came.
    """
    parts = urlsplit(server.url)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Transfer-Encoding: chunked",
                *(f"{k}: {v}" for k, v in headers.items())]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        deadline = time.monotonic() + 60
        while sent < total and time.monotonic() < deadline:
            if select.select([sock], [], [], 0)[0]:
                break
            chunk = piece * max(1, 256 * 1024 // len(piece))
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except OSError:
                break
            sent += len(chunk)
        else:
            if sent >= total:
                sock.sendall(b"0\r\n\r\n")
        sock.settimeout(30)
        answer = sock.recv(65536)
    return answer, sent


def test_chunked_json_body_is_capped(server):
    user, api = new_user(server)
    before = api.get("datasets/").json()["count"]
    headers = {**server.headers(user["access_key"]), "Content-Type": "application/json"}
    # a valid JSON object of 60 MB: {"name": "x", "pad": "aaaa...."}
    answer, sent = chunked_post(server, "/datasets/", headers, 60 * 1024 * 1024, b"a" * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 20 * 1024 * 1024, "the server read far past its limit"
    assert api.get("datasets/").json()["count"] == before
    # the same limit for a form body
    form = {**server.headers(user["access_key"]),
            "Content-Type": "application/x-www-form-urlencoded"}
    answer, _ = chunked_post(server, "/datasets/", form, 60 * 1024 * 1024, b"name=" + b"a" * 1019)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert api.get("datasets/").json()["count"] == before
    assert "Traceback" not in server.stderr()


def test_ids_beyond_64_bits_are_not_found(server):
    _user, api = new_user(server)
    for raw in HUGE_IDS:
        for method in ("GET", "PATCH", "DELETE"):
            answer = api.request(method, f"datafiles/{raw}/", json={})
            assert answer.status_code == 404, (method, raw, answer.text)
        assert api.get(f"datafiles/{raw}/download/").status_code == 404
        for resource in ("observations", "calibrations"):
            answer = api.get(f"{resource}/", params={"datafile": raw})
            assert answer.status_code == 400, answer.text
            assert answer.json() == {"datafile": ["A valid integer is required."]}
            assert api.get(f"{resource}/{raw}/").status_code == 404
    assert "Traceback" not in server.stderr()


def test_deeply_nested_json_is_a_400(server):
    _user, api = new_user(server)
    for body in ("[" * 200_000 + "]" * 200_000, '{"a":' * 200_000 + "1" + "}" * 200_000,
                 '{"name": ' + "[" * 200_000 + "]" * 200_000 + "}"):
        answer = api.post("datasets/", data=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, answer.text[:200]
        assert "JSON parse error" in answer.json()["detail"]
    assert "Traceback" not in server.stderr()


def test_invalid_utf8_and_wrong_content_types(server):
    user, api = new_user(server)
    dataset = api.dataset()
    json_type = {"Content-Type": "application/json"}
    answer = api.post("datasets/", data=b'{"name": "caf\xe9 \xff"}', headers=json_type)
    assert answer.status_code == 400 and "JSON parse error" in answer.json()["detail"]
    answer = api.patch(f"datasets/{dataset['uuid']}/", data=b"\xff\xfe\x00", headers=json_type)
    assert answer.status_code == 400
    # a data file sent as JSON, or as multipart without a boundary
    answer = api.post("datafiles/", json={"dataset": dataset["uuid"]})
    assert answer.status_code == 415
    answer = api.post("datafiles/", data=b"--x\r\n",
                      headers={"Content-Type": "multipart/form-data"})
    assert answer.status_code == 400
    # a JSON endpoint given multipart without a boundary, or an unknown type
    answer = api.post("datasets/", data=b"name=x", headers={"Content-Type": "multipart/form-data"})
    assert answer.status_code == 400
    answer = api.post("datasets/", data=b"\x00\x01binary", headers={"Content-Type": "image/png"})
    assert answer.status_code == 400
    # a multipart file part whose name is not UTF-8
    boundary = "bnd"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n'
            f'{dataset["uuid"]}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="').encode() + b"\xff\xfe.fits" + \
        f'"\r\n\r\nSIMPLE\r\n--{boundary}--\r\n'.encode()
    answer = api.post("datafiles/", data=body,
                      headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code < 500, answer.text
    assert "Traceback" not in server.stderr()
    assert user


def test_unknown_fields_are_ignored(server):
    _user, api = new_user(server)
    answer = api.post("datasets/", json={"name": "known", "bogus": [1, 2], "uuid": "mine"})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert "bogus" not in created and created["uuid"] != "mine"
    answer = api.patch(f"datasets/{created['uuid']}/", json={"owner": "someone", "x": {"y": 1}})
    assert answer.status_code == 200
    assert api.get(f"datasets/{created['uuid']}/").json() == answer.json()


def test_a_dataset_deleted_during_an_upload_is_not_a_duplicate(server):
    user, api = new_user(server)
    dataset = api.dataset()
    parts = urlsplit(server.url)
    boundary = "b0undary"
    content = b"\0" * 3_000_000
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n'
            f'{dataset["uuid"]}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="gone.bin"\r\n\r\n').encode() + content + f"\r\n--{boundary}--\r\n".encode()
    head = (f"POST /datafiles/ HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"X-Arcsecond-API-Authorization: Key {user['access_key']}\r\n\r\n").encode()
    before = stored_files(server)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head + body[:1_000_000])
        time.sleep(0.3)
        assert api.delete(f"datasets/{dataset['uuid']}/").status_code == 204
        sock.sendall(body[1_000_000:])
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            piece = sock.recv(65536)
            if not piece:
                break
            answer += piece
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 400"), answer[:300]
    payload = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert "dataset" in payload and "already exists" not in json.dumps(payload)
    assert stored_files(server) == before


def test_organisations_lists_only_the_callers_portals(server):
    member, api = new_user(server)
    _outsider, other = new_user(server)
    server.admin("addportal", f"p{member['username'][:8]}", "--member", member["username"])
    server.admin("addportal", f"q{member['username'][:8]}", "--member", _outsider["username"])
    mine = {o["subdomain"] for o in api.get("organisations/").json()["results"]}
    assert mine == {f"p{member['username'][:8]}"}
    theirs = {o["subdomain"] for o in other.get("organisations/").json()["results"]}
    assert theirs == {f"q{member['username'][:8]}"}
    # a portal's detail (subdomain and name) is readable by any caller: see the server README
    answer = other.get(f"organisations/p{member['username'][:8]}/")
    assert answer.status_code == 200
    assert set(answer.json()) == {"subdomain", "name"}


def multipart_body(boundary: str, parts: list[tuple[str, str]], tail: str = "--\r\n") -> bytes:
    """``parts`` are (Content-Disposition parameters, content); ``tail`` ends the body."""
    text = "".join(f"--{boundary}\r\nContent-Disposition: form-data; {params}\r\n\r\n{content}\r\n"
                   for params, content in parts)
    return (text + f"--{boundary}{tail}").encode()


@pytest.mark.parametrize(("case", "status", "words"), [
    ("cut short", 400, "Multipart form parse error"),
    ("no boundary at all", 400, "Multipart form parse error"),
    ("too many parts", 413, "Multipart form parse error"),
    ("a part head too long", 413, "Multipart form parse error"),
])
def test_malformed_multipart_bodies_are_4xx_and_leave_nothing(server, case, status, words):
    _, api = new_user(server)
    dataset = api.dataset()["uuid"]
    fields = [('name="dataset"', dataset), ('name="file"; filename="x.fits"', "SIMPLE = T")]
    body = {
        "cut short": multipart_body("b0undary", fields)[:-30],
        "no boundary at all": b"just some bytes, no parts",
        "too many parts": multipart_body("b0undary", [('name="tag"', "x")] * 1200 + fields),
        "a part head too long": multipart_body(
            "b0undary", [(f'name="dataset"; x="{"y" * 20000}"', dataset), *fields[1:]]),
    }[case]
    answer = api.post("datafiles/", data=body,
                      headers={"Content-Type": "multipart/form-data; boundary=b0undary"})
    assert answer.status_code == status, answer.text
    assert words in answer.json()["detail"]
    assert partial_files(server) == []
    assert api.get("datafiles/", params={"dataset": dataset}).json()["count"] == 0
    assert "Traceback" not in server.stderr()

"""End-to-end fuzz: thousands of generated requests, none answered 5xx, no traceback logged."""

from __future__ import annotations

import http.client
import json
import random
import re
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from arcsecond_core.testing import start_server

pytestmark = pytest.mark.e2e

REQUESTS = 3000
TIME_LIMIT = 180.0
RESOURCES = ("profiles", "organisations", "observingsites", "telescopes", "datasets", "datafiles",
             "nightlogs", "observations", "calibrations", "datapackages", "auth/key/verify",
             "auth/key/verify-organisation", "web/datasets", "nosuch")
API = ("datasets", "datafiles", "nightlogs", "datapackages", "telescopes", "observations")
METHODS = ("GET", "GET", "POST", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE")
FIELDS = ("name", "telescope", "dataset", "tags", "custom_tags", "is_raw", "night_log", "date",
          "observing_site", "datasets", "nightlogs", "description", "username", "key",
          "organisation", "file_name", "page", "page_size")
CONTENT_TYPES = ("application/json", "application/json", "application/json",
                 "application/json; charset=latin-1", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data",
                 "multipart/form-data; boundary=zz", "multipart/form-data; boundary=",
                 "image/fits", "", "application/json; boundary=zz", "*/*")


class Generator:
    """Random requests from a seed: paths, ids, query strings, headers and bodies."""

    def __init__(self, seed: int, keys: list[str], known: dict[str, list[str]]) -> None:
        self.random = random.Random(seed)
        self.keys = keys
        self.known = known

    def text(self) -> str:
        r = self.random
        return r.choice([
            "", " ", "x", "a" * r.randint(200, 3000), "\u00e9\u4e2d\U0001f52d", "\x00\x01",
            "../../etc/passwd", ".", "..", "null", "true", "0", "-1", "1e309", "NaN",
            "'; DROP TABLE datasets; --", "%00", "\ud800".encode("utf-8", "surrogatepass")
            .decode("latin-1"), str(uuid.uuid4()), r.choice(self.known["datasets"] or ["x"]),
        ])

    def ident(self) -> str:
        r = self.random
        return r.choice([
            str(r.randint(-10, 10**6)), str(2**63), str(-(2**63) - 1), "9" * r.randint(19, 500),
            str(uuid.uuid4()), str(uuid.uuid4()).upper(), uuid.uuid4().hex, "0x10", "1.5",
            "%20", "%FF%FE", "a" * 300, r.choice(self.known["datasets"] or ["x"]),
            r.choice(self.known["datafiles"] or ["1"]), "demo",
        ])

    def value(self, depth: int = 0) -> Any:
        r = self.random
        kind = r.randint(0, 9 if depth < 3 else 5)
        if kind == 0:
            return None
        if kind == 1:
            return r.choice([True, False])
        if kind == 2:
            return r.choice([0, -1, 2**63, -(2**64), 10**400, 1.5, 1e308])
        if kind in (3, 4, 5):
            return self.text()
        if kind in (6, 7):
            return [self.value(depth + 1) for _ in range(r.randint(0, 4))]
        return {r.choice(FIELDS): self.value(depth + 1) for _ in range(r.randint(0, 5))}

    def path(self) -> str:
        r = self.random
        portal = r.choice(["", "", "", "", "", "demo-observatory/", "demo-observatory/",
                           "nosuchportal/", "datasets/", "%E2%82%AC/"])
        resource = r.choice(RESOURCES) if r.random() < 0.3 else r.choice(API)
        shape = r.choices(range(5), weights=(40, 30, 10, 10, 10))[0]
        if shape == 0:
            path = f"/{portal}{resource}/"
        elif shape == 1:
            path = f"/{portal}{resource}/{quote(self.ident(), safe='%')}/"
        elif shape == 2:
            path = f"/{portal}datafiles/{quote(self.ident(), safe='%')}/download/"
        elif shape == 3:
            path = f"/{resource}/{quote(self.text(), safe='')}"
        else:
            path = "/" + "/".join(quote(self.text(), safe="") for _ in range(r.randint(1, 6)))
        if r.random() < 0.4:
            params = [(r.choice((*FIELDS, "datafile", "dataset")), self.ident())
                      for _ in range(r.randint(1, 3))]
            path += "?" + "&".join(f"{quote(k)}={quote(v, safe='%')}" for k, v in params)
        return path

    def body(self, content_type: str) -> bytes:
        r = self.random
        kind = r.choices(range(8), weights=(1, 1, 1, 1, 1, 1, 4, 1))[0]
        if kind == 0:
            return b""
        if kind == 1:
            return r.randbytes(r.randint(1, 2000))
        if kind == 2:
            text = json.dumps(self.value(), default=str)
            return text[: r.randint(0, len(text))].encode()
        if kind == 3:
            depth = r.choice([100, 1000, 5000, 50_000])
            return ("[" * depth + "]" * depth).encode()
        if kind == 4 and "boundary=zz" in content_type:
            parts = b"".join(
                b'--zz\r\nContent-Disposition: form-data; name="' + r.choice(FIELDS).encode()
                + (b'"; filename="' + self.text().encode("utf-8", "replace") + b'"'
                   if r.random() < 0.5 else b'"')
                + b"\r\n\r\n" + r.randbytes(r.randint(0, 300)) + b"\r\n"
                for _ in range(r.randint(0, 4)))
            return parts + r.choice([b"--zz--\r\n", b"--zz", b""])
        if kind == 5 and r.random() < 0.5:
            return "&".join(f"{k}={quote(self.text())}" for k in r.sample(FIELDS, 3)).encode()
        if kind == 6:  # plausible: known fields with odd values
            fields = r.sample(FIELDS, r.randint(0, 2))
            plausible = {"name": f"n{r.randint(0, 10**6)}", **{f: self.value() for f in fields}}
            return json.dumps(plausible, default=str).encode("utf-8", "surrogatepass")
        return json.dumps(self.value(), default=str).encode("utf-8", "surrogatepass")

    def request(self) -> tuple[str, str, dict[str, str], bytes]:
        r = self.random
        method = r.choice(METHODS)
        content_type = r.choice(CONTENT_TYPES)
        headers = {"Content-Type": content_type}
        auth = r.randint(0, 9)
        if auth <= 7:
            headers["X-Arcsecond-API-Authorization"] = f"Key {r.choice(self.keys)}"
        elif auth == 8:
            headers["X-Arcsecond-API-Authorization"] = r.choice(
                ["Key", "Key  ", "Token abc", "Key " + "k" * 5000, "Key \u00e9"])
        if r.random() < 0.1:
            headers["Accept"] = r.choice(["text/html", "*/*", "application/json;q=0"])
        if r.random() < 0.05:
            headers["Range"] = r.choice(["bytes=0-10", "bytes=-5", "bytes=99999999999-", "x"])
        path = self.path()
        if r.random() < 0.3:  # aim at the writes: create, or change a dataset that exists
            method = r.choice(["POST", "PATCH"])
            target = r.choice(self.known["datasets"] or ["x"])
            path = f"/{r.choice(API)}/" if method == "POST" else f"/datasets/{target}/"
        body = self.body(content_type) if method in ("POST", "PATCH", "PUT", "DELETE") else b""
        return method, path, headers, body


def raw_requests(seed: int, count: int) -> Iterator[bytes]:
    """Broken HTTP: odd request lines, header lines and framing."""
    r = random.Random(seed)
    lines = [b"GET / HTTP/1.1", b"GET /datasets/ HTTP/1.1", b"POST /datafiles/ HTTP/1.1",
             b"GET / HTTP/9.9", b"GET", b"\x00\x01\x02", b"GET /\xff\xfe HTTP/1.1",
             b"GET " + b"/a" * 5000 + b" HTTP/1.1", b"BREW /pot HTCPCP/1.0", b""]
    headers = [b"Host: x", b"Content-Length: -1", b"Content-Length: 99999999999999999999",
               b"Content-Length: 5", b"Content-Length: 1, 2", b"Transfer-Encoding: chunked",
               b"Transfer-Encoding: gzip, chunked", b"Content-Type: multipart/form-data",
               b"X-Arcsecond-API-Authorization: Key \xff", b"NoColon", b": empty",
               b"X-Big: " + b"b" * 70000, b"\tfolded", b"Expect: 100-continue"]
    bodies = [b"", b"hello", b"zz\r\nxx\r\n0\r\n\r\n", b"5\r\nabc", b"0\r\n\r\n",
              b"FFFFFFFFFFFFFFFFFFFFFF\r\nabc", b"-5\r\nabc"]
    for _ in range(count):
        head = [r.choice(lines), *r.sample(headers, r.randint(0, 4))]
        yield b"\r\n".join(head) + b"\r\n\r\n" + r.choice(bodies)


def test_broken_http_never_makes_a_server_error(arcsecond_server):
    parts = urlsplit(arcsecond_server.url)
    answers: dict[bytes, int] = {}
    for raw in raw_requests(7, 300):
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            try:
                sock.sendall(raw)
                sock.shutdown(socket.SHUT_WR)
                status = sock.recv(12)
            except OSError:
                continue
        code = status[9:12]
        answers[code] = answers.get(code, 0) + 1
        assert not code.startswith(b"5"), (raw[:200], status)
    assert len(answers) > 2, answers
    assert "Traceback" not in arcsecond_server.stderr()


def test_generated_requests_never_make_a_server_error(tmp_path):
    running = start_server(tmp_path / "data", "--threads", "8")
    try:
        demo = running.admin("demo")
        other = running.add_user("fuzzer")
        keys = [demo["access_key"], demo["upload_key"], other["access_key"]]
        known: dict[str, list[str]] = {"datasets": [], "datafiles": []}
        parts = urlsplit(running.url)
        assert parts.hostname == "127.0.0.1" and parts.port

        def connect() -> http.client.HTTPConnection:
            return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

        generator = Generator(20261123, keys, known)
        connection = connect()
        failures: list[str] = []
        statuses: dict[int, int] = {}
        started = time.monotonic()
        sent = 0
        for _ in range(REQUESTS):
            if time.monotonic() - started > TIME_LIMIT:
                break
            method, path, headers, body = generator.request()
            encoded = {k: v.encode("utf-8", "surrogateescape").decode("latin-1")
                       for k, v in headers.items()}
            try:
                connection.request(method, path, body=body or None, headers=encoded)
                answer = connection.getresponse()
                payload = answer.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = connect()
                continue
            sent += 1
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            if answer.status >= 500:
                failures.append(f"{method} {path[:120]} -> {answer.status} {payload[:200]!r}")
            if answer.status == 201 and payload.startswith(b"{"):
                created = json.loads(payload)
                if "uuid" in created:
                    known["datasets"].append(created["uuid"])
                if "id" in created:
                    known["datafiles"].append(str(created["id"]))
            if answer.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = connect()
        connection.close()
    finally:
        code = running.stop()
    assert failures == [], failures[:10]
    assert sent >= REQUESTS * 0.9, (sent, statuses)
    assert len(statuses) > 4, statuses
    assert code == 0
    log = running.stderr()
    assert "Traceback" not in log, log[-3000:]


@pytest.mark.parametrize(("head", "reason"), [
    (b"GET / HTTP/9.9\r\nHost: x", b"Only HTTP/1.x is spoken here."),
    (b"POST /datasets/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked",
     b"Only the chunked transfer coding is accepted."),
])
def test_what_the_engine_cannot_take_is_a_400_that_says_why(arcsecond_server, head, reason):
    parts = urlsplit(arcsecond_server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + b"\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer[:80]
    assert answer.endswith(reason)


#: Text no field may hold (400) and control characters fields may hold (never a 5xx), as JSON
#: escapes; and the same as percent-escapes in a query string, with invalid UTF-8 besides.
JSON_FORMS = ("\ud800", "x\udfff", "\ud83d", "\x00", "a\x00b", "\r\n", "\x1b[31m", "\t", "\x7f",
              "\u2028", "\ufeff", "\x0b\x0c")
QUERY_FORMS = ("%00", "a%00b", "%ED%A0%80", "%ED%BF%BF", "%0D%0A", "%1B", "%C0%80", "%F4%90%80%80",
               "%FF", "%7F", "%09", "%0B%0C")
WRITABLE = ("datasets", "datafiles", "nightlogs", "datapackages", "telescopes", "observingsites",
            "observations", "calibrations", "activities", "observingruns", "instruments",
            "profiles", "organisations")
LISTS = (*WRITABLE, "objects", "exoplanets", "satellites")
FILTER_INPUT = re.compile(r'<input name="([^"]+)"')


def test_malformed_text_in_every_field_and_filter_is_never_a_server_error(arcsecond_server):
    server = arcsecond_server
    user = server.add_user(f"text{uuid.uuid4().hex[:8]}")
    key = user["access_key"]
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    failures: list[str] = []
    statuses: dict[int, int] = {}

    def send(method: str, path: str, body: bytes | None = None, accept: str = "application/json"
             ) -> tuple[int, bytes]:
        nonlocal connection
        headers = {"X-Arcsecond-API-Authorization": f"Key {key}", "Accept": accept,
                   "Content-Type": "application/json"}
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        payload = answer.read()
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
        if answer.status >= 500:
            failures.append(f"{method} {path} {body!r:.120} -> {answer.status} {payload[:200]!r}")
        if answer.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        return answer.status, payload

    telescope = json.loads(send("POST", "/telescopes/", json.dumps({"name": "T"}).encode())[1])
    dataset = json.loads(send("POST", "/datasets/", json.dumps({"name": "D"}).encode())[1])
    objects = {"datasets": dataset.get("uuid"), "telescopes": telescope.get("uuid"),
               "profiles": user["username"]}
    for resource in WRITABLE:
        # Every field the resource shows, and the fuzzer's own field names.
        fields = set(FIELDS) | {"username", "key", "password", "email", "organisation"}
        if objects.get(resource):
            status, shown = send("GET", f"/{resource}/{objects[resource]}/")
            if status == 200:
                fields |= set(json.loads(shown))
        for index, name in enumerate(sorted(fields)):
            for method, path in (("POST", f"/{resource}/"),
                                 ("PATCH", f"/{resource}/{objects.get(resource) or 1}/")):
                form = JSON_FORMS[(index + len(method)) % len(JSON_FORMS)]
                body = {"name": f"n{index}", name: form}
                status, _payload = send(method, path, json.dumps(body).encode())
                bad_text = "\x00" in form or any(0xD800 <= ord(c) <= 0xDFFF for c in form)
                if bad_text and status in (200, 201):
                    failures.append(f"{method} {path} stored {body!r}")
    for path in ("/auth/key/verify/", "/auth/key/verify-organisation/", "/auth/token/"):
        for form in JSON_FORMS:
            send("POST", path, json.dumps({"username": form, "key": form, "password": form,
                                           "organisation": form}).encode())
    for resource in LISTS:
        status, page = send("GET", f"/{resource}/", accept="text/html")
        filters = set(FILTER_INPUT.findall(page.decode())) | {"page", "page_size", "name"}
        for name in sorted(filters):
            for form in QUERY_FORMS:
                for accept in ("application/json", "text/html"):
                    send("GET", f"/{resource}/?{quote(name)}={form}", accept=accept)
    connection.close()
    assert failures == [], failures[:10]
    assert 400 in statuses and 200 in statuses, statuses
    assert "Traceback" not in server.stderr(), server.stderr()[-3000:]

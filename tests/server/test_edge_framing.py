"""End-to-end, raw bytes: the engine frames requests strictly, so nothing is smuggled.

Each smuggling test sends a second request in the same bytes and checks that exactly one answer
comes back and that the server then closes the connection: a proxy in front would otherwise take
the second answer for the next client's.
"""

from __future__ import annotations

import json

import pytest

from .conftest import partial_files
from .edge import exchange, request

pytestmark = pytest.mark.e2e

SMUGGLED = request("GET", "/nosuch-smuggled/")
VERIFY = {"Content-Type": "application/json"}


def refused(server, raw: bytes, words: bytes) -> None:
    """``raw`` gets one 400 saying ``words``, nothing more, and the connection is closed."""
    got = exchange(server, raw)
    answer = got.only
    assert answer.status == 400, answer
    assert words in answer.body, answer.body
    assert answer.headers.get("connection") == "close"
    assert got.closed


@pytest.mark.parametrize("framing", [
    b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
    b"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n",
])
def test_content_length_with_transfer_encoding_is_refused(server, framing):
    # CL.TE: a proxy framing by Content-Length forwards "0\r\n\r\n" + the smuggled request as
    # one body; the server, framing by chunks, would have answered the smuggled one too.
    raw = request("POST", "/", head_extra=framing) + b"0\r\n\r\n" + SMUGGLED
    refused(server, raw, b"both Content-Length and Transfer-Encoding")


@pytest.mark.parametrize("path", ["/auth/key/verify/", "/"])
@pytest.mark.parametrize("chunk", [b"zz", b"0x2", b"-2", b"2 2", b" 2", b"2\n{}", b"2;a\x00b",
                                   b"2;a\rb", b"+2", b"2_0"])
def test_a_broken_chunk_is_a_400_and_ends_the_connection(server, path, chunk):
    # "/" never reads its body: the engine reads it before answering, and finds it broken.
    raw = (request("POST", path, {**VERIFY, "Transfer-Encoding": "chunked"})
           + chunk + b"\r\n{}\r\n0\r\n\r\n" + SMUGGLED)
    refused(server, raw, b"Bad chunked transfer coding")


@pytest.mark.parametrize(("head_extra", "words"), [
    (b"Content-Length : 2\r\n", b"Invalid header field name."),
    (b"Content-Length: 2\r\nContent-Length: 2\r\n", b"may be given only once"),
    (b"Content-Length: 2\r\nContent-length: 40\r\n", b"may be given only once"),
    (b"Content-Length: +2\r\n", b"Malformed Content-Length"),
    (b"Content-Length: 0x2\r\n", b"Malformed Content-Length"),
    (b"Content-Length: 1_0\r\n", b"Malformed Content-Length"),
    (b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", b"may be given only once"),
    (b"Transfer-Encoding: chunked, identity\r\n", b"Only the chunked transfer coding"),
    (b"Transfer-Encoding: \x0bchunked\r\n", b"Invalid character in a header field value."),
    (b"X-Note: a\rContent-Length: 40\r\n", b"Invalid character in a header field value."),
    (b"X-Note: a\x00b\r\n", b"Invalid character in a header field value."),
])
def test_ambiguous_heads_are_refused(server, head_extra, words):
    raw = request("POST", "/", head_extra=head_extra) + b"{}" + SMUGGLED
    refused(server, raw, words)


@pytest.mark.parametrize(("head", "words"), [
    (b"GET / HTTP/1.1\r\n", b"must carry a Host header"),
    (b"GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n", b"Host may be given only once"),
])
def test_one_host_exactly(server, head, words):
    refused(server, head + b"\r\n" + SMUGGLED, words)


def test_transfer_encoding_in_http_1_0_is_refused(server):
    raw = (b"POST / HTTP/1.0\r\nHost: x\r\nConnection: Keep-Alive\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED)
    refused(server, raw, b"HTTP/1.0")


@pytest.mark.parametrize("target", [b"/\x00", b"/datasets/?name=a\x00b", b"/a\tb/"])
def test_control_characters_in_the_target_are_refused(server, target):
    refused(server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED,
            b"Invalid character in the request target.")


@pytest.mark.parametrize("body", [
    b"5\r\nhello\r\n0\r\n\r\n",
    b"5;name=value\r\nhello\r\n0\r\nX-Trailer: yes\r\nX-Other: too\r\n\r\n",
])
def test_a_chunked_body_left_unread_is_skipped_to_its_end(server, body):
    # "/" answers without reading its body; the body (and its trailers) are not a request.
    raw = request("POST", "/", {"Transfer-Encoding": "chunked"}) + body + SMUGGLED
    got = exchange(server, raw + request("GET", "/", {"Connection": "close"}))
    assert [a.status for a in got.answers] == [200, 404, 200], got
    assert got.closed and not got.rest


def test_a_content_length_body_left_unread_is_skipped(server):
    raw = request("POST", "/", body=b"GET /nosuch/ HTTP/1.1\r\nHost: x\r\n\r\n")
    got = exchange(server, raw + request("GET", "/", {"Connection": "close"}))
    assert [a.status for a in got.answers] == [200, 200], got
    assert got.closed


def test_a_chunked_json_body_that_breaks_midway_is_refused(server):
    raw = (request("POST", "/auth/key/verify/", {**VERIFY, "Transfer-Encoding": "chunked"})
           + b"4\r\n{\"us\r\n4\r\nername\r\n" + b"zz\r\n" + SMUGGLED)
    refused(server, raw, b"Bad chunked transfer coding")


@pytest.mark.parametrize(("body", "field", "words"), [
    (b'{"name": "\\ud800"}', "name", "Surrogate characters are not allowed: U+D800."),
    (b'{"name": "ok", "tags": ["a", "\\udfff"]}', "tags", "Surrogate characters are not allowed: U+DFFF."),
    (b'{"name": "a\\u0000b"}', "name", "Null characters are not allowed."),
])
def test_malformed_text_in_json_is_a_400_naming_the_field(server, alice, body, field, words):
    user, _api = alice
    key = {"X-Arcsecond-API-Authorization": f"Key {user['access_key']}"}
    raw = request("POST", "/datasets/", {**VERIFY, **key}, body) + request(
        "GET", "/datasets/?name=a%00b", {**key, "Connection": "close"})
    got = exchange(server, raw)
    first, second = got.answers
    assert first.status == 400 and json.loads(first.body) == {field: [words]}
    # the query string's escaped NUL, on the same connection
    assert second.status == 400
    assert json.loads(second.body) == {"name": ["Null characters are not allowed."]}
    assert got.closed and not got.rest


def test_an_upload_whose_chunks_break_midway_is_refused_and_leaves_nothing(server, alice):
    user, api = alice
    dataset = api.dataset()
    boundary = "edgeboundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n'
            f'{dataset["uuid"]}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="broken.bin"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
    piece = b"x" * 300_000
    body = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in (head, piece, piece))
    raw = request("POST", "/datafiles/", {
        "X-Arcsecond-API-Authorization": f"Key {user['access_key']}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Transfer-Encoding": "chunked"}) + body + b"zz\r\n" + SMUGGLED
    refused(server, raw, b"Bad chunked transfer coding")
    assert partial_files(server) == []
    assert api.get(f"datafiles/?dataset={dataset['uuid']}").json()["count"] == 0

"""The core's fetch of one data file against a real HTTP server on loopback: range requests
honoured or ignored, partial files that turn out wrong, checksums that do not match."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from arcsecond_core.errors import ArcsecondError
from arcsecond_core.retrying import Backoff
from arcsecond_core.session import ArcsecondSession
from arcsecond_core.transfer.fetch import (
    ChecksumMismatch,
    Remote,
    fetch,
    fetch_once,
    partial_path,
)

from .scripted_server import Answer, Seen, scripted_server

DATA = os.urandom(300_000)
REMOTE = Remote(7, len(DATA), hashlib.sha256(DATA).hexdigest())
PATH = "datafiles/7/download"


def ranged(data: bytes, honour: bool = True):
    """Answer GETs with ``data``, honouring ``Range: bytes=N-`` when ``honour``."""

    def respond(request: Seen) -> Answer:
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("Range", ""))
        if honour and match:
            start = int(match.group(1))
            return Answer(206, raw=data[start:], headers={
                "Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"})
        return Answer(200, raw=data)

    return respond


def session(url: str) -> ArcsecondSession:
    return ArcsecondSession(url, key="k", retries=0, timeout=10)


def test_a_partial_file_is_completed_with_a_range_request(tmp_path: Path) -> None:
    target = tmp_path / "a.fits"
    partial_path(target, 7).write_bytes(DATA[:100_000])
    seen: list[int] = []
    with scripted_server(ranged(DATA)) as server:
        fetched = fetch_once(session(server.url), PATH, target, REMOTE, progress=seen.append)
        assert server.seen[0].headers["Range"] == "bytes=100000-"
    assert target.read_bytes() == DATA
    assert (fetched.resumed_from, fetched.received, sum(seen)) == (100_000, 200_000, 200_000)
    assert not partial_path(target, 7).exists()


def test_a_server_ignoring_the_range_sends_the_whole_file_again(tmp_path: Path) -> None:
    target = tmp_path / "a.fits"
    partial_path(target, 7).write_bytes(b"x" * 50_000)  # wrong bytes: they must not stay
    with scripted_server(ranged(DATA, honour=False)) as server:
        fetched = fetch_once(session(server.url), PATH, target, REMOTE)
    assert target.read_bytes() == DATA
    assert (fetched.resumed_from, fetched.received) == (0, len(DATA))


def test_a_wrong_partial_file_is_fetched_again_from_the_start(tmp_path: Path) -> None:
    target = tmp_path / "a.fits"
    partial_path(target, 7).write_bytes(b"x" * 50_000)
    with scripted_server(ranged(DATA)) as server:
        with pytest.raises(ChecksumMismatch) as caught:
            fetch_once(session(server.url), PATH, target, REMOTE)
        assert caught.value.resumed and not partial_path(target, 7).exists()
        assert not target.exists()
        partial_path(target, 7).write_bytes(b"x" * 50_000)
        fetch(session(server.url), PATH, target, REMOTE, policy=Backoff(3, 0.01, 0.01))
        assert [s.headers.get("Range") for s in server.seen[1:]] == ["bytes=50000-", None]
    assert target.read_bytes() == DATA


def test_bytes_that_do_not_match_the_checksum_leave_no_file(tmp_path: Path) -> None:
    target = tmp_path / "a.fits"
    target_before = tmp_path / "kept.fits"
    target_before.write_bytes(b"mine")
    bad = bytearray(DATA)
    bad[10] ^= 1
    mismatch = pytest.raises(ChecksumMismatch, match="does not match the server's")
    with scripted_server(ranged(bytes(bad))) as server, mismatch as caught:
        fetch_once(session(server.url), PATH, target, REMOTE)
    assert not caught.value.resumed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.fits"]


def test_a_range_past_the_end_starts_again(tmp_path: Path) -> None:
    """The server's copy is shorter than the partial file said (416): fetched whole."""
    short = DATA[:1000]
    target = tmp_path / "a.fits"
    partial_path(target, 7).write_bytes(short + b"extra")

    def respond(request: Seen) -> Answer:
        if "Range" in request.headers:
            return Answer(416, {"detail": "Requested range not satisfiable."},
                          headers={"Content-Range": "bytes */1000"})
        return Answer(200, raw=short)

    with scripted_server(respond) as server:
        fetch_once(session(server.url), PATH, target, Remote(7, None, None))
    assert target.read_bytes() == short


def test_a_complete_partial_file_needs_no_request(tmp_path: Path) -> None:
    """Killed between the last byte and the rename: the next run only checks and renames."""
    target = tmp_path / "a.fits"
    partial_path(target, 7).write_bytes(DATA)
    with scripted_server(ranged(DATA)) as server:
        fetched = fetch_once(session(server.url), PATH, target, REMOTE)
        assert server.seen == []
    assert target.read_bytes() == DATA and fetched.received == 0


def test_without_overwrite_a_file_that_appeared_meanwhile_stays(tmp_path: Path) -> None:
    target = tmp_path / "a.fits"
    target.write_bytes(b"mine")
    conflict = pytest.raises(ArcsecondError, match="appeared meanwhile")
    with scripted_server(ranged(DATA)) as server, conflict:
        fetch_once(session(server.url), PATH, target, REMOTE, overwrite=False)
    assert target.read_bytes() == b"mine"


def test_a_wrong_content_range_is_never_appended(tmp_path: Path) -> None:
    """A 206 starting elsewhere than asked: nothing appended, the next attempt asks for all."""
    target = tmp_path / "a.fits"
    partial_path(target, 7).write_bytes(DATA[:1000])

    def respond(request: Seen) -> Answer:
        if "Range" in request.headers:
            return Answer(206, raw=DATA, headers={
                "Content-Range": f"bytes 0-{len(DATA) - 1}/{len(DATA)}"})
        return Answer(200, raw=DATA)

    with scripted_server(respond) as server:
        fetch(session(server.url), PATH, target, REMOTE, policy=Backoff(3, 0.01, 0.01))
        assert [s.headers.get("Range") for s in server.seen] == ["bytes=1000-", None]
    assert target.read_bytes() == DATA

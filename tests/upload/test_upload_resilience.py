"""Interrupted runs, a flaky server and watch mode, against the embedded server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing import arcsecond_script, finish, start_server
from arcsecond_core.testing_client import make_client

from .conftest import checksums, local_checksums, server_files
from .samples import night_tree, write_fits

pytestmark = pytest.mark.e2e


def many_files(root: Path, count: int, size: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / f"frame{i:04d}.dat").write_bytes(os.urandom(size))


def popen(client: Any, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([arcsecond_script(), *args], env=client.env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def wait_for_lines(proc: subprocess.Popen[str], marker: str, count: int) -> list[str]:
    seen: list[str] = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if sum(marker in item for item in seen) >= count:
            return seen
    raise AssertionError("the upload ended early:\n" + "".join(seen))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_killed_half_way_then_resumed_sends_each_file_once(
    arcsecond_client: Any, tmp_path: Path, sig: int
) -> None:
    root = tmp_path / "night"
    many_files(root, 120, 200_000)
    name = f"killed-{sig}"
    proc = popen(arcsecond_client, "upload", str(root), "-d", name, "--yes", "--jobs", "2")
    wait_for_lines(proc, "uploaded frame", 10)
    proc.send_signal(sig)
    out, err = finish(proc, 60)
    if sig in (signal.SIGINT, signal.SIGTERM):
        assert proc.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[sig]
        # Said once: the report's headline (on standard output after the table).
        assert (out + err).count("interrupted") == 1 and "run the same command again" in err
        assert "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    landed = checksums(arcsecond_client, name)
    assert 10 <= len(landed) < 120, "the run was not interrupted half-way"
    again = arcsecond_client.run("upload", str(root), "-d", name, "--yes", "-f", "json")
    assert again.returncode == 0, again.stderr
    statuses = [row["status"] for row in json.loads(again.stdout)]
    assert statuses.count("skipped") >= len(landed) and statuses.count("uploaded") > 0
    assert checksums(arcsecond_client, name) == local_checksums(root)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def flaky_server(tmp_path: Path) -> Iterator[Any]:
    server = start_server(tmp_path / "flaky-data", "--fault-rate", "0.2")
    try:
        yield server
    finally:
        server.stop()


def test_every_file_arrives_once_through_a_flaky_server(flaky_server: Any, tmp_path: Path
                                                        ) -> None:
    client = make_client(flaky_server, tmp_path / "config")
    root = tmp_path / "night"
    night_tree(root)
    many_files(root / "more", 40, 50_000)
    proc = client.run("upload", str(root), "-d", "flaky", "--yes", "--jobs", "4",
                      "--retries", "25", "--verify", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert "retrying" in proc.stderr or "attempt" in proc.stderr
    rows = json.loads(proc.stdout)
    assert sum(row["status"] == "uploaded" for row in rows) == 48
    flaky_server.stop()
    steady = start_server(flaky_server.data_dir)
    try:
        client.url = steady.url
        from arcsecond_core.config import Config

        Config(client.config_dir).add_server("local", steady.url)
        assert checksums(client, "flaky") == local_checksums(root)
    finally:
        steady.stop()


def test_watch_uploads_new_files_and_survives_the_server_going_away(tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "data"
    server = start_server(data, "--port", str(port))
    client = make_client(server, tmp_path / "config")
    root = tmp_path / "night"
    write_fits(root / "first.fits")
    proc = popen(client, "upload", str(root), "-d", "watched", "--yes", "--watch",
                 "--interval", "0.2", "--settle", "0.3", "--retries", "3", "-f", "json")
    try:
        wait_for_lines(proc, "uploaded first.fits", 1)
        partial = root / "sub" / "second.fits"
        partial.parent.mkdir()
        partial.write_bytes(b"SIMPLE  =")  # still being written
        time.sleep(0.1)
        write_fits(partial, seed=1)
        wait_for_lines(proc, "uploaded sub/second.fits", 1)
        server.stop()
        write_fits(root / "third.fits", seed=2)
        time.sleep(3)
        server = start_server(data, "--port", str(port))
        wait_for_lines(proc, "uploaded third.fits", 1)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = finish(proc, 60)
        server.stop()
    assert proc.returncode == 0, err + out
    rows = {row["path"]: row["status"] for row in json.loads(out)}
    assert rows == {"first.fits": "uploaded", "sub/second.fits": "uploaded",
                    "third.fits": "uploaded"}
    server = start_server(data, "--port", str(port))
    try:
        assert checksums(client, "watched") == local_checksums(root)
        assert len(server_files(client, "watched")) == 3
    finally:
        server.stop()

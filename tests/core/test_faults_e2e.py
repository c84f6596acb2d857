"""Faults on the wire with the real console script: a flaky server, a silent one, and one that
answers JSON of the wrong shape. Every command fails with one clear line, or not at all."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.config import Config
from arcsecond_core.testing import arcsecond_script, start_server
from arcsecond_core.testing_client import make_client

from .scripted_server import Answer, scripted_server, silent_server

pytestmark = pytest.mark.e2e


def run_against(url: str, config_dir: Path, *args: str, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``arcsecond ARGS`` with a config whose current server is ``url`` (logged in as alice)."""
    config = Config(config_dir)
    config.add_server("other", url)
    config.use("other")
    config.save_key("other", "alice", "access", "secretkey123")
    return subprocess.run(
        [arcsecond_script(), *args], capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "ARCSECOND_CONFIG_DIR": str(config_dir), **(env or {})},
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("how", "seconds"),
    [(("--timeout", "3"), 3), ((), 2)],
    ids=["--timeout", "ARCSECOND_TIMEOUT"],
)
def test_a_silent_server_fails_a_listing_within_the_deadline(
    tmp_path: Path, how: tuple[str, ...], seconds: float
) -> None:
    with silent_server() as url:
        started = time.monotonic()
        proc = run_against(url, tmp_path, *how, "dataset", "list", timeout=60,
                           env={"ARCSECOND_TIMEOUT": "2"} if not how else {})
        elapsed = time.monotonic() - started
    line = one_error_line(proc)
    assert f"did not answer within {seconds:g} s" in line and "--timeout" in line
    assert elapsed < seconds + 8  # interpreter start on a loaded machine, then the deadline


def test_an_unusable_timeout_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_against("http://127.0.0.1:9", tmp_path, "--timeout", "0", "dataset", "list")
    assert proc.returncode == 2 and "timeout" in proc.stderr
    proc = run_against("http://127.0.0.1:9", tmp_path, "dataset", "list",
                       env={"ARCSECOND_TIMEOUT": "never"})
    assert proc.returncode == 2 and "ARCSECOND_TIMEOUT" in proc.stderr


DATASET = {"uuid": "5d3c2a4e-7f0b-4c4f-9a8e-2f1d0c9b8a71", "name": "M31", "telescope": None}


@pytest.mark.parametrize(
    ("command", "body", "problem"),
    [
        (("dataset", "list"), [1, 2], "found the number 1"),
        (("dataset", "list"), {"results": 5}, "got the number 5"),
        (("dataset", "list"), {"count": "x", "next": None, "results": [DATASET]},
         "'count' should be a whole number"),
        (("dataset", "list"), 42, "expected an object, got the number 42"),
        (("dataset", "show", DATASET["uuid"]), [DATASET], "expected an object, got a list"),
        (("dataset", "show", DATASET["uuid"]), 5, "expected an object, got the number 5"),
        (("datafile", "list"), {"results": [3]}, "found the number 3"),
        (("datafile", "show", "7"), "7", "expected an object, got the text '7'"),
        (("whoami",), {"username": "alice", "memberships": 4}, "got the number 4"),
        (("whoami",), {"username": "alice", "memberships": [{"organisation": "x"}]},
         "'organisation' should be an object"),
        (("dataset", "create", "--name", "M31"), ["created"], "expected an object, got a list"),
        (("dataset", "show", DATASET["uuid"]), {"name": "M31"}, "a dataset without its 'uuid'"),
        (("datafile", "list", "--dataset", "M31"), {"results": [{"name": "M31"}]},
         "a dataset without its 'uuid'"),
    ],
)
def test_json_of_the_wrong_shape_is_one_clear_line(
    tmp_path: Path, command: tuple[str, ...], body: Any, problem: str
) -> None:
    with scripted_server(lambda _request: Answer(200, body)) as server:
        proc = run_against(server.url, tmp_path, *command)
    line = one_error_line(proc)
    assert line.startswith(f"error: unexpected answer from {server.url}: "), line
    assert problem in line
    assert "attribute" not in line and "object is not" not in line


def test_an_answer_that_is_not_json_is_one_clear_line(tmp_path: Path) -> None:
    page = b"<html><body>Welcome to the proxy</body></html>"
    with scripted_server(lambda _r: Answer(200, raw=page)) as server:
        proc = run_against(server.url, tmp_path, "dataset", "list")
    assert "unexpected answer from" in one_error_line(proc)
    assert "not JSON" in proc.stderr


@pytest.fixture
def flaky_world(tmp_path: Path) -> Any:
    """A server with one dataset of three files, then served again with 30% of requests failing."""
    data = tmp_path / "data"
    steady = start_server(data)
    try:
        client = make_client(steady, tmp_path / "config")
        with client.api() as api:
            dataset = api.datasets.create(name="flaky-reads")
            for number in range(3):
                path = tmp_path / f"frame{number}.dat"
                path.write_bytes(os.urandom(1000 + number))
                api.datafiles.upload(path, dataset["uuid"])
    finally:
        steady.stop()
    flaky = start_server(data, "--fault-rate", "0.3")
    Config(client.config_dir).add_server("local", flaky.url)
    try:
        yield client
    finally:
        flaky.stop()


def test_reads_survive_a_server_failing_30_percent_of_requests(flaky_world: Any) -> None:
    failures = []
    for run in range(20):
        command, expected = (("datafile", "list", "--dataset", "flaky-reads"), "frame2.dat") \
            if run % 2 else (("dataset", "show", "flaky-reads"), '"flaky-reads"')
        proc = flaky_world.run(*command, "-f", "json", timeout=120)
        if proc.returncode != 0 or expected not in proc.stdout:
            failures.append((command, proc.returncode, proc.stderr.strip()))
    assert failures == []

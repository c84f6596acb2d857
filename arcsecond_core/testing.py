"""A pytest plugin: the ``arcsecond_server`` fixture, a real embedded server for end-to-end tests.

The fixture (session scope) runs the installed ``arcsecond server start`` console script on a
free port of 127.0.0.1 with a temporary data directory, waits until ``GET /`` answers 200, and
yields an :class:`ArcsecondServer`::

    def test_upload(arcsecond_server):
        user = arcsecond_server.add_user("alice")
        headers = {"X-Arcsecond-API-Authorization": f"Key {user['access_key']}"}
        requests.get(arcsecond_server.url + "/datasets/", headers=headers)

Tests that need a server of their own (another data directory, ``--fault-rate``) call
:func:`start_server` and :meth:`ArcsecondServer.stop`. This module imports only the standard
library and pytest at import, so it loads in every project that installs the package.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

STARTUP_TIMEOUT = 30.0
_URL_RE = re.compile(r"listening on (http://\S+?)/?(?:\s|$)")


def arcsecond_script() -> str:
    """The ``arcsecond`` console script beside the running interpreter, else on the PATH."""
    beside = Path(sys.executable).with_name("arcsecond")
    if beside.exists():
        return str(beside)
    found = shutil.which("arcsecond")
    if found is None:
        raise RuntimeError("the 'arcsecond' console script is not installed")
    return found


class ServerStartError(RuntimeError):
    """The embedded server did not start (the message carries its standard error)."""


@dataclass
class ArcsecondServer:
    """A running embedded server: its base URL (no trailing slash) and data directory."""

    url: str
    data_dir: Path
    process: subprocess.Popen
    log_dir: Path
    extra_args: tuple[str, ...] = ()
    _users: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def endpoint(self, path: str) -> str:
        """The absolute URL of an API path, e.g. ``endpoint("datasets/")``."""
        return f"{self.url}/{path.lstrip('/')}"

    def admin(self, *args: str) -> Any:
        """Run ``arcsecond server ARGS --data-dir DIR -f json`` and return the parsed JSON.

        The command runs in this process, through the same application the console script
        runs: a test making many users, sites or telescopes pays no interpreter start-up each.
        """
        code, out, err = run_in_process(["server", *args, "--data-dir", str(self.data_dir),
                                         "-f", "json"])
        if code != 0:
            raise AssertionError(
                f"arcsecond server {' '.join(args)} exited {code}: {err.strip() or out.strip()}"
            )
        return json.loads(out)

    def add_user(self, username: str, email: str | None = None) -> dict[str, Any]:
        """Create a user; returns ``username``, ``access_key`` and ``upload_key`` (and email)."""
        args = ["adduser", username] + (["--email", email] if email else [])
        user = self.admin(*args)
        self._users[username] = user
        return user

    def headers(self, key: str) -> dict[str, str]:
        """The authentication header for ``key``."""
        return {"X-Arcsecond-API-Authorization": f"Key {key}"}

    def stderr(self) -> str:
        path = self.log_dir / "stderr.txt"
        return path.read_text(errors="replace") if path.exists() else ""

    def stdout(self) -> str:
        path = self.log_dir / "stdout.txt"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Stop the server with ``sig`` and return its exit code (killed after ``timeout``)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):  # killed: its exit code says so
                finish(self.process, timeout)
        return int(self.process.returncode)


_IN_PROCESS = threading.Lock()


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    """Run ``arcsecond ARGV`` in this process (standard input empty); its exit code, standard
    output and standard error. The logging set-up the run makes is undone afterwards."""
    import io
    import logging

    from arcsecond_core.cli.app import LIBRARY_LOGGERS, ArcsecondApp

    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    with _IN_PROCESS:
        saved = root.level, list(root.handlers), [logging.getLogger(n).level for n in LIBRARY_LOGGERS]
        try:
            code = ArcsecondApp(stdin=io.StringIO(), stdout=out, stderr=err).run(list(argv))
        finally:
            for handler in root.handlers:
                if handler not in saved[1]:
                    handler.close()
            root.setLevel(saved[0])
            root.handlers[:] = saved[1]
            for name, level in zip(LIBRARY_LOGGERS, saved[2], strict=True):
                logging.getLogger(name).setLevel(level)
    return code, out.getvalue(), err.getvalue()


def finish(process: subprocess.Popen, timeout: float) -> tuple[Any, Any]:
    """``process.communicate()`` within ``timeout`` seconds; a process still running then is
    killed (and reaped) before TimeoutExpired goes on, so a hung test leaves no process behind."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise


def _wait_ready(process: subprocess.Popen, log_dir: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if url is None:
            match = _URL_RE.search((log_dir / "stdout.txt").read_text(errors="replace"))
            url = match.group(1) if match else None
        if url is not None:
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as answer:
                    if answer.status == 200:
                        return url
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait(10)
        reason = f"not ready after {timeout:.0f} s"
    else:
        reason = f"exited with status {process.returncode}"
    stderr = (log_dir / "stderr.txt").read_text(errors="replace").strip()
    raise ServerStartError(f"arcsecond server start {reason}; stderr:\n{stderr or '(empty)'}")


def start_server(data_dir: Path | str | None = None, *extra_args: str,
                 timeout: float = STARTUP_TIMEOUT, env: dict[str, str] | None = None
                 ) -> ArcsecondServer:
    """Start ``arcsecond server start`` on a free loopback port; raises ServerStartError."""
    data_dir = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="arcsecond-server-"))
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log_dir = Path(tempfile.mkdtemp(prefix="arcsecond-server-log-"))
    with open(log_dir / "stdout.txt", "wb") as out, open(log_dir / "stderr.txt", "wb") as err:
        process = subprocess.Popen(
            [arcsecond_script(), "server", "start", "--host", "127.0.0.1", "--port", "0",
             "--data-dir", str(data_dir), *extra_args],
            stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    url = _wait_ready(process, log_dir, timeout)
    return ArcsecondServer(url, data_dir, process, log_dir, tuple(extra_args))


@pytest.fixture(scope="session")
def arcsecond_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArcsecondServer]:
    """A real embedded server shared by the whole test session."""
    try:
        server = start_server(tmp_path_factory.mktemp("arcsecond-server"))
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        server.stop()

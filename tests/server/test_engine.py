"""End-to-end: the HTTP engine (keep-alive, bounded threads, stalled clients, graceful stop)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import stat
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from arcsecond_core.testing import ArcsecondServer, arcsecond_script, finish, start_server

from .conftest import new_user, partial_files, stored_files

pytestmark = pytest.mark.e2e


def address(server: ArcsecondServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def threads_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no thread count")


def multipart_head(dataset: str, name: str, boundary: str) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n{dataset}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def test_one_connection_carries_many_requests(server):
    user, _ = new_user(server)
    connection = http.client.HTTPConnection(*address(server), timeout=10)
    try:
        ports = set()
        for _ in range(20):
            connection.request("GET", "/datasets/", headers=server.headers(user["access_key"]))
            answer = connection.getresponse()
            assert answer.status == 200
            assert answer.getheader("Connection", "").lower() != "close"
            answer.read()
            assert connection.sock is not None
            ports.add(connection.sock.getsockname()[1])
        assert len(ports) == 1
    finally:
        connection.close()


def test_chunked_upload_is_streamed_and_stored(server):
    user, api = new_user(server)
    dataset = api.dataset()
    boundary = uuid.uuid4().hex
    content = os.urandom(3_000_000)
    body = multipart_head(dataset["uuid"], "chunked.bin", boundary) + content + \
        f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        for start in range(0, len(body), 100_000):
            yield body[start:start + 100_000]

    answer = requests.post(server.endpoint("datafiles/"), data=chunks(), timeout=60,
                           headers={**server.headers(user["access_key"]),
                                    "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["size"] == len(content)


def test_stalled_heads_are_cut_and_threads_stay_bounded(tmp_path):
    # --timeout 30: neither the read timeout nor the 10 s head deadline cuts these in the
    # test's time; the 2 s allowance while stalled heads hold half the workers does
    running = start_server(tmp_path / "data", "--threads", "16", "--timeout", "30")
    stalled: list[socket.socket] = []
    try:
        base_threads = threads_of(running.pid)
        for i in range(200):
            sock = socket.create_connection(address(running), timeout=60)
            sock.sendall(f"GET /datasets/ HTTP/1.1\r\nHost: x\r\nX-Stalled: {i}".encode())
            stalled.append(sock)
        started = time.monotonic()
        answer = requests.get(running.url + "/", timeout=60)
        waited = time.monotonic() - started
        assert answer.status_code == 200
        assert waited < 40, f"a request waited {waited:.0f} s behind stalled clients"
        peak = base_threads
        deadline = time.monotonic() + 60
        open_ones = list(stalled)
        while open_ones and time.monotonic() < deadline:
            peak = max(peak, threads_of(running.pid))
            still = []
            for sock in open_ones:
                sock.settimeout(0.01)
                try:
                    data = sock.recv(4096)
                except (TimeoutError, BlockingIOError):
                    still.append(sock)
                    continue
                except ConnectionResetError:
                    continue
                assert not data or data.startswith(b"HTTP/1.1 408"), data[:80]
            open_ones = still
            time.sleep(0.2)
        assert open_ones == [], f"{len(open_ones)} stalled connections still held"
        assert peak <= base_threads + 2, (base_threads, peak)
        assert requests.get(running.url + "/", timeout=10).status_code == 200
    finally:
        for sock in stalled:
            sock.close()
        assert running.stop() == 0
    assert "Traceback" not in running.stderr()


def test_a_head_sent_a_byte_at_a_time_is_cut_at_its_deadline(tmp_path):
    running = start_server(tmp_path / "data", "--timeout", "2")
    try:
        with socket.create_connection(address(running), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Drip: ")
            sock.settimeout(0.3)
            started = time.monotonic()
            closed_after = None
            while time.monotonic() - started < 15:
                try:
                    sock.sendall(b"a")  # each byte comes well within the 2 s read timeout
                    if sock.recv(100) == b"":
                        closed_after = time.monotonic() - started
                        break
                except TimeoutError:
                    continue
                except OSError:
                    closed_after = time.monotonic() - started
                    break
        assert closed_after is not None, "a dripping head kept its connection"
        assert 1.5 < closed_after < 5, closed_after
        assert requests.get(running.url + "/", timeout=10).status_code == 200
    finally:
        assert running.stop() == 0


def test_stop_lets_an_upload_in_flight_finish(tmp_path):
    running = start_server(tmp_path / "data")
    user = running.add_user("inflight")
    headers = running.headers(user["access_key"])
    dataset = requests.post(running.endpoint("datasets/"), json={"name": "d"}, headers=headers,
                            timeout=10).json()["uuid"]
    boundary = uuid.uuid4().hex
    content = os.urandom(2_000_000)
    body = multipart_head(dataset, "late.bin", boundary) + content + \
        f"\r\n--{boundary}--\r\n".encode()
    head = (f"POST /datafiles/ HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"X-Arcsecond-API-Authorization: {headers['X-Arcsecond-API-Authorization']}\r\n\r\n")
    with socket.create_connection(address(running), timeout=30) as sock:
        sock.sendall(head.encode() + body[: len(body) // 2])
        time.sleep(0.5)
        running.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert running.process.poll() is None, "stopped with an upload in flight"
        with pytest.raises(OSError):  # no new connection is accepted while stopping
            socket.create_connection(address(running), timeout=2).close()
        sock.sendall(body[len(body) // 2:])
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
    finish(running.process, 30)
    assert running.process.returncode == 0
    assert "Arcsecond server stopped." in running.stdout()
    assert len(stored_files(running)) == 1 and partial_files(running) == []
    assert "Traceback" not in running.stderr()


def test_stop_is_bounded_when_a_client_stalls_mid_body(tmp_path):
    running = start_server(tmp_path / "data", "--grace", "2")
    user = running.add_user("staller")
    head = ("POST /datafiles/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n"
            f"X-Arcsecond-API-Authorization: Key {user['access_key']}\r\n\r\n"
            '--b\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\n')
    with socket.create_connection(address(running), timeout=30) as sock:
        sock.sendall(head.encode() + os.urandom(1_000_000))
        time.sleep(0.5)
        assert partial_files(running), "the upload did not start"
        started = time.monotonic()
        running.process.send_signal(signal.SIGTERM)
        finish(running.process, 20)
        assert running.process.returncode == 0
        assert time.monotonic() - started < 10
    assert partial_files(running) == [] and stored_files(running) == []
    assert "Traceback" not in running.stderr()


def test_partial_uploads_belong_to_their_process(tmp_path):
    data = tmp_path / "data"
    alive = data / "tmp" / f"{os.getpid()}-0123abcd"
    dead_pid = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    dead = data / "tmp" / f"{dead_pid}-0123abcd"
    for folder in (alive, dead):
        folder.mkdir(parents=True)
        (folder / "upload.part").write_bytes(b"half")
    running = start_server(data)
    try:
        assert (alive / "upload.part").exists(), "another live process's upload was removed"
        assert not dead.exists(), "a dead process's leftovers were kept"
        own = [p for p in (data / "tmp").iterdir() if p.name.startswith(f"{running.pid}-")]
        assert len(own) == 1
    finally:
        assert running.stop() == 0
    assert not own[0].exists()
    assert (alive / "upload.part").exists()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_directory_is_private(tmp_path):
    fresh = tmp_path / "fresh"
    running = start_server(fresh)
    try:
        assert mode(fresh) == 0o700
        assert mode(fresh / "arcsecond.sqlite3") == 0o600
        for path in fresh.rglob("*"):
            assert mode(path) & 0o077 == 0, path
    finally:
        running.stop()
    assert "warning" not in running.stderr()
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o755)
    proc = subprocess.run([arcsecond_script(), "server", "adduser", "x", "--data-dir", str(loose),
                           "-f", "json"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "0700" in warnings[0]
    assert mode(loose) == 0o700 and mode(loose / "arcsecond.sqlite3") == 0o600


def test_non_loopback_address_warns_once_about_tls(tmp_path):
    out = tmp_path / "out.txt"
    err = tmp_path / "err.txt"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(
            [arcsecond_script(), "server", "start", "--host", "0.0.0.0", "--port", "0",
             "--data-dir", str(tmp_path / "data")],
            stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 30
        while "listening" not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        finish(process, 30)
    assert process.returncode == 0
    warnings = [line for line in err.read_text().splitlines() if "TLS" in line]
    assert len(warnings) == 1 and "0.0.0.0" in warnings[0]


def test_uploads_reuse_connections(tmp_path):
    """300 small files through ``arcsecond upload --jobs 4`` use at most 6 TCP connections."""
    running = start_server(tmp_path / "data", "--access-log")
    try:
        user = running.add_user("reuse")
        folder = tmp_path / "files"
        folder.mkdir()
        for i in range(300):
            (folder / f"f{i:03d}.bin").write_bytes(os.urandom(2000))
        env = {**os.environ, "ARCSECOND_CONFIG_DIR": str(tmp_path / "config")}
        login = [arcsecond_script(), "api", "add", "t", running.url, "--use"]
        subprocess.run(login, env=env, check=True, capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
        subprocess.run([arcsecond_script(), "login", "-u", "reuse", "--key", user["access_key"]],
                       env=env, check=True, capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
        proc = subprocess.run([arcsecond_script(), "upload", str(folder), "-d", "reuse", "--jobs",
                               "4", "-y"], env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, proc.stderr
    finally:
        running.stop()
    uploads = [line for line in running.stderr().splitlines() if '"POST /datafiles/' in line]
    assert len(uploads) == 300, (proc.stdout, running.stderr())
    # the connections of the upload command: every request after the login's key check
    log = running.stderr().split('"POST /auth/key/verify/', 1)[1]
    clients = set(re.findall(r"^(\S+:\d+) ", log, re.MULTILINE))
    assert 1 <= len(clients) <= 4 + 2, log

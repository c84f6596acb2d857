"""End-to-end: the server process (signals, binding, faults, cut-off uploads) and admin commands."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from arcsecond_core.testing import arcsecond_script, finish, start_server

from .conftest import Api, fits_bytes, new_user, partial_files, stored_files

pytestmark = pytest.mark.e2e


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 30):
    return subprocess.run([arcsecond_script(), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    text = proc.stderr.strip()
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert len(text.splitlines()) == 1, text
    return text


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def raw_post(url: str, path: str, headers: dict[str, str], body: bytes, length: int) -> None:
    """Send a request whose Content-Length announces ``length`` bytes but send only ``body``."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {length}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        time.sleep(0.2)


def raw_chunked_post(url: str, path: str, headers: dict[str, str], body: bytes) -> None:
    """Send ``body`` with chunked transfer encoding and drop the connection inside a chunk."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Transfer-Encoding: chunked"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for start in range(0, len(body), 65536):
            chunk = body[start:start + 65536]
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        sock.sendall(b"4000\r\npartial")
        time.sleep(0.2)


def multipart(dataset: str, name: str, content: bytes) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    body = b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n{dataset}\r\n'
        .encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="is_raw"\r\n\r\nTrue\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode(),
        content, f"\r\n--{boundary}--\r\n".encode(),
    ])
    return f"multipart/form-data; boundary={boundary}", body


def test_upload_cut_off_half_way_leaves_no_row_and_no_file(server):
    user, api = new_user(server)
    dataset = api.dataset()
    before = stored_files(server)
    content_type, body = multipart(dataset["uuid"], "cut.bin", os.urandom(4_000_000))
    headers = {"Content-Type": content_type, **server.headers(user["access_key"])}
    raw_post(server.url, "/datafiles/", headers, body[: len(body) // 2], len(body))
    assert wait_until(lambda: partial_files(server) == [])
    chunked = {"Content-Type": content_type, **server.headers(user["access_key"])}
    raw_chunked_post(server.url, "/datafiles/", chunked, body[: len(body) // 2])
    assert wait_until(lambda: partial_files(server) == [])
    # the whole body arrives but the multipart is truncated (no closing boundary)
    truncated = body[: len(body) - 3000]
    answer = requests.post(server.endpoint("datafiles/"), data=truncated,
                           headers=headers, timeout=30)
    assert answer.status_code == 400
    assert partial_files(server) == [] and stored_files(server) == before
    assert api.get("datafiles/", params={"dataset": dataset["uuid"]}).json()["count"] == 0
    # and a complete upload of the same name still works
    answer = requests.post(server.endpoint("datafiles/"), data=body, headers=headers, timeout=30)
    assert answer.status_code == 201, answer.text
    assert answer.json()["size"] == 4_000_000
    assert "Traceback" not in server.stderr()


def test_concurrent_uploads_from_four_clients(server):
    _, api = new_user(server)
    dataset = api.dataset()
    content = fits_bytes({"DATE-OBS": "2024-01-01T22:00:00", "IMAGETYP": "Light"})

    def send(i: int) -> int:
        client = Api(server, api.key)
        return client.upload(dataset["uuid"], f"c{i:03d}.fits", content).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(send, range(60)))
    assert codes == [201] * 60
    files = api.get("datafiles/", params={"dataset": dataset["uuid"]}).json()
    assert files["count"] == 60
    assert len({f["night_log"] for f in files["results"]}) == 1
    assert api.get(f"datasets/{dataset['uuid']}/").json()["data_files_count"] == 60


def test_fault_rate_fails_requests_before_any_change(tmp_path):
    faulty = start_server(tmp_path / "faulty", "--fault-rate", "0.5")
    try:
        user = faulty.add_user("flaky")
        headers = faulty.headers(user["access_key"])
        outcomes: dict[str, str] = {}
        for i in range(80):
            name = f"d{i}"
            try:
                answer = requests.post(faulty.endpoint("datasets/"), json={"name": name},
                                       headers=headers, timeout=10)
                outcomes[name] = str(answer.status_code)
            except requests.ConnectionError:
                outcomes[name] = "drop"
        kinds = set(outcomes.values())
        assert {"201", "500", "503", "drop"} <= kinds, kinds
        assert kinds <= {"201", "500", "503", "drop"}
        url = faulty.endpoint("datasets/?page_size=1000")
        failures: list[str] = []
        # Each try fails at half the rate: 100 failures in a row (2**-100) means a broken server.
        for _attempt in range(100):
            try:
                answer = requests.get(url, headers=headers, timeout=10)
            except requests.ConnectionError:
                failures.append("drop")
                continue
            if answer.status_code == 200:
                created = {d["name"] for d in answer.json()["results"]}
                break
            failures.append(str(answer.status_code))
        else:
            pytest.fail(f"the list never answered 200 in {len(failures)} tries: "
                        f"{sorted(set(failures))}")
        assert created == {name for name, outcome in outcomes.items() if outcome == "201"}
        assert all(requests.get(faulty.url + "/", timeout=10).status_code == 200
                   for _ in range(20))
    finally:
        assert faulty.stop() == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_clean_stop_on_signal(tmp_path, sig):
    running = start_server(tmp_path / "data")
    assert running.stop(sig) == 0
    assert "stopped" in running.stdout()
    assert "Traceback" not in running.stderr()
    with pytest.raises(requests.ConnectionError):
        requests.get(running.url + "/", timeout=5)


def test_non_loopback_default_is_refused(tmp_path):
    proc = run("server", "start", "--port", "0", "--data-dir", str(tmp_path),
               env={"ARCSECOND_SERVER_HOST": "0.0.0.0"})
    assert proc.returncode == 2
    assert "--host" in one_line_error(proc)


def test_explicit_non_loopback_host_is_accepted(tmp_path):
    proc = subprocess.Popen([arcsecond_script(), "server", "start", "--host", "0.0.0.0",
                             "--port", "0", "--data-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "listening on http://0.0.0.0:" in line
    finally:
        proc.send_signal(signal.SIGTERM)
        finish(proc, 15)
        assert proc.returncode == 0


def test_port_in_use_is_one_line_error(server, tmp_path):
    port = urlsplit(server.url).port
    proc = run("server", "start", "--port", str(port), "--data-dir", str(tmp_path))
    assert proc.returncode == 1
    assert "in use" in one_line_error(proc)
    bad = run("server", "start", "--port", "0", "--fault-rate", "2", "--data-dir", str(tmp_path))
    assert bad.returncode == 2 and "fault rate" in one_line_error(bad)


def test_admin_commands_json_and_errors(tmp_path):
    data = ["--data-dir", str(tmp_path)]

    def admin(*args: str) -> dict:
        proc = run("server", *args, *data, "-f", "json")
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    user = admin("adduser", "carol", "--email", "carol@example.org")
    assert user["username"] == "carol" and user["email"] == "carol@example.org"
    assert len(user["access_key"]) >= 32 and len(user["upload_key"]) >= 32
    assert user["access_key"] != user["upload_key"]
    site = admin("addsite", "La Silla", "--longitude", "-70.73", "--latitude", "-29.26",
                 "--height", "2400", "--time-zone", "America/Santiago")
    assert uuid.UUID(site["uuid"]) and site["time_zone"] == "America/Santiago"
    assert site["longitude"] == -70.73 and site["height"] == 2400
    telescope = admin("addtelescope", "ESO 3.6m", "--site", "La Silla", "--owner", "carol")
    assert telescope["observing_site"] == site["uuid"] and telescope["owner"] == "carol"
    portal = admin("addportal", "eso", "--name", "ESO", "--member", "carol:admin")
    assert portal == {"subdomain": "eso", "name": "ESO", "members": ["carol:admin"]}
    by_uuid = admin("addtelescope", "NTT", "--site", site["uuid"], "--portal", "eso")
    assert by_uuid["portal"] == "eso" and by_uuid["owner"] is None
    first = admin("demo")
    assert {"username", "access_key", "upload_key", "telescope", "portal"} <= set(first)
    assert admin("demo") == first
    failures = [
        (("adduser", "carol"), 1),
        (("adduser", "bad name!"), 2),
        (("addsite", "X", "--longitude", "999", "--latitude", "0"), 2),
        (("addsite", "X", "--longitude", "1", "--latitude", "91"), 2),
        (("addsite", "X", "--longitude", "1", "--latitude", "1", "--time-zone", "Mars/Base"), 2),
        (("addtelescope", "T", "--site", "Nowhere"), 1),
        (("addtelescope", "T", "--site", "La Silla", "--owner", "ghost"), 1),
        (("addtelescope", "T", "--site", "La Silla", "--portal", "ghost"), 1),
        (("addportal", "eso", "--member", "ghost"), 1),
        (("addportal", "eso", "--member", "carol:emperor"), 2),
        (("addportal", "datasets", "--member", "carol"), 2),
    ]
    for args, code in failures:
        proc = run("server", *args, *data)
        assert proc.returncode == code, (args, proc.stderr)
        assert one_line_error(proc)
    # argument errors found by the parser: usage, then one error line, exit 2
    for args in (("addsite", "X", "--longitude", "abc", "--latitude", "0"),
                 ("addtelescope", "T", "--site", "La Silla", "--owner", "carol", "--portal", "eso")):
        proc = run("server", *args, *data)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert "error:" in proc.stderr.strip().splitlines()[-1]


def test_default_data_dir_follows_xdg(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path)}
    proc = run("server", "adduser", "dora", "-f", "json", env=env)
    assert proc.returncode == 1
    assert "No data directory" in one_line_error(proc) and "--create" in proc.stderr
    assert not (tmp_path / "arcsecond-server").exists()
    proc = run("server", "adduser", "dora", "--create", "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "arcsecond-server" / "arcsecond.sqlite3").exists()


def test_unusable_data_dir_is_one_line_error(tmp_path):
    (tmp_path / "arcsecond.sqlite3").write_text("not a database")
    (tmp_path / "plain-file").write_text("")
    for args in (("start", "--port", "0", "--data-dir", str(tmp_path)),
                 ("adduser", "x", "--data-dir", str(tmp_path)),
                 ("adduser", "x", "--data-dir", str(tmp_path / "plain-file"))):
        proc = run("server", *args)
        assert proc.returncode == 1, proc.stderr
        assert one_line_error(proc)

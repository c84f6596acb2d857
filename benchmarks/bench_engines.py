"""The server's HTTP engine: cheroot (ours), waitress and Werkzeug's development server side by side.

The same WSGI application (``BrowserSite(ArcsecondApp)``) is served by each engine installed, in a process of
its own on 127.0.0.1, and measured with one client for all:

- 300 uploads of 100 KB by 4 threads, each on one keep-alive ``requests.Session`` (files/s),
  with the number of TCP connections the server accepted (counted from ``/proc/net/tcp``);
- one 200 MB upload (MB/s);
- peak RSS of the server process while it receives a 2 GB multipart body sent chunked, and the
  time from the last byte sent to the answer (what spooling the body first costs).

``python -m benchmarks engines``; an engine that is not installed is skipped (``pip install
waitress`` to include it). gunicorn is not measured: it forks workers and runs on Unix only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path

import requests

from benchmarks.results import write_section

ENGINES = ("cheroot", "waitress", "werkzeug")
SMALL, SMALL_COUNT, JOBS = 100_000, 300, 4
BIG = 200 * 1024 * 1024
HUGE = 2 * 1024 * 1024 * 1024


def serve(engine: str, port: int, data_dir: str) -> None:
    """Child process: serve the app with ``engine`` until SIGTERM."""
    from arcsecond_plugins.server.app import ArcsecondApp
    from arcsecond_plugins.server.html import BrowserSite

    app = BrowserSite(ArcsecondApp(Path(data_dir)))  # as `arcsecond server start` serves it
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if engine == "cheroot":
        from arcsecond_plugins.server.engine import Engine, Limits

        server = Engine(("127.0.0.1", port), app, Limits())
        server.prepare()
        server.serve()
    elif engine == "waitress":
        import waitress

        waitress.serve(app, host="127.0.0.1", port=port, threads=32,
                       max_request_body_size=64 * 1024**3, _quiet=True)
    else:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", port, app, threaded=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def connections_accepted(port: int) -> set[str]:
    """Remote ends of the TCP connections to ``port`` now in /proc/net/tcp (any state)."""
    ends = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, remote = line.split()[1:3]
        if int(local.split(":")[1], 16) == port:
            ends.add(remote)
    return ends


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Target:
    def __init__(self, engine: str, work: Path) -> None:
        from arcsecond_plugins.server import admin

        data = work / engine
        db = admin.open_db(data, create=True)
        key = admin.add_user(db, "bench")["access_key"]
        db.close()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.headers = {"X-Arcsecond-API-Authorization": f"Key {key}"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_engines", engine, str(self.port), str(data)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"{engine} did not start")

    def dataset(self) -> str:
        answer = requests.post(self.url + "/datasets/", json={"name": uuid.uuid4().hex},
                               headers=self.headers, timeout=30)
        answer.raise_for_status()
        return str(answer.json()["uuid"])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def multipart(dataset: str, name: str, size: int) -> tuple[str, Iterator[bytes]]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="dataset"\r\n\r\n{dataset}'
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n').encode()
    block = os.urandom(1024 * 1024)

    def body() -> Iterator[bytes]:
        yield head
        left = size
        while left > 0:
            piece = block[: min(left, len(block))]
            left -= len(piece)
            yield piece
        yield f"\r\n--{boundary}--\r\n".encode()

    return f"multipart/form-data; boundary={boundary}", body()


def small_files(target: Target) -> tuple[float, int]:
    dataset = target.dataset()
    content = os.urandom(SMALL)
    seen: set[str] = set()

    def worker(index: int) -> None:
        with requests.Session() as session:
            for i in range(index, SMALL_COUNT, JOBS):
                answer = session.post(target.url + "/datafiles/", headers=target.headers,
                                      data={"dataset": dataset},
                                      files={"file": (f"f{i}.bin", content)}, timeout=60)
                answer.raise_for_status()
                seen.update(connections_accepted(target.port))

    start = time.perf_counter()
    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(worker, range(JOBS)))
    return SMALL_COUNT / (time.perf_counter() - start), len(seen)


def one_upload(target: Target, size: int) -> tuple[float, float]:
    """Seconds for the whole upload, and from the last byte sent to the answer."""
    content_type, body = multipart(target.dataset(), "big.bin", size)
    sent_at = [0.0]

    def timed() -> Iterator[bytes]:
        yield from body
        sent_at[0] = time.perf_counter()

    start = time.perf_counter()
    answer = requests.post(target.url + "/datafiles/", data=timed(), timeout=3600,
                           headers={**target.headers, "Content-Type": content_type})
    end = time.perf_counter()
    if answer.status_code != 201:
        raise RuntimeError(f"upload of {size} bytes: {answer.status_code} {answer.text[:200]}")
    return end - start, end - sent_at[0]


def measure(engine: str, work: Path) -> dict[str, float]:
    target = Target(engine, work)
    try:
        rate, connections = small_files(target)
        big_seconds, _ = one_upload(target, BIG)
        huge_seconds, tail = one_upload(target, HUGE)
        return {"small": rate, "connections": connections, "big": BIG / big_seconds / 1e6,
                "huge": huge_seconds, "tail": tail, "rss": peak_rss_mb(target.process.pid)}
    finally:
        target.stop()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-engines-"))
    rows = []
    try:
        for engine in ENGINES:
            if find_spec(engine) is None:
                print(f"{engine}: not installed, skipped")
                continue
            m = measure(engine, work)
            shutil.rmtree(work / engine, ignore_errors=True)
            rows.append(f"| {engine} | {m['small']:.0f} | {m['connections']:.0f} | "
                        f"{m['big']:.0f} | {m['huge']:.1f} s | {m['tail']:.2f} s | "
                        f"{m['rss']:.0f} MB |")
            print(rows[-1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    body = "\n".join([
        f"The same application under each engine on 127.0.0.1; {SMALL_COUNT} x 100 KB by "
        f"{JOBS} keep-alive sessions, then one 200 MB and one 2 GB upload (sent chunked). "
        "One run each.",
        "",
        "| engine | 100 KB files/s | TCP connections | 200 MB, MB/s | 2 GB upload | last byte to "
        "answer | peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Machine load average (5 min) at the end: {os.getloadavg()[1]:.1f} on "
        f"{os.cpu_count()} cores.",
    ])
    write_section("engines", body)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3])

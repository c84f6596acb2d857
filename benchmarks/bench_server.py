"""The embedded server: uploads/s of 100 KB files with 4 clients, MB/s and peak RSS for 200 MB.

Each measurement runs the Python client (requests, streamed multipart) and curl (the floor: a C
client sending the same multipart requests) against a real ``arcsecond server start`` process.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from arcsecond_core.testing import ArcsecondServer, start_server
from benchmarks.results import write_section

SMALL_SIZE = 100 * 1024
SMALL_PER_CLIENT = 50
CLIENTS = 4
BIG_SIZE = 200 * 1024 * 1024
SMALL_RUNS = 5
BIG_RUNS = 3
RSS_LIMIT_MB = 150


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def fits_file(path: Path, size: int) -> None:
    """A FITS file of about ``size`` bytes (8-bit data), so that the server parses its header."""
    header = "".join(card.ljust(80) for card in (
        "SIMPLE  =                    T", "BITPIX  =                    8",
        "NAXIS   =                    1", f"NAXIS1  = {size:20d}",
        "DATE-OBS= '2024-03-10T22:30:00'", "IMAGETYP= 'Light Frame'", "END",
    ))
    header = header.ljust(2880 * (len(header) // 2880 + 1))
    with open(path, "wb") as handle:
        handle.write(header.encode())
        chunk = os.urandom(1024 * 1024)
        written = 0
        while written < size:
            piece = chunk[: min(len(chunk), size - written)]
            handle.write(piece)
            written += len(piece)
        handle.write(b"\0" * (-(size + len(header)) % 2880))


class Bench:
    def __init__(self, server: ArcsecondServer, work: Path) -> None:
        self.server = server
        self.work = work
        self.user = server.add_user(f"bench{uuid.uuid4().hex[:6]}")
        self.headers = server.headers(self.user["access_key"])
        self.url = server.endpoint("datafiles/")

    def dataset(self) -> str:
        answer = requests.post(self.server.endpoint("datasets/"), headers=self.headers,
                               json={"name": uuid.uuid4().hex}, timeout=30)
        answer.raise_for_status()
        return answer.json()["uuid"]

    def python_upload(self, dataset: str, path: Path, name: str,
                      session: requests.Session) -> None:
        from requests_toolbelt import MultipartEncoder

        with open(path, "rb") as handle:
            encoder = MultipartEncoder([("dataset", dataset), ("is_raw", "True"),
                                        ("file", (name, handle, "application/octet-stream"))])
            answer = session.post(self.url, data=encoder, timeout=600,
                                  headers={**self.headers, "Content-Type": encoder.content_type})
        if answer.status_code != 201:
            raise RuntimeError(f"upload failed: {answer.status_code} {answer.text[:200]}")

    def curl_args(self, dataset: str, path: Path, name: str) -> list[str]:
        key = self.headers["X-Arcsecond-API-Authorization"]
        return ["-s", "-o", "/dev/null", "-w", "%{http_code}\\n", "-H",
                f"X-Arcsecond-API-Authorization: {key}", "-F", f"dataset={dataset}",
                "-F", "is_raw=True", "-F", f"file=@{path};filename={name}", self.url]

    def curl(self, requests_args: list[list[str]]) -> None:
        argv = ["curl"]
        for i, args in enumerate(requests_args):
            argv += (["--next"] if i else []) + args
        codes = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()
        if codes != ["201"] * len(requests_args):
            raise RuntimeError(f"curl uploads failed: {sorted(set(codes))}")

    def small_round(self, client: str, small: Path) -> float:
        dataset = self.dataset()

        def one_client(index: int) -> None:
            names = [f"c{index}-{i}.bin" for i in range(SMALL_PER_CLIENT)]
            if client == "curl":
                self.curl([self.curl_args(dataset, small, name) for name in names])
                return
            with requests.Session() as session:
                for name in names:
                    self.python_upload(dataset, small, name, session)

        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(one_client, range(CLIENTS)))
        elapsed = time.perf_counter() - start
        self.drop(dataset)
        return CLIENTS * SMALL_PER_CLIENT / elapsed

    def big_round(self, client: str, big: Path) -> float:
        dataset = self.dataset()
        start = time.perf_counter()
        if client == "curl":
            self.curl([self.curl_args(dataset, big, "big.fits")])
        else:
            with requests.Session() as session:
                self.python_upload(dataset, big, "big.fits", session)
        elapsed = time.perf_counter() - start
        self.drop(dataset)
        return big.stat().st_size / elapsed / 1e6

    def drop(self, dataset: str) -> None:
        requests.delete(self.server.endpoint(f"datasets/{dataset}/"), headers=self.headers,
                        timeout=60).raise_for_status()


def main() -> None:
    if shutil.which("curl") is None:
        raise SystemExit("curl is needed for the floor: install it (apt-get install curl)")
    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    try:
        small = work / "small.bin"
        small.write_bytes(os.urandom(SMALL_SIZE))
        big = work / "big.fits"
        fits_file(big, BIG_SIZE)

        server = start_server(work / "data-small")
        try:
            bench = Bench(server, work)
            bench.small_round("python", small)
            small_rates = {c: [bench.small_round(c, small) for _ in range(SMALL_RUNS)]
                           for c in ("python", "curl")}
        finally:
            server.stop()

        server = start_server(work / "data-big")
        try:
            bench = Bench(server, work)
            base_rss = status_kib(server.pid, "VmRSS") / 1024
            big_rates = {c: [bench.big_round(c, big) for _ in range(BIG_RUNS)]
                         for c in ("python", "curl")}
            peak_rss = status_kib(server.pid, "VmHWM") / 1024
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in small_rates.items()}
    big_med = {k: statistics.median(v) for k, v in big_rates.items()}
    verdict = "OK" if peak_rss < RSS_LIMIT_MB else "OVER LIMIT"
    body = "\n".join([
        "| measurement | Python client (requests) | curl (floor) |",
        "| --- | --- | --- |",
        f"| 100 KB uploads/s, {CLIENTS} concurrent clients ({CLIENTS * SMALL_PER_CLIENT} files, "
        f"median of {SMALL_RUNS}) | {med['python']:.0f} | {med['curl']:.0f} |",
        f"| one 200 MB FITS upload, MB/s (median of {BIG_RUNS}) | {big_med['python']:.0f} | "
        f"{big_med['curl']:.0f} |",
        "",
        f"Server peak RSS (VmHWM) over the {2 * BIG_RUNS} uploads of 200 MB: {peak_rss:.0f} MB "
        f"(idle after start: {base_rss:.0f} MB; limit {RSS_LIMIT_MB} MB: {verdict}).",
    ])
    print(body)
    write_section("server", body)
    if peak_rss >= RSS_LIMIT_MB:
        raise SystemExit(f"server peak RSS {peak_rss:.0f} MB is over {RSS_LIMIT_MB} MB")

"""``arcsecond dataset list -f json`` with 1,000 / 3,000 / 10,000 datasets on the embedded server.

Reports the median wall time, the time per dataset (flat when listing is linear) and the client's
peak resident memory (target: under 200 MB for 10,000 datasets).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.results import write_section

SIZES = (1_000, 3_000, 10_000)
REPEAT = 7
CREATE_WORKERS = 8
RSS_LIMIT_MB = 200
TIME = "/usr/bin/time"  # GNU time, for the peak resident memory of the client


def create_datasets(client: Any, start: int, stop: int) -> None:
    """Datasets number ``start`` to ``stop - 1``, created concurrently through the Python API."""
    from arcsecond_core.api import ArcsecondAPI

    api = ArcsecondAPI(
        "local", api_server=client.url, username=client.username, key=client.access_key,
        pool_size=CREATE_WORKERS,
    )

    def create(number: int) -> None:
        api.datasets.create(name=f"bench-{number:06d}")

    with ThreadPoolExecutor(CREATE_WORKERS) as pool:
        list(pool.map(create, range(start, stop)))
    api.close()


def run_list(client: Any, expected: int, out_dir: Path) -> tuple[float, int]:
    """One ``dataset list -f json`` run: its wall time and the peak RSS of the client (KiB).

    The peak comes from ``/usr/bin/time``: a child forked straight from this (large) process
    would start its peak at this process's size, whatever the client itself uses.
    """
    from arcsecond_core.testing import arcsecond_script

    out_path, err_path, rss_path = out_dir / "list.json", out_dir / "list.err", out_dir / "rss.txt"
    argv = [arcsecond_script(), "dataset", "list", "-f", "json"]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.run(
            [TIME, "-f", "%M", "-o", str(rss_path), *argv],
            stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=client.env, check=False,
        )
        elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"dataset list failed ({proc.returncode}): {err_path.read_text().strip()}")
    count = len(json.loads(out_path.read_text()))
    if count != expected:
        raise RuntimeError(f"dataset list printed {count} datasets, expected {expected}")
    return elapsed, int(rss_path.read_text().split()[-1])


def measure(clients: dict[int, Any], out_dir: Path, repeat: int = REPEAT) -> list[dict[str, float]]:
    """Median time and peak RSS per size; the sizes take turns, round after round, so that
    the load of the machine at any moment hits them alike (the first round is a warm-up)."""
    times: dict[int, list[float]] = {size: [] for size in clients}
    peaks: dict[int, list[int]] = {size: [] for size in clients}
    for round_number in range(repeat + 1):
        for size, client in clients.items():
            elapsed, peak = run_list(client, size, out_dir)
            if round_number:
                times[size].append(elapsed)
                peaks[size].append(peak)
    rows = []
    for size in clients:
        median = statistics.median(times[size])
        rows.append({"size": size, "median": median,
                     "per_dataset_ms": median / size * 1000 if size else 0.0,
                     "peak_mb": max(peaks[size]) / 1024})
    return rows


def render(empty: dict[str, float], rows: list[dict[str, float]]) -> str:
    start_up = empty["median"]

    def marginal(row: dict[str, float]) -> float:
        return (row["median"] - start_up) / row["size"] * 1000

    base = marginal(rows[0])
    lines = [
        "`arcsecond dataset list -f json` against the embedded server on 127.0.0.1 "
        f"(median of {REPEAT} rounds after a warm-up round, the sizes taking turns in each round, "
        "one user per size; peak RSS is the client process's). "
        f"With no dataset at all the command takes {start_up:.2f} s (start-up, one request); "
        "'beyond start-up' is (median - that) / datasets, which stays flat when listing is linear.",
        "",
        "| datasets | median (s) | per dataset (ms) | beyond start-up (ms) | ratio to 1st row "
        "| client peak RSS (MB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {int(row['size']):,} | {row['median']:.2f} | {row['per_dataset_ms']:.3f} | "
            f"{marginal(row):.3f} | {marginal(row) / base:.2f}x | {row['peak_mb']:.0f} |"
        )
    largest = rows[-1]
    verdict = "under" if largest["peak_mb"] < RSS_LIMIT_MB else "OVER"
    lines += [
        "",
        f"Peak RSS for {int(largest['size']):,} datasets: {largest['peak_mb']:.0f} MB, "
        f"{verdict} the {RSS_LIMIT_MB} MB limit.",
    ]
    return "\n".join(lines)


def main(sizes: tuple[int, ...] = SIZES) -> list[dict[str, float]]:
    from arcsecond_core.testing import start_server
    from arcsecond_core.testing_client import make_client

    if not Path(TIME).exists():
        raise RuntimeError(f"this benchmark needs GNU time at {TIME} (apt-get install time)")
    with tempfile.TemporaryDirectory(prefix="bench-list-") as tmp:
        work = Path(tmp)
        server = start_server(work / "server")
        try:
            # One user per size (and one with none, for the start-up cost).
            clients = {size: make_client(server, work / f"config-{size}") for size in (0, *sizes)}
            for size, client in clients.items():
                started = time.perf_counter()
                create_datasets(client, 0, size)
                print(f"created {size} datasets in {time.perf_counter() - started:.1f} s", flush=True)
            empty, *rows = measure(clients, work)
        finally:
            server.stop()
    for row in (empty, *rows):
        print(f"{int(row['size']):>6} datasets: median {row['median']:.2f} s, "
              f"{row['per_dataset_ms']:.3f} ms/dataset, peak {row['peak_mb']:.0f} MB", flush=True)
    write_section("list", render(empty, rows))
    return rows


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    main(sizes)

"""``arcsecond dataset list -f json`` with 1,000 / 3,000 / 10,000 datasets on the embedded server.

Reports the median wall time, the time per dataset (flat when listing is linear) and the client's
peak resident memory (target: under 200 MB for 10,000 datasets).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.results import write_section

SIZES = (1_000, 3_000, 10_000)
REPEAT = 5
CREATE_WORKERS = 8
RSS_LIMIT_MB = 200


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
    """One ``dataset list -f json`` run: its wall time and the peak RSS of the process (KiB)."""
    from arcsecond_core.testing import arcsecond_script

    out_path = out_dir / "list.json"
    with out_path.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [arcsecond_script(), "dataset", "list", "-f", "json"],
            stdout=out, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=client.env,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"dataset list failed ({proc.returncode}): {stderr.strip()}")
    count = len(json.loads(out_path.read_text()))
    if count != expected:
        raise RuntimeError(f"dataset list printed {count} datasets, expected {expected}")
    return elapsed, usage.ru_maxrss


def measure(client: Any, size: int, out_dir: Path, repeat: int = REPEAT) -> dict[str, float]:
    run_list(client, size, out_dir)  # warm-up: caches, page cache
    times, peaks = [], []
    for _ in range(repeat):
        elapsed, peak = run_list(client, size, out_dir)
        times.append(elapsed)
        peaks.append(peak)
    times.sort()
    median = times[len(times) // 2]
    return {"size": size, "median": median, "per_dataset_ms": median / size * 1000 if size else 0.0,
            "peak_mb": max(peaks) / 1024}


def render(empty: dict[str, float], rows: list[dict[str, float]]) -> str:
    start_up = empty["median"]

    def marginal(row: dict[str, float]) -> float:
        return (row["median"] - start_up) / row["size"] * 1000

    base = marginal(rows[0])
    lines = [
        "`arcsecond dataset list -f json` against the embedded server on 127.0.0.1 "
        f"(median of {REPEAT} runs after one warm-up; peak RSS is the client process's). "
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

    with tempfile.TemporaryDirectory(prefix="bench-list-") as tmp:
        work = Path(tmp)
        server = start_server(work / "server")
        try:
            client = make_client(server, work / "config")
            empty = measure(client, 0, work)
            print(f"     0 datasets: median {empty['median']:.2f} s, peak {empty['peak_mb']:.0f} MB",
                  flush=True)
            rows, created = [], 0
            for size in sizes:
                started = time.perf_counter()
                create_datasets(client, created, size)
                print(f"created {size - created} datasets in {time.perf_counter() - started:.1f} s",
                      flush=True)
                created = size
                row = measure(client, size, work)
                print(f"{size:>6} datasets: median {row['median']:.2f} s, "
                      f"{row['per_dataset_ms']:.3f} ms/dataset, peak {row['peak_mb']:.0f} MB",
                      flush=True)
                rows.append(row)
        finally:
            server.stop()
    write_section("list", render(empty, rows))
    return rows


if __name__ == "__main__":
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    main(sizes)

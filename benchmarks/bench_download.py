"""``arcsecond download`` of a dataset beside curl fetching the same URLs (the floor).

Two datasets: 300 files of 100 KB and 4 files of 200 MB (FITS headers, random data), uploaded
once into a real ``arcsecond server start`` process, then fetched into an empty folder by

- curl, one process fetching every file's ``datafiles/<id>/download/`` URL, sequentially with
  connection reuse and four at a time (``--parallel --parallel-max 4``): the floor;
- ``arcsecond download NAME DIR --jobs 4`` (this project: listing, sha256 check, fsync and
  rename of every file included);
- the Python floor (``benchmarks/floor_client.py``): the same URLs from a bare requests session
  on 4 threads, each file hashed, fsynced and renamed, which shows what the language and
  requests cost by themselves.

Every run is checked: the folder must hold every file at its size afterwards. Peak RSS is the
client's VmHWM. ``BENCH_QUICK=1`` makes one run of each; ``BENCH_REDUCED=1`` also shrinks the
datasets (30 x 100 KB, 2 x 20 MB) to check that the benchmark works. Work files live in
``benchmarks/.work/download`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import requests

from arcsecond_core.testing import arcsecond_script, start_server
from benchmarks import bench_upload
from benchmarks.bench_upload import FLOOR_CLIENT, Setup, setup, timed
from benchmarks.results import loopback_verdicts, write_section

WORK = Path(__file__).resolve().parent / ".work" / "download"
DATA = Path(tempfile.gettempdir()) / "arcsecond-bench-download"
FULL = (("small", 300, 100_000), ("large", 4, 200_000_000))
REDUCED = (("small", 30, 100_000), ("large", 2, 20_000_000))
RUNS = {"small": 5, "large": 5}
RSS_LIMIT_MB = 150


def folder(kind: str, count: int, size: int) -> Path:
    return bench_upload.folder(kind, count, size, DATA / f"{kind}-{count}x{size}")


def scratch() -> Path:
    """Where the server keeps its files and the clients write theirs: a tmpfs when it has room
    (disk write-back stalls would otherwise dominate), else benchmarks/.work."""
    shm = Path("/dev/shm")
    if shm.is_dir() and shutil.disk_usage(shm).free > 4 * FULL[1][1] * FULL[1][2]:
        return shm / "arcsecond-bench-download"
    return WORK


def uploaded(s: Setup, root: Path, name: str) -> list[dict]:
    """Upload ``root`` into dataset ``name`` with our client; the data files on the server."""
    timed([arcsecond_script(), "upload", str(root), "-d", name, "-t", s.telescope, "--yes"],
          env=s.env())
    answer = requests.get(s.server.endpoint("datasets/"), params={"name": name},
                          headers=s.headers, timeout=30)
    answer.raise_for_status()
    dataset = answer.json()["results"][0]["uuid"]
    answer = requests.get(s.server.endpoint("datafiles/"), headers=s.headers,
                          params={"dataset": dataset, "page_size": 1000}, timeout=60)
    answer.raise_for_status()
    return list(answer.json()["results"])


def check(target: Path, records: list[dict]) -> None:
    """Every file at its size, then the folder removed for the next run."""
    for record in records:
        path = target / record["file_name"]
        if not path.is_file() or path.stat().st_size != record["size"]:
            raise RuntimeError(f"{path} is missing or incomplete after the run")
    shutil.rmtree(target)


def run_curl(s: Setup, records: list[dict], target: Path, parallel: bool) -> tuple[float, float]:
    target.mkdir(parents=True)
    lines = [f'header = "X-Arcsecond-API-Authorization: Key {s.key}"', "fail", "silent",
             "show-error"]
    for record in records:
        url = f"{s.base}/datafiles/{record['id']}/download/"
        lines += [f'url = "{url}"', f'output = "{target / record["file_name"]}"']
    config = WORK / "curl.cfg"
    config.write_text("\n".join(lines) + "\n")
    argv = ["curl", "-K", str(config)]
    if parallel:
        argv[1:1] = ["--parallel", "--parallel-max", "4"]
    result = timed(argv)
    check(target, records)
    return result


def run_floor(s: Setup, records: list[dict], target: Path) -> tuple[float, float]:
    target.mkdir(parents=True)
    listing = WORK / "floor.txt"
    listing.write_text("".join(f"{r['id']} {r['file_name']} {target / r['file_name']}\n"
                               for r in records))
    result = timed([sys.executable, str(FLOOR_CLIENT), "download", s.server.url, s.key, "4",
                    str(listing)], env=s.env())
    check(target, records)
    return result


def run_ours(s: Setup, name: str, records: list[dict], target: Path,
             jobs: str | None = "4") -> tuple[float, float]:
    """``arcsecond download`` with ``jobs`` (None: the command's default)."""
    result = timed([arcsecond_script(), "download", name, str(target),
                    *(["--jobs", jobs] if jobs else [])], env=s.env())
    check(target, records)
    return result


def median_of(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t for t, _ in samples), max(m for _, m in samples)


def main() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1" or os.environ.get("BENCH_REDUCED") == "1"
    sizes = REDUCED if os.environ.get("BENCH_REDUCED") == "1" else FULL
    WORK.mkdir(parents=True, exist_ok=True)
    place = scratch()
    shutil.rmtree(place, ignore_errors=True)
    server = start_server(place / "server")
    results: dict[str, dict[str, tuple[float, float]]] = {}
    out = place / "out"
    try:
        s = setup(server)
        for kind, count, size in sizes:
            name = f"{kind}-{count}"
            records = uploaded(s, folder(kind, count, size), name)
            clients: dict[str, Callable[[], tuple[float, float]]] = {
                "curl": lambda r=records: run_curl(s, r, out, False),
                "curl x4": lambda r=records: run_curl(s, r, out, True),
                "ours": lambda n=name, r=records: run_ours(s, n, r, out),
                "floor": lambda r=records: run_floor(s, r, out),
            }
            run_ours(s, name, records, out)  # warm up the server and the page cache
            samples: dict[str, list[tuple[float, float]]] = {client: [] for client in clients}
            for _ in range(1 if quick else RUNS[kind]):  # interleaved: same load for each
                for client, action in clients.items():
                    samples[client].append(action())
            row = results[f"{kind}:{count}:{size}"] = {
                client: median_of(got) for client, got in samples.items()}
            print(kind, {k: f"{t:.2f}s {m:.0f}MB" for k, (t, m) in row.items()}, flush=True)
    finally:
        server.stop()
        shutil.rmtree(place, ignore_errors=True)
    write_section("download", render(results, quick, sizes is REDUCED))


def render(results: dict[str, dict[str, tuple[float, float]]], quick: bool,
           reduced: bool) -> str:
    lines = [
        "`arcsecond download NAME DIR --jobs 4` against `arcsecond server start` on 127.0.0.1, "
        "beside curl fetching the same `datafiles/<id>/download/` URLs (one process for all "
        "files: sequential with connection reuse, and `--parallel-max 4`). Wall time of the "
        "whole command (start-up, listing, sha256 check, fsync and rename of every file "
        "included); every run checked to leave every file at its size. The Python floor "
        "(`floor_client.py`) fetches the same URLs from a bare requests session on 4 threads, "
        "hashing, fsyncing and renaming each file, without listing or report. Modules load from "
        "bytecode, as after a regular install. Server files and "
        "downloads on a tmpfs when there is one. Runs interleaved; medians of "
        + ("1 run (quick mode)" if quick else f"{RUNS['small']} runs")
        + (", on REDUCED datasets (a check that the benchmark works, not a result)."
           if reduced else "."),
        "",
        "| dataset | curl | curl x4 | Python floor | ours | ours / fastest curl | "
        "ours / Python floor | our peak RSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []
    for key, row in results.items():
        _kind, count, size = key.split(":")
        floor = min(row["curl"][0], row["curl x4"][0])
        ours, rss = row["ours"]
        ratio = ours / floor
        python = row["floor"][0]
        lines.append(f"| {count} x {int(size) / 1e6:g} MB | {row['curl'][0]:.2f} s | "
                     f"{row['curl x4'][0]:.2f} s | {python:.2f} s | {ours:.2f} s | "
                     f"{ratio:.2f}x | {ours / python:.2f}x | {rss:.0f} MB |")
        verdicts += loopback_verdicts(f"{count} x {int(size) / 1e6:g} MB", ours, python, floor)
    peak = max((row["ours"][1] for row in results.values()), default=0.0)
    verdicts.append(f"our peak RSS {peak:.0f} MB (target < {RSS_LIMIT_MB} MB): "
                    f"{'met' if peak < RSS_LIMIT_MB else 'NOT met'}")
    verdicts.append("the machine has 2 cores: the server (one core's worth, Python) and the "
                    "client share them, so a client's own CPU time slows the server down")
    lines += ["", *[f"- {v}" for v in verdicts]]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
    sys.exit(0)

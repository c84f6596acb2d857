"""``--bwlimit``: the rate it holds over about ten seconds, on upload and download.

For each cap, a folder of 20 files holding ten seconds of data at that rate goes up with
``arcsecond upload --bwlimit RATE --jobs 4`` into a fresh dataset of a real
``arcsecond server start`` on 127.0.0.1, then comes back down with ``arcsecond download
--bwlimit RATE --jobs 4``. The rate is the files' bytes over the time from the first file's
start to the last one's end, both read from the run's own ``--log-file`` (start-up and look-ups
are not the cap's to hold). As a check from outside the process, the bytes over the whole
command's wall time are shown too: a little lower, since that includes start-up.
Target: within 10% of the cap, every direction, every cap (the cap is shared by all jobs, so
four jobs must not make it four times higher).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from arcsecond_core.testing import arcsecond_script, start_server
from arcsecond_core.transfer.bandwidth import parse_rate
from benchmarks import bench_download
from benchmarks.bench_upload import WORK, Setup, files_of, fits_file, setup, timed
from benchmarks.results import write_section

CAPS = ("512K", "4M")
FILES = 20
SECONDS = 10.0
RUNS = 3
TOLERANCE = 0.10
DATA = Path(tempfile.gettempdir()) / "arcsecond-bench-bwlimit"


def cap_bytes(cap: str) -> float:
    rate = parse_rate(cap)
    if rate is None:
        raise ValueError(f"{cap} is not a cap")
    return rate


def folder(cap: str) -> Path:
    """FILES files holding SECONDS of data at ``cap``, made once."""
    root = DATA / cap
    size = int(cap_bytes(cap) * SECONDS / FILES)
    if len(files_of(root) if root.is_dir() else []) != FILES or \
            any(p.stat().st_size != size for p in files_of(root)):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        for index in range(FILES):
            fits_file(root / f"frame{index:03d}.fits", size, index)
    return root


def rate_in_log(log: Path) -> float:
    """Bytes per second from the first file's start to the last file's end, per ``log``."""
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    moved = [line for line in lines if line["outcome"] in ("uploaded", "downloaded")]
    if len(moved) != FILES:
        raise RuntimeError(f"{len(moved)} of {FILES} files moved (log {log})")
    ends = [dt.datetime.fromisoformat(line["time"]).timestamp() for line in moved]
    starts = [end - line["seconds"] for end, line in zip(ends, moved, strict=True)]
    return sum(line["bytes"] for line in moved) / (max(ends) - min(starts))


Rates = tuple[float, float]
"""The rate per the run's log, and the bytes over the whole command's wall time."""


def rates(log: Path, elapsed: float) -> Rates:
    moved = sum(json.loads(line)["bytes"] for line in log.read_text().splitlines()
                if json.loads(line)["outcome"] in ("uploaded", "downloaded"))
    return rate_in_log(log), moved / elapsed


def upload_rate(s: Setup, root: Path, cap: str, log: Path) -> Rates:
    name = f"capped-{os.urandom(4).hex()}"
    log.unlink(missing_ok=True)
    elapsed = timed([arcsecond_script(), "upload", str(root), "-d", name, "-t", s.telescope, "--yes",
           "--jobs", "4", "--bwlimit", cap, "--log-file", str(log)], env=s.env())[0]
    s.check_and_delete(s.dataset_by_name(name), FILES)
    return rates(log, elapsed)


def download_rate(s: Setup, name: str, records: list[dict], cap: str, out: Path,
                  log: Path) -> Rates:
    shutil.rmtree(out, ignore_errors=True)
    log.unlink(missing_ok=True)
    elapsed = timed([arcsecond_script(), "download", name, str(out), "--jobs", "4", "--bwlimit", cap,
           "--log-file", str(log)], env=s.env())[0]
    bench_download.check(out, records)
    return rates(log, elapsed)


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    runs = 1 if os.environ.get("BENCH_QUICK") == "1" else RUNS
    data_dir = Path(tempfile.gettempdir()) / "arcsecond-bench-bwlimit-server"
    shutil.rmtree(data_dir, ignore_errors=True)
    server = start_server(data_dir)
    log, out = WORK / "bwlimit.jsonl", data_dir / "out"
    rows: list[tuple[str, str, list[Rates]]] = []
    try:
        s = setup(server)
        for cap in CAPS:
            root = folder(cap)
            rows.append((cap, "upload", [upload_rate(s, root, cap, log) for _ in range(runs)]))
            name = f"bwlimit-{cap}"
            records = bench_download.uploaded(s, root, name)
            rows.append((cap, "download", [download_rate(s, name, records, cap, out, log)
                                           for _ in range(runs)]))
            print(cap, rows[-2:], flush=True)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    write_section("bwlimit", render(rows, runs))


def render(rows: list[tuple[str, str, list[Rates]]], runs: int) -> str:
    lines = [
        f"`--bwlimit` with `--jobs 4` on 127.0.0.1: {FILES} files holding {SECONDS:.0f} s of "
        "data at the cap, up with `arcsecond upload`, then down with `arcsecond download`. The "
        "rate is the files' bytes from the first file's start to the last file's end (the run's "
        f"own `--log-file`); median of {runs} run(s). Target: within "
        f"{TOLERANCE:.0%} of the cap. The last column is the bytes over the whole command's wall "
        "time, start-up and look-ups included, measured from outside the process.",
        "",
        "| cap | direction | cap (bytes/s) | held (bytes/s) | held / cap | runs | whole run / cap |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: |",
    ]
    verdicts = []
    for cap, direction, measured in rows:
        limit = cap_bytes(cap)
        held = statistics.median(r for r, _ in measured)
        whole = statistics.median(w for _, w in measured)
        ratio = held / limit
        lines.append(f"| {cap} | {direction} | {limit:,.0f} | {held:,.0f} | {ratio:.3f} | "
                     f"{', '.join(f'{r / limit:.3f}' for r, _ in measured)} | "
                     f"{whole / limit:.3f} |")
        met = abs(ratio - 1) <= TOLERANCE
        verdicts.append(f"- {cap} {direction}: {ratio:.3f} of the cap (target within "
                        f"{TOLERANCE:.0%}): {'met' if met else 'NOT met'}")
    return "\n".join([*lines, "", *verdicts])

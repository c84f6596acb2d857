"""Planning: ``night explore`` for 10 and 1,000 targets on a 5-minute grid, beside ``--help``.

Wall time from process start (median of several runs) and peak memory (the child's maximum
resident set). Targets: 10 targets in at most 1.5 s, 1,000 in at most 3 s, and the time linear
beyond start-up (100, 1,000 and 3,000 targets: the cost per target stays flat).
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from arcsecond_core.testing import arcsecond_script, start_server
from arcsecond_core.testing_client import make_client
from benchmarks.results import write_section

REPEAT = 5
SIZES = (10, 100, 1000, 3000)
DATE = "2026-12-21"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one run of ``argv``."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    timed(argv, env)  # warm-up: bytecode, the Earth-orientation cache
    runs = [timed(argv, env) for _ in range(REPEAT)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def make_lists(api: object, sizes: tuple[int, ...]) -> dict[int, str]:
    """Target lists of random fixed targets over the sky (uniform), one per size; their UUIDs."""
    rng = np.random.default_rng(19)
    count = max(sizes)
    ra = rng.uniform(0, 360, count)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))

    def create(i: int) -> int:
        made = api.targets.create(name=f"field-{i:05d}",  # type: ignore[attr-defined]
                                  coordinates={"right_ascension": float(ra[i]),
                                               "declination": float(dec[i])})
        return made["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(count)))
    return {size: api.targetlists.create(name=f"bench-{size}", targets=ids[:size])["uuid"]  # type: ignore[attr-defined]
            for size in sizes}


def main() -> None:
    script = arcsecond_script()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "server")
        try:
            client = make_client(server, Path(tmp) / "config")
            server.admin("addsite", "La Silla", "--longitude", "-70.7377", "--latitude", "-29.2567",
                         "--height", "2400", "--time-zone", "America/Santiago")
            env = {k: v for k, v in client.env.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
            api = client.api()
            lists = make_lists(api, SIZES)
            help_time, help_memory = measure([script, "--help"], env)
            rows = [f"| `arcsecond --help` | {help_time:.2f} s | {help_memory:.0f} MiB | |"]
            times = {}
            for size in SIZES:
                argv = [script, "night", "explore", "--site", "La Silla", "--date", DATE,
                        "--targetlist", lists[size], "--step", "5", "-f", "json"]
                times[size], memory = measure(argv, env)
                rows.append(f"| `night explore`, {size} targets | {times[size]:.2f} s | "
                            f"{memory:.0f} MiB | |")
            # The very first run: the bundled Earth-orientation tables are parsed once, then
            # read from the cache (arcsecond_core/planning/offline.py).
            cold_env = dict(env, XDG_CACHE_HOME=str(Path(tmp) / "cold-cache"))
            cold_time, cold_memory = timed([script, "night", "explore", "--site", "La Silla",
                                            "--date", DATE, "--targetlist", lists[SIZES[0]],
                                            "--step", "5", "-f", "json"], cold_env)
            rows.append(f"| `night explore`, {SIZES[0]} targets, first run (empty cache, one "
                        f"run) | {cold_time:.2f} s | {cold_memory:.0f} MiB | |")
            steps = list(itertools.pairwise(SIZES[1:]))
            per_target = [(times[b] - times[a]) / (b - a) * 1000 for a, b in steps]
            body = (
                "Wall time from process start to exit (median of "
                f"{REPEAT}), peak resident memory of the process; a 5-minute grid over the night "
                "(noon to noon), fixed targets from a target list.\n\n"
                "| run | wall | peak memory | |\n| --- | --- | --- | --- |\n" + "\n".join(rows) + "\n\n"
                "Cost per extra target: "
                + ", ".join(f"{a}->{b}: {ms:.2f} ms" for (a, b), ms in
                            zip(steps, per_target, strict=True))
                + f". Load average while measuring: {os.getloadavg()[0]:.1f} "
                f"on {os.cpu_count()} cores.\n"
            )
            print(body)
            write_section("night", body)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

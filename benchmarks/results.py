"""Shared helpers for benchmarks: timing medians, the machine line, and RESULTS.md sections."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nEach section is rewritten by its benchmark; medians of repeated runs.\n"


def machine() -> str:
    """One line naming this machine: CPU, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def median_seconds(run: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """Median wall time of ``run`` over ``repeat`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run_quiet(argv: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, capture its output, and fail loudly if it fails."""
    proc = subprocess.run(list(argv), capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section ``name`` of RESULTS.md, stamped with machine and date."""
    stamp = f"_{_dt.date.today().isoformat()} on {machine()}_\n\n"
    section = f"<!-- bench:{name} -->\n## {name}\n\n{stamp}{body.rstrip()}\n<!-- /bench:{name} -->"
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


FLOOR_TARGET = 1.1  # ours / the bare requests client doing the same requests, at most
CURL_CEILING = 2.0  # ours / the fastest curl, at most


def loopback_verdicts(label: str, ours: float, python: float, curl: float) -> list[str]:
    """The two loopback targets for one row: beside the Python floor, and beside curl."""
    return [
        f"{label}: {ours / python:.2f}x the Python floor, start-up included (target <= "
        f"{FLOOR_TARGET}x): {'met' if ours / python <= FLOOR_TARGET else 'NOT met'}",
        f"{label}: {ours / curl:.2f}x curl's best (ceiling {CURL_CEILING:g}x): "
        f"{'met' if ours / curl <= CURL_CEILING else 'NOT met'}; the Python floor alone is "
        f"{python / curl:.2f}x",
    ]

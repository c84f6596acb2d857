"""Start-up cost: ``arcsecond --version``, ``--help`` and ``whoami`` beside importing cliff.app.

The floor is ``python -c "import cliff.app"``: what any cliff application pays before doing
anything. Targets: ``--version`` within 1.3x of the floor, ``--help`` within 2x. The cost of
stevedore's plugin discovery (``arcsecond_core.plugin_registry.registry()``) is measured twice:
as a process (the floor plus discovery), and inside a process (discovery alone, timed there).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from arcsecond_core.testing import arcsecond_script, start_server
from arcsecond_core.testing_client import make_client
from benchmarks.results import write_section

REPEAT = 21
WARMUP = 2
#: Imports cliff.app, then discovers the plugins: the floor plus discovery, as a process.
FLOOR_AND_DISCOVERY = (
    "import cliff.app\n"
    "from arcsecond_core.plugin_registry import registry\n"
    "list(registry().available())"
)
#: Discovery alone, timed inside the process after the imports every run pays anyway.
DISCOVERY_ALONE = (
    "import time, cliff.app, stevedore\n"
    "from arcsecond_core.plugin_registry import registry\n"
    "started = time.perf_counter()\n"
    "list(registry().available())\n"
    "print(time.perf_counter() - started)"
)


def interleaved_medians(commands: list[list[str]], env: dict[str, str]) -> list[float]:
    """Median wall time of each command, run in turn round after round so load hits all alike."""
    samples: list[list[float]] = [[] for _ in commands]
    for round_number in range(REPEAT + WARMUP):
        for argv, times in zip(commands, samples, strict=True):
            started = time.perf_counter()
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            if round_number >= WARMUP:
                times.append(time.perf_counter() - started)
    return [statistics.median(times) for times in samples]


def discovery_alone(env: dict[str, str]) -> float:
    """Median time of plugin discovery inside a fresh process (stevedore's entry-point cache warm)."""
    times = []
    for round_number in range(REPEAT + WARMUP):
        proc = subprocess.run([sys.executable, "-c", DISCOVERY_ALONE], env=env,
                              capture_output=True, text=True, check=True)
        if round_number >= WARMUP:
            times.append(float(proc.stdout.strip()))
    return statistics.median(times)


def main() -> None:
    script = arcsecond_script()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "server")
        try:
            client = make_client(server, Path(tmp) / "config")
            # Installed packages have their bytecode cached; measure that, not compiling each run.
            env = {k: v for k, v in client.env.items() if k != "PYTHONDONTWRITEBYTECODE"}
            check = subprocess.run([script, "whoami"], env=env, capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"whoami failed: {check.stderr}")
            floor, with_discovery, version, help_, whoami = interleaved_medians(
                [[sys.executable, "-c", "import cliff.app"],
                 [sys.executable, "-c", FLOOR_AND_DISCOVERY],
                 [script, "--version"], [script, "--help"], [script, "whoami"]],
                env,
            )
            discovery = discovery_alone(env)
            rows = [
                ("`python -c \"import cliff.app\"` (floor)", floor, None),
                ("the floor + plugin discovery (`registry()`), as a process", with_discovery, None),
                ("plugin discovery alone, timed inside the process", discovery, None),
                ("`arcsecond --version`", version, 1.3),
                ("`arcsecond --help`", help_, 2.0),
                ("`arcsecond whoami` (embedded server)", whoami, None),
            ]
            plugins = subprocess.run(
                [script, "plugin", "list", "-f", "value", "-c", "plugin"],
                env=env, capture_output=True, text=True,
            ).stdout.split()
        finally:
            server.stop()
    lines = [
        f"Median wall time of {REPEAT} runs each (after {WARMUP} warm-up rounds), one process per run, "
        "the commands taking turns round after round so that machine load hits them alike.",
        "",
        "| command | median | ratio to floor | target |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, seconds, target in rows:
        ratio = seconds / floor
        verdict = "" if target is None else f"≤ {target}x {'✓' if ratio <= target else '✗'}"
        lines.append(f"| {label} | {seconds * 1000:.0f} ms | {ratio:.2f}x | {verdict} |")
    lines += ["", f"Installed plugins during the run: {', '.join(plugins)}."]
    write_section("startup", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

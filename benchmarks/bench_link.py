"""Transfers over links like the real world's (``benchmarks/link.py``): 50 ms of round trip at
100 Mbit/s, and 250 ms at 50 Mbit/s (a mountain in Chile to a European server).

The clients and folders of ``bench_upload`` (300 x 100 KB, and 2 of its 200 MB files), sent
through a proxy that adds the latency and the bandwidth cap in front of a real
``arcsecond server start``: ours with its default ``--jobs`` (``BENCH_LINK_RUNS`` runs, 3 by
default, the median kept), curl sequential (``--next``, one connection) and four at a time
(``--parallel-max 4``), and the public client 4.5.0, once each. Each time is compared with the
link's floor: the bytes of the files divided by the bandwidth. Our time is broken down into
start-up, the round trips before the first file, the transfer and the tail
(``benchmarks/breakdown.py``). Then the 300 small files come back down the same link:
``arcsecond download`` with its default ``--jobs`` beside curl. ``BENCH_LINK_LARGE=0`` leaves
the 200 MB pair out (about a minute per client on the slow link), ``BENCH_LINK_PUBLIC=0`` the
public client (over a minute per link for the small files).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from arcsecond_core.testing import arcsecond_script, start_server
from benchmarks import bench_download
from benchmarks.bench_upload import (
    CONNECTIONS,
    PUBLIC_VERSION,
    SMALL,
    WORK,
    Setup,
    files_of,
    folder,
    install_public,
    linked_large,
    run_curl,
    run_public,
    server_dir,
    setup,
    timed,
)
from benchmarks.breakdown import PHASES, Breakdown, median, spread, traced
from benchmarks.link import Link
from benchmarks.results import write_section

#: (name, round trip in seconds, Mbit/s, target ratios to the floor)
LINKS = (
    ("50 ms, 100 Mbit/s", 0.05, 100.0, {"small": 1.15, "large": 1.03, "download": 1.5}),
    ("250 ms, 50 Mbit/s", 0.25, 50.0, {"small": 1.2, "large": 1.03, "download": 1.5}),
)
LABELS = {"small": "300 x 0.1 MB", "large": "2 x 200 MB", "download": "300 x 0.1 MB, downloaded"}
NAMES = ("ours", "curl", "curl x4", "public")


def ours_upload(s: Setup, root: Path, count: int, log: Path) -> float:
    name = f"ours-{os.urandom(4).hex()}"
    offset = len(s.server.stderr())
    elapsed = timed([arcsecond_script(), "upload", str(root), "-d", name, "-t", s.telescope,
                     "--yes", "--log-file", str(log)], env=s.env())[0]
    CONNECTIONS[root.name] = max(CONNECTIONS.get(root.name, 0), s.connections_since(offset))
    s.check_and_delete(s.dataset_by_name(name), count)
    return elapsed


def ours_download(s: Setup, name: str, records: list[dict], out: Path, log: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    elapsed = timed([arcsecond_script(), "download", name, str(out), "--log-file", str(log)],
                    env=s.env())[0]
    bench_download.check(out, records)
    return elapsed


def measure_link(plain: Setup, server_url: str, rtt: float, mbit: float, runs: int,
                 large: bool, public_problem: str | None) -> tuple[dict, dict, dict, str | None]:
    rows: dict[str, dict[str, float]] = {}
    floors: dict[str, float] = {}
    breakdowns: dict[str, list[Breakdown]] = {}
    log = WORK / "link-run.jsonl"
    with Link("127.0.0.1", int(server_url.rsplit(":", 1)[1]), rtt, mbit) as link:
        s = plain.via(link.url, WORK / "config-link")
        kinds = [("small", folder(*SMALL))]
        if large:
            kinds.append(("large", linked_large(2, "large-pair")))
        for kind, root in kinds:
            paths = files_of(root)
            count = len(paths)
            floors[kind] = link.floor(sum(p.stat().st_size for p in paths))
            samples = [traced(lambda f, r=root, c=count: ours_upload(s, r, c, f), link.accepted,
                              log) for _ in range(runs if kind == "small" else 1)]
            breakdowns[kind] = samples
            rows[kind] = {"ours": median(samples).total}
            clients: dict[str, Callable[[], tuple[float, float]]] = {
                "curl": lambda p=paths: run_curl(s, p, False),
                "curl x4": lambda p=paths: run_curl(s, p, True),
            }
            if public_problem is None:
                clients["public"] = lambda r=root, c=count: run_public(s, r, c)
            for name, action in clients.items():
                try:
                    rows[kind][name] = action()[0]
                except RuntimeError as exc:
                    if name != "public":
                        raise
                    public_problem = f"the public client failed: {exc}"
            print(kind, {k: f"{v:.2f}s" for k, v in rows[kind].items()},
                  f"floor {floors[kind]:.2f}s", show(samples), flush=True)
        records = bench_download.uploaded(plain, folder(*SMALL), f"link-download-{rtt}")
        out = bench_download.scratch() / "link-out"
        floors["download"] = floors["small"]
        samples = [traced(lambda f: ours_download(s, f"link-download-{rtt}", records, out, f),
                          link.accepted, log) for _ in range(runs)]
        breakdowns["download"] = samples
        shutil.rmtree(out, ignore_errors=True)
        rows["download"] = {
            "ours": median(samples).total,
            "curl": bench_download.run_curl(s, records, out, False)[0],
            "curl x4": bench_download.run_curl(s, records, out, True)[0],
        }
        print("download", {k: f"{v:.2f}s" for k, v in rows["download"].items()}, show(samples),
              flush=True)
    return rows, floors, breakdowns, public_problem


def show(samples: list[Breakdown]) -> str:
    return "; ".join(", ".join(f"{name} {value:.2f}" for name, value in
                               zip(("total", *PHASES), (b.total, *b.phases()), strict=True))
                     for b in samples)


def main() -> None:
    public_problem = install_public() if os.environ.get("BENCH_LINK_PUBLIC", "1") != "0" else \
        "left out (BENCH_LINK_PUBLIC=0)"
    bench_download.WORK.mkdir(parents=True, exist_ok=True)
    runs = int(os.environ.get("BENCH_LINK_RUNS", "3"))
    large = os.environ.get("BENCH_LINK_LARGE", "1") != "0"
    data_dir = server_dir()
    shutil.rmtree(data_dir, ignore_errors=True)
    server = start_server(data_dir, "--access-log")
    sections = []
    try:
        plain = setup(server)
        ours_upload(plain, folder(*SMALL), SMALL[1], WORK / "warm.jsonl")  # imports, page cache
        CONNECTIONS.clear()
        for label, rtt, mbit, targets in LINKS:
            print(f"link {label}", flush=True)
            rows, floors, breakdowns, public_problem = measure_link(
                plain, server.url, rtt, mbit, runs, large, public_problem)
            sections.append(render(label, rtt, rows, floors, breakdowns, targets))
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    intro = (
        "Through a loopback proxy adding the round trip and the bandwidth cap of each link (one "
        "shared link each way). Ours with its default `--jobs`, the median of "
        f"{runs} runs for the small files (one for the large); curl sequential and "
        f"`--parallel-max 4`; the public client `arcsecond=={PUBLIC_VERSION}`, once each. The "
        "floor is the files' bytes at the link's rate. The download rows bring the 300 small "
        "files back down the same link. Our time is split into start-up (to the first "
        "connection), the round trips before the first file, the transfer and the tail."
    )
    notes = []
    if public_problem:
        notes.append(f"public client not measured: {public_problem}")
    load = os.getloadavg()[1]
    notes.append(f"machine load average (5 min) at the end: {load:.1f} on {os.cpu_count()} "
                 "cores; above the core count, every time here is inflated")
    write_section("link", "\n\n".join([intro, *sections, "\n".join(f"- {n}" for n in notes)]))


def render(label: str, rtt: float, rows: dict[str, dict[str, float]], floors: dict[str, float],
           breakdowns: dict[str, list[Breakdown]], targets: dict[str, float]) -> str:
    lines = [
        f"**{label}**",
        "",
        "| folder | floor | " + " | ".join(NAMES) + " | ours / floor |",
        "| --- | ---: | " + " | ".join("---:" for _ in NAMES) + " | ---: |",
    ]
    verdicts = []
    for kind in ("small", "large", "download"):
        if kind not in rows:
            continue
        row, floor = rows[kind], floors[kind]
        cells = [f"{row[n]:.2f} s ({row[n] / floor:.2f}x)" if n in row else "n/a" for n in NAMES]
        ratio = row["ours"] / floor
        lines.append(f"| {LABELS[kind]} | {floor:.2f} s | " + " | ".join(cells)
                     + f" | {ratio:.2f}x |")
        verdicts.append(f"{LABELS[kind]}: ours {ratio:.2f}x the link's floor (target <= "
                        f"{targets[kind]}x): {'met' if ratio <= targets[kind] else 'NOT met'}"
                        + spread(breakdowns[kind]))
    lines += ["", "| ours, " + label + " | total | " + " | ".join(PHASES) + " |",
              "| --- | ---: | " + " | ".join("---:" for _ in PHASES) + " |"]
    for kind, samples in breakdowns.items():
        chosen = median(samples)
        startup, before, transfer, tail = chosen.phases()
        lines.append(f"| {LABELS[kind]} | {chosen.total:.2f} s | {startup:.2f} s | "
                     f"{before:.2f} s ({before / rtt:.1f} RTT) | {transfer:.2f} s | "
                     f"{tail:.2f} s ({tail / rtt:.1f} RTT) |")
    for name, used in CONNECTIONS.items():
        verdicts.append(f"{name}: ours used at most {used} TCP connections (counted by the server)")
    return "\n".join([*lines, "", *[f"- {v}" for v in verdicts]])


if __name__ == "__main__":
    main()

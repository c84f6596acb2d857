"""Transfers over a link like the real world's: 50 ms round trip, 100 Mbit/s (``benchmarks/link.py``).

The clients and folders of ``bench_upload`` (300 x 100 KB, and 2 of its 200 MB files), sent
through a proxy that adds the latency and the bandwidth cap in front of a real
``arcsecond server start``: ours with its default ``--jobs``, curl sequential (``--next``, one
connection) and four at a time (``--parallel-max 4``), and the public client 4.5.0. One run
each (the large folder alone takes about 35 s per client). Each time is compared with the
link's floor: the bytes of the files divided by the bandwidth. Then the 300 small files come
back down the same link: ``arcsecond download`` with its default ``--jobs`` beside curl.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

from arcsecond_core.testing import start_server
from benchmarks import bench_download
from benchmarks.bench_upload import (
    CONNECTIONS,
    PUBLIC_VERSION,
    SMALL,
    WORK,
    files_of,
    folder,
    install_public,
    linked_large,
    run_curl,
    run_ours,
    run_public,
    server_dir,
    setup,
)
from benchmarks.link import Link
from benchmarks.results import write_section

RTT = 0.05
MBIT = 100.0
TARGETS = {"small": 1.5, "large": 1.05, "download": 1.5}


def main() -> None:
    public_problem = install_public()
    data_dir = server_dir()
    shutil.rmtree(data_dir, ignore_errors=True)
    server = start_server(data_dir, "--access-log")
    rows: dict[str, dict[str, float]] = {}
    floors: dict[str, float] = {}
    try:
        plain = setup(server)
        run_ours(plain, folder(*SMALL), SMALL[1], jobs=None)  # warm up: imports, page cache
        CONNECTIONS.clear()
        with Link("127.0.0.1", int(server.url.rsplit(":", 1)[1]), RTT, MBIT) as link:
            s = plain.via(link.url, WORK / "config-link")
            for kind, root in (("small", folder(*SMALL)), ("large", linked_large(2, "large-pair"))):
                paths = files_of(root)
                count = len(paths)
                floors[kind] = link.floor(sum(p.stat().st_size for p in paths))
                clients: dict[str, Callable[[], tuple[float, float]]] = {
                    "ours": lambda r=root, c=count: run_ours(s, r, c, jobs=None),
                    "curl": lambda p=paths: run_curl(s, p, False),
                    "curl x4": lambda p=paths: run_curl(s, p, True),
                }
                if public_problem is None:
                    clients["public"] = lambda r=root, c=count: run_public(s, r, c)
                rows[kind] = {}
                for name, action in clients.items():
                    try:
                        rows[kind][name] = action()[0]
                    except RuntimeError as exc:
                        if name != "public":
                            raise
                        public_problem = f"the public client failed: {exc}"
                print(kind, {k: f"{v:.2f}s" for k, v in rows[kind].items()},
                      f"floor {floors[kind]:.2f}s", flush=True)
            records = bench_download.uploaded(plain, folder(*SMALL), "link-download")
            out = bench_download.scratch() / "link-out"
            shutil.rmtree(out, ignore_errors=True)
            floors["download"] = floors["small"]
            rows["download"] = {
                "ours": bench_download.run_ours(s, "link-download", records, out, jobs=None)[0],
                "curl": bench_download.run_curl(s, records, out, False)[0],
                "curl x4": bench_download.run_curl(s, records, out, True)[0],
            }
            print("download", {k: f"{v:.2f}s" for k, v in rows["download"].items()}, flush=True)
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    write_section("link", render(rows, floors, public_problem))


def render(rows: dict[str, dict[str, float]], floors: dict[str, float],
           public_problem: str | None) -> str:
    names = ("ours", "curl", "curl x4", "public")
    lines = [
        f"Through a loopback proxy adding {RTT * 1000:.0f} ms of round trip and a "
        f"{MBIT:.0f} Mbit/s cap (one shared link each way). Ours with its default `--jobs`; "
        f"curl sequential and `--parallel-max 4`; the public client `arcsecond=={PUBLIC_VERSION}`. "
        "One run each; the floor is the files' bytes at the link's rate. The last row brings the "
        "300 small files back down the same link: `arcsecond download` with its default "
        "`--jobs`, and curl.",
        "",
        "| folder | floor | " + " | ".join(names) + " | ours / floor |",
        "| --- | ---: | " + " | ".join("---:" for _ in names) + " | ---: |",
    ]
    verdicts = []
    for kind, label in (("small", "300 x 0.1 MB"), ("large", "2 x 200 MB"),
                        ("download", "300 x 0.1 MB, downloaded")):
        if kind not in rows:
            continue
        row, floor = rows[kind], floors[kind]
        cells = [f"{row[n]:.2f} s ({row[n] / floor:.2f}x)" if n in row else "n/a" for n in names]
        ratio = row["ours"] / floor
        lines.append(f"| {label} | {floor:.2f} s | " + " | ".join(cells) + f" | {ratio:.2f}x |")
        target = f"{'the upload' if kind == 'download' else 'target'} <= {TARGETS[kind]}x"
        verdicts.append(f"{label}: ours {ratio:.2f}x the link's floor ({target}): "
                        f"{'met' if ratio <= TARGETS[kind] else 'NOT met'}")
    for name, used in CONNECTIONS.items():
        verdicts.append(f"{name}: ours used at most {used} TCP connections (counted by the server)")
    if public_problem:
        verdicts.append(f"public client not measured: {public_problem}")
    load = os.getloadavg()[1]
    verdicts.append(f"machine load average (5 min) at the end: {load:.1f} on {os.cpu_count()} "
                    "cores; above the core count, every time here is inflated")
    return "\n".join([*lines, "", *[f"- {v}" for v in verdicts]])


if __name__ == "__main__":
    main()

"""Where the time of one ``arcsecond upload`` or ``download`` goes, through the link simulator.

    start-up      from the process's start to its first connection on the link
    before first  from there to the start of the first file (the round trips of the lookups,
                  the dataset's creation, the listing)
    transfer      from the first file's start to the last file's end
    tail          from the last file's end to the process's exit

The file times come from the run's own ``--log-file`` (each line's end time less its
seconds), the first connection from the link (``Link.accepted``), the rest from the clock here.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PHASES = ("start-up", "before first", "transfer", "tail")


@dataclass(frozen=True)
class Breakdown:
    total: float
    startup: float
    before_first: float
    transfer: float
    tail: float

    def phases(self) -> tuple[float, float, float, float]:
        return self.startup, self.before_first, self.transfer, self.tail


def traced(run: Callable[[Path], float], accepted: Sequence[float], log: Path) -> Breakdown:
    """Run ``run(log)`` (which returns its wall seconds), and split its time in phases."""
    log.unlink(missing_ok=True)
    seen = len(accepted)
    started = time.time()
    total = run(log)
    ended = started + total
    first_connection = accepted[seen] if len(accepted) > seen else started
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    moved = [line for line in lines if line["outcome"] in ("uploaded", "downloaded")]
    if not moved:
        raise RuntimeError(f"no file moved in the traced run (log {log})")
    ends = [dt.datetime.fromisoformat(line["time"]).timestamp() for line in moved]
    first = min(end - line["seconds"] for end, line in zip(ends, moved, strict=True))
    last = max(ends)
    return Breakdown(total, first_connection - started, first - first_connection, last - first,
                     ended - last)


def median(samples: Sequence[Breakdown]) -> Breakdown:
    """The run of median total time (its phases add up, unlike per-phase medians)."""
    ordered = sorted(samples, key=lambda b: b.total)
    return ordered[(len(ordered) - 1) // 2]


def spread(samples: Sequence[Breakdown]) -> str:
    totals = [b.total for b in samples]
    if len(totals) < 2:
        return ""
    return f" (runs: {', '.join(f'{t:.2f}' for t in totals)}; sd {statistics.stdev(totals):.2f})"

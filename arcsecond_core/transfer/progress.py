"""Progress on standard error: a tqdm bar in bytes and a line per file on a terminal, else
quiet log lines (one per file, and one per retry)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TextIO

from arcsecond_core.cli.base import terminal_width
from arcsecond_core.sizes import human_bytes

from .outcome import FAILED, TRANSFERRED, Outcome

LOG = logging.getLogger("arcsecond.transfer")


class LogProgress:
    """One log line per finished file and per retry; for pipes, files and cron jobs."""

    def __init__(self, total_files: int = 0, total_bytes: int = 0,
                 log: logging.Logger | None = None) -> None:
        self.total_files = total_files
        self.done = 0
        self.log = log or LOG
        self._lock = threading.Lock()

    def started(self, item: Any) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def retrying(self, item: Any, attempt: int, error: str, delay: float) -> None:
        self.log.warning("%s: attempt %d failed (%s); retrying in %.1f s", item.relative, attempt,
                         error, delay)

    def finished(self, outcome: Outcome) -> None:
        with self._lock:
            self.done += 1
            position = f"[{self.done}/{self.total_files}]" if self.total_files else ""
        line = describe(outcome)
        if outcome.status == FAILED:
            self.log.error("%s %s", position, line)
        else:
            self.log.info("%s %s", position, line)

    def close(self) -> None:
        pass


class BarProgress:
    """A tqdm bar of all bytes, with a line printed above it as each file finishes."""

    def __init__(self, total_files: int, total_bytes: int, stream: TextIO) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        sized = terminal_width(stream) > 0
        self.bar: Any = tqdm(
            total=total_bytes, unit="B", unit_scale=True, unit_divisor=1000, file=stream,
            desc=f"0/{total_files} files", dynamic_ncols=sized, ncols=None if sized else 100,
            leave=True, smoothing=0.1,
        )
        self.stream = stream
        self.total_files = total_files
        self.done = 0
        self._lock = threading.Lock()

    def started(self, item: Any) -> None:
        pass

    def advance(self, count: int) -> None:
        if count:
            self.bar.update(count)

    def retrying(self, item: Any, attempt: int, error: str, delay: float) -> None:
        self._tqdm.write(f"retrying {item.relative} in {delay:.1f} s ({error})", file=self.stream)

    def finished(self, outcome: Outcome) -> None:
        with self._lock:
            self.done += 1
            self.bar.set_description_str(f"{self.done}/{self.total_files} files", refresh=False)
        self._tqdm.write(describe(outcome), file=self.stream)

    def close(self) -> None:
        self.bar.close()


def describe(outcome: Outcome) -> str:
    """One line about a finished file."""
    name = outcome.relative
    if outcome.remote_name != outcome.relative.rsplit("/", 1)[-1]:
        name += f" as {outcome.remote_name}"
    if outcome.status in TRANSFERRED:
        rate = outcome.bytes / outcome.seconds if outcome.seconds > 0 else 0.0
        retried = f", {outcome.attempts} attempts" if outcome.attempts > 1 else ""
        return (f"{outcome.status} {name} ({human_bytes(outcome.bytes)}, {human_bytes(rate)}/s, "
                f"id {outcome.datafile_id}{retried})")
    if outcome.status == FAILED:
        return f"failed {name}: {outcome.error}"
    detail = outcome.error or outcome.note
    return f"{outcome.status} {name}" + (f" ({detail})" if detail else "")


def make_progress(stream: TextIO, total_files: int, total_bytes: int, enabled: bool = True,
                  log: logging.Logger | None = None,
                  quiet: Callable[[int, int], Any] | None = None) -> Any:
    """A bar on a terminal; elsewhere ``quiet(total_files, total_bytes)``, by default log lines
    to ``log``."""
    if enabled and hasattr(stream, "isatty") and stream.isatty():
        return BarProgress(total_files, total_bytes, stream)
    if quiet is not None:
        return quiet(total_files, total_bytes)
    return LogProgress(total_files, total_bytes, log)

"""``--watch``: keep polling the folder and upload files once they are complete.

A file is complete when two scans at least ``settle`` seconds apart see the same size and
modification time (and, with ``--min-age``, when its modification time is also that old: the
settle time watches the file from this machine, whatever the clock of a network share says;
the minimum age reads the file's own time, and works in one-shot runs too). Polling works on
every file system (network shares included) and needs no event source that can overflow or miss
files. Files that failed for transient reasons (the
server away, the network down) are tried again later with a growing delay; Ctrl-C stops the
uploads in flight and ends the watch cleanly (the command's interrupts set ``stop``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from arcsecond_core import errors, retrying
from arcsecond_core.retrying import Backoff
from arcsecond_core.transfer.joblog import LoggedProgress, TransferLog
from arcsecond_core.transfer.outcome import CANCELLED, FAILED, Outcome
from arcsecond_core.transfer.report import Report

from .execute import initial_outcomes, make_transfer
from .lookup import create_dataset
from .plan import Plan, open_ledger, too_recent
from .progress import LogProgress
from .scan import LocalFile, renamed, scan

LOG = logging.getLogger("arcsecond.upload")
MAX_RETRY_DELAY = 300.0


@dataclass
class Watch:
    """Upload what appears under the plan's folder until ``stop`` is set or Ctrl-C."""

    plan: Plan
    interval: float = 5.0
    settle: float = 5.0
    stop: threading.Event = field(default_factory=threading.Event)
    rounds: int = 0
    #: One JSON line per file as each ends (--log-file).
    log: TransferLog | None = None

    def __post_init__(self) -> None:
        self.outcomes: dict[str, Outcome] = {}
        self.handled: dict[str, tuple[int, int]] = {}
        self.seen: dict[str, tuple[int, int, float]] = {}
        self.retry_at: dict[str, tuple[float, int]] = {}
        self.names: dict[str, str] = {}

    def run(self) -> Report:
        """Watch until stopped; the report holds the last outcome of every file."""
        plan = self.plan
        report = Report(plan.dataset.name, plan.dataset.uuid)
        try:
            uuid = _until_done(lambda: create_dataset(
                plan.api, plan.dataset, plan.telescope.get("uuid") if plan.telescope else None
            ), self.stop)
        except retrying.Cancelled:
            report.add(initial_outcomes(plan))
            return report
        report.dataset_uuid = uuid
        if self.log is not None:
            self.log.dataset, self.log.dataset_uuid = plan.dataset.name, uuid
        # Files too recent at the start are not final: the watch sends them once they settle.
        for outcome in initial_outcomes(plan):
            if outcome.relative in {item.relative for item in plan.recent}:
                continue
            self.outcomes[outcome.relative] = outcome
            if self.log is not None:
                self.log.write(outcome)
        for item in plan.files:
            self.names[item.remote_name] = item.relative
        for decision in plan.comparison.skipped + plan.comparison.conflicts:
            self.handled[decision.file.relative] = (decision.file.size, decision.file.mtime_ns)
        LOG.info("watching %s (every %.1f s); Ctrl-C to stop", plan.scanned.root, self.interval)
        with open_ledger(plan.api, uuid) as ledger:
            progress = LogProgress()
            shown = progress if self.log is None else LoggedProgress(progress, self.log)
            transfer = make_transfer(plan, ledger, uuid, shown, self.stop)
            while not self.stop.is_set():
                batch = self._ready()
                if batch:
                    progress.total_files += len(batch)
                    self._record(transfer.run(batch))
                self.rounds += 1
                if self.stop.wait(self.interval):
                    break
            LOG.info("stopped watching")
        report.add(outcome for outcome in self.outcomes.values() if outcome.status != CANCELLED)
        return report

    def _ready(self) -> list[LocalFile]:
        """Files seen unchanged for ``settle`` seconds and not yet handled."""
        try:
            scanned = scan(self.plan.options.paths, self.plan.options.rules)
        except errors.ArcsecondError as exc:
            LOG.warning("cannot scan the folder: %s", exc)
            return []
        now = time.monotonic()
        wall = time.time()
        ready = []
        for item in scanned.files:
            state = (item.size, item.mtime_ns)
            if self.handled.get(item.relative) == state:
                continue
            seen = self.seen.get(item.relative)
            if seen is None or seen[:2] != state:
                self.seen[item.relative] = (*state, now)
                continue
            if now - seen[2] < self.settle:
                continue
            if too_recent(item.mtime_ns, self.plan.options.min_age, wall):
                continue
            retry = self.retry_at.get(item.relative)
            if retry is not None and now < retry[0]:
                continue
            named = self._name(item)
            if named is not None:
                ready.append(named)
        return ready

    def _name(self, item: LocalFile) -> LocalFile | None:
        """The file with a remote name no other file uses (renamed if allowed), else None."""
        owner = self.names.get(item.remote_name)
        if owner in (None, item.relative):
            self.names[item.remote_name] = item.relative
            return item
        if self.plan.options.rename_duplicates:
            name = renamed(item.relative)
            if self.names.get(name) in (None, item.relative):
                self.names[name] = item.relative
                return LocalFile(item.path, item.relative, item.size, item.mtime_ns, name)
        message = f"another file ({owner}) is already sent as {item.remote_name!r}"
        self._record([Outcome(item.relative, item.remote_name, FAILED, error=message)],
                     (item.size, item.mtime_ns))
        LOG.error("%s: %s", item.relative, message)
        return None

    def _record(self, outcomes: list[Outcome], state: tuple[int, int] | None = None) -> None:
        now = time.monotonic()
        for outcome in outcomes:
            if outcome.status == CANCELLED:
                continue
            self.outcomes[outcome.relative] = outcome
            current = state or self.seen.get(outcome.relative, (0, 0, 0.0))[:2]
            if outcome.status == FAILED and outcome.retryable:
                tries = self.retry_at.get(outcome.relative, (0.0, 0))[1] + 1
                delay = Backoff(None, self.interval, MAX_RETRY_DELAY).delay(tries + 1)
                self.retry_at[outcome.relative] = (now + delay, tries)
                LOG.warning("%s: will try again in %.0f s", outcome.relative, delay)
            else:
                self.retry_at.pop(outcome.relative, None)
                self.handled[outcome.relative] = (int(current[0]), int(current[1]))


def _until_done(action: Callable[[], object], stop: threading.Event) -> str:
    """Run ``action`` until the server answers: the watch outlives a server away at start.
    Cancelled when ``stop`` is set meanwhile."""

    def away(exc: BaseException) -> bool:
        return isinstance(exc, (errors.ConnectionFailed, errors.ServerError))

    def warn(_attempt: int, exc: BaseException, delay: float) -> None:
        LOG.warning("%s; trying again in %.0f s", exc, delay)

    return str(retrying.call(action, Backoff(None, 1.0, MAX_RETRY_DELAY), away, cancel=stop,
                             before_sleep=warn))

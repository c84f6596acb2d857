"""One download from start to end: the target's files, the local comparison, the transfer, the
report. Shared by the ``arcsecond download`` command and ``api.download(...)``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.retrying import Backoff
from arcsecond_core.transfer import DEFAULT_JOBS, auto_jobs
from arcsecond_core.transfer.bandwidth import Bandwidth, for_run
from arcsecond_core.transfer.fetch import ChecksumMismatch, FetchCancelled, fetch_once, sync_folders
from arcsecond_core.transfer.filters import PathFilter
from arcsecond_core.transfer.joblog import LoggedProgress, TransferLog
from arcsecond_core.transfer.outcome import (
    CANCELLED,
    DOWNLOADED,
    FAILED,
    SKIPPED,
    TRANSIENT,
    FileProgress,
    NoProgress,
    Outcome,
    Progress,
    TryAgain,
    message,
)
from arcsecond_core.transfer.report import Report
from arcsecond_core.transfer.run import transfer_all_with_retries

from .plan import CLASH, CONFLICT, REPLACE, SKIP, Item, Plan, make_plan
from .targets import KINDS, resolve


@dataclass
class Options:
    """What to download and how (the command line, or the arguments of ``api.download``)."""

    kind: str
    spec: str
    folder: Path | None = None
    #: Files fetched at once; None: 16, or 32 for small files over a far link (auto_jobs).
    jobs: int | None = 4
    retries: int = 10
    patterns: tuple[str, ...] = ()
    overwrite: bool = False
    #: The --exclude/--include rules, on the path in the folder.
    rules: PathFilter = field(default_factory=PathFilter)
    #: --bwlimit (a rate or timetable, in this machine's local time); None: config.ini's.
    bwlimit: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise errors.UsageError(f"cannot download a {self.kind}: one of {', '.join(KINDS)}")
        if self.jobs is not None and self.jobs < 1:
            raise errors.UsageError("--jobs must be 1 or more")
        if self.retries < 1:
            raise errors.UsageError("--retries must be 1 or more")
        if self.folder is not None:
            if not str(self.folder).strip():
                raise errors.UsageError("the folder may not be blank")
            self.folder = Path(self.folder).expanduser()
        if isinstance(self.patterns, str):
            self.patterns = (self.patterns,)
        self.patterns = tuple(p for p in self.patterns if p)


def prepare(api: Any, options: Options) -> Plan:
    """The target's files and what the local folder already holds; fetches nothing."""
    started = time.monotonic()
    source = resolve(api, options.kind, options.spec)
    # The lookup and the listing are two round trips at least: about one each.
    round_trip = (time.monotonic() - started) / 2
    folder = options.folder if options.folder is not None else Path.cwd() / source.default_folder
    if folder.exists() and not folder.is_dir():
        raise errors.ArcsecondError(f"{folder} exists and is not a folder")
    plan = make_plan(source, folder, patterns=options.patterns, overwrite=options.overwrite,
                     threads=options.jobs or DEFAULT_JOBS, rules=options.rules)
    plan.bandwidth = for_run(options.bwlimit, api.profile)
    plan.jobs = options.jobs or auto_jobs(round_trip, [item.size for item in plan.to_fetch])
    return plan


def initial_outcomes(plan: Plan) -> list[Outcome]:
    """Outcomes decided before fetching: files already here, conflicts."""
    outcomes = []
    for item in plan.items:
        file_id = item.record.get("id")
        if item.action == SKIP:
            outcomes.append(Outcome(item.relative, item.remote_name, SKIPPED, datafile_id=file_id,
                                    note=item.reason, sha256=item.remote.checksum))
        elif item.action in (CONFLICT, CLASH):
            outcomes.append(Outcome(item.relative, item.remote_name, FAILED, datafile_id=file_id,
                                    error=f"conflict: {item.reason}"))
    return outcomes


def execute(api: Any, plan: Plan, options: Options, progress: Progress | None = None,
            cancel: threading.Event | None = None, log: TransferLog | None = None) -> Report:
    """Fetch what is missing. When ``cancel`` is set the run stops within seconds, partial files
    stay for the next run, and the report says ``interrupted``. ``log`` gets one line per file
    as each ends."""
    cancel = cancel or threading.Event()
    progress = progress or NoProgress()
    report = Report(place=f"from {plan.source.label} into {plan.folder}")
    report.add(initial_outcomes(plan))
    if log is not None:
        log.datasets = {item.relative: dataset_of(plan, item) for item in plan.items}
        log.write_all(report.outcomes)
        progress = LoggedProgress(progress, log)
    fetcher = Fetcher(api, progress, cancel, plan.bandwidth)
    items = plan.to_fetch
    try:
        report.add(transfer_all_with_retries(items, fetcher.attempt, jobs=plan.jobs,
                                             policy=Backoff(attempts=options.retries),
                                             progress=progress, cancel=cancel))
    finally:
        # The renames of every file, made durable once per folder rather than once per file.
        sync_folders({item.path.parent for item in items})
    report.interrupted = cancel.is_set()
    return report


def dataset_of(plan: Plan, item: Item) -> tuple[str | None, str | None]:
    """The name and UUID of the dataset a file comes from, for the log (the name of a dataset
    of a night log or data package is the folder its files go to)."""
    uuid = item.record.get("dataset")
    source = plan.source
    if source.kind == "dataset":
        return str(source.record.get("name") or source.record.get("uuid")), \
            str(source.record.get("uuid"))
    return (source.subfolder(item.record) or None), (str(uuid) if uuid else None)


@dataclass
class Fetcher:
    """One attempt at one file, as :func:`transfer_all_with_retries` asks: an Outcome, or
    TryAgain."""

    api: Any
    progress: Progress
    cancel: threading.Event
    #: The bandwidth cap shared by every job (None: none).
    bandwidth: Bandwidth | None = None

    def attempt(self, item: Item, number: int) -> Outcome:
        file_id = item.record.get("id")
        if self.cancel.is_set():
            return Outcome(item.relative, item.remote_name, CANCELLED, attempts=number - 1)
        counted = FileProgress(self.progress)
        datafiles = self.api.datafiles
        try:
            fetched = fetch_once(self.api.session, datafiles.download_path(file_id), item.path,
                                 item.remote, portal=datafiles.portal_scoped, progress=counted.advance,
                                 cancel=self.cancel, overwrite=item.action == REPLACE,
                                 sync_folder=False, throttle=self.bandwidth)
        except FetchCancelled:
            return Outcome(item.relative, item.remote_name, CANCELLED, attempts=number)
        except ChecksumMismatch as exc:
            counted.undo()
            if exc.resumed:  # the partial file of an earlier run was wrong: once more, whole
                raise TryAgain(message(exc)) from exc
            return self._failed(item, f"{exc}; no file was kept", number)
        except TRANSIENT as exc:
            if self.cancel.is_set():
                return Outcome(item.relative, item.remote_name, CANCELLED, attempts=number)
            raise TryAgain(message(exc)) from exc
        except errors.ArcsecondError as exc:
            return self._failed(item, message(exc), number)
        except OSError as exc:
            return self._failed(item, f"cannot write {item.path} ({exc.strerror or exc})",
                                number)
        notes = []
        if fetched.resumed_from:
            notes.append(f"resumed from byte {fetched.resumed_from}")
        if item.action == REPLACE:
            notes.append("replaced the local file that differed")
        return Outcome(item.relative, item.remote_name, DOWNLOADED, fetched.received, file_id,
                       attempts=number, note="; ".join(notes) or None, sha256=fetched.sha256)

    def _failed(self, item: Item, text: str, number: int) -> Outcome:
        return Outcome(item.relative, item.remote_name, FAILED, datafile_id=item.record.get("id"),
                       error=text, attempts=number)

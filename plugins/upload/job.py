"""One upload from start to end: scan, plan, summary, dataset creation, transfer, report.

Shared by the ``arcsecond upload`` command and the ``api.upload(...)`` Python entry point.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.masking import mask
from arcsecond_core.nights import Site
from arcsecond_core.retrying import Backoff, Cancelled
from arcsecond_core.transfer import auto_jobs, filters
from arcsecond_core.transfer.bandwidth import Bandwidth, for_run, zone_named
from arcsecond_core.transfer.joblog import LoggedProgress, TransferLog
from arcsecond_core.transfer.outcome import (
    CONFLICT,
    FAILED,
    IGNORED,
    SKIPPED,
    TOO_RECENT,
    NoProgress,
    Outcome,
    Progress,
)
from arcsecond_core.transfer.progress import human_bytes
from arcsecond_core.transfer.report import Report

from . import plan as planning
from .classify import Kind, classify, classify_all
from .headers import summarize
from .ledger import Ledger
from .lookup import Found, Later, dataset_telescope, discard, look_up, site_later
from .scan import LocalFile, ScanResult, as_paths, resolve_duplicates, scan
from .transfer import Transfer

LOG = logging.getLogger("arcsecond.upload")


@dataclass
class Options:
    """What to upload and how (the command line, or the keyword arguments of ``api.upload``)."""

    #: The folders and files to upload (one path or several).
    paths: Any
    dataset: str | None = None
    telescope: str | None = None
    tags: tuple[str, ...] = ()
    raw: bool = True
    #: Files sent at once; None: 16, or 32 for small files over a far link (auto_jobs).
    jobs: int | None = 4
    rename_duplicates: bool = False
    retries: int = 10
    verify: bool = False
    #: Replace a server copy whose content differs instead of reporting a conflict.
    replace: bool = False
    #: The --exclude/--include rules.
    rules: filters.PathFilter = field(default_factory=filters.PathFilter)
    #: Files modified less than this many seconds ago are left for a later run.
    min_age: float | None = None
    #: --bwlimit (a rate or timetable); None: the server's ``bwlimit`` in config.ini, if any.
    bwlimit: str | None = None

    def __post_init__(self) -> None:
        self.paths = as_paths(self.paths)
        if self.min_age is not None and self.min_age < 0:
            raise errors.UsageError("--min-age must be 0 or more seconds")
        if self.jobs is not None and self.jobs < 1:
            raise errors.UsageError("--jobs must be 1 or more")
        if self.retries < 1:
            raise errors.UsageError("--retries must be 1 or more")
        self.tags = tuple(parse_tags(self.tags))


def parse_tags(values: Any) -> list[str]:
    """Tags from ``"a,b"``, ``["a", "b,c"]`` or None; blanks dropped, order kept, no repeats."""
    if values is None:
        return []
    items = [values] if isinstance(values, str) else list(values)
    tags: list[str] = []
    for item in items:
        for tag in str(item).split(","):
            tag = tag.strip()
            if tag and tag not in tags:
                tags.append(tag)
    return tags


@dataclass
class Plan:
    """Everything known before the first byte is sent."""

    api: Any
    options: Options
    scanned: ScanResult
    files: list[LocalFile]
    dataset: planning.DatasetTarget
    telescope: dict[str, Any] | None
    #: The telescope's observing site, read in the background (see :attr:`site`).
    site_lookup: Later
    organisation: dict[str, Any] | None
    comparison: planning.Comparison
    #: Each file's Kind, by relative path, with the name it was classified under.
    kinds: dict[str, tuple[str, Kind]] = field(default_factory=dict)
    #: Files modified less than --min-age ago: left for a later run.
    recent: list[LocalFile] = field(default_factory=list)
    #: The bandwidth cap of the run (None: none).
    bandwidth: Bandwidth | None = None
    #: About one round trip of the link, as the dataset's lookup took.
    round_trip: float | None = None
    #: The new dataset's creation, when it was started early (see :meth:`create_early`).
    creation: Later | None = None

    def create_early(self, cancel: threading.Event) -> None:
        """Create the new dataset now, in the background, while the summary is worked out: for
        a run already confirmed (``--yes``), one round trip less before the first file."""
        if self.dataset.exists or self.creation is not None:
            return
        telescope = self.telescope.get("uuid") if self.telescope else None
        self.creation = Later(lambda: planning.patiently(
            lambda: planning.create_dataset(self.api, self.dataset, telescope), posts=True,
            cancel=cancel))

    @property
    def jobs(self) -> int:
        """``--jobs``, or the default for these files over this link."""
        if self.options.jobs is not None:
            return self.options.jobs
        return auto_jobs(self.round_trip, [item.size for item in self.to_send])

    @property
    def site(self) -> Site | None:
        """The observing site (for night-log dates), waited for on first use."""
        return self.site_lookup.get()

    @property
    def to_send(self) -> list[LocalFile]:
        return [decision.file for decision in self.comparison.to_send]

    def kind(self, item: LocalFile) -> Kind:
        known = self.kinds.get(item.relative)
        if known is None or known[0] != item.remote_name:
            known = self.kinds[item.relative] = (item.remote_name,
                                                 classify(item.path, item.remote_name))
        return known[1]

    def classify_all(self) -> None:
        """Classify every file not classified yet (the scan's files were, during the lookup)."""
        missing = [item for item in self.files
                   if self.kinds.get(item.relative, ("",))[0] != item.remote_name]
        for item, kind in zip(missing, classify_all(missing), strict=True):
            self.kinds[item.relative] = (item.remote_name, kind)


def too_recent(mtime_ns: int, min_age: float | None, now: float) -> bool:
    """True when a file modified at ``mtime_ns`` is younger than ``min_age`` seconds at ``now``
    (a file exactly ``min_age`` old goes; one dated in the future is too recent)."""
    return min_age is not None and now - mtime_ns / 1e9 < min_age


def prepare(api: Any, options: Options, confirmed: bool = False) -> Plan:
    """Scan the paths and ask the server what it has. It sends nothing, except for a run
    already ``confirmed``: a new dataset is then created beside its lookup."""
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="arcsecond-lookup") as pool:
        return _prepare(api, options, pool, confirmed)


def _prepare(api: Any, options: Options, pool: ThreadPoolExecutor, confirmed: bool) -> Plan:
    # The folder is walked while the server is asked (a bad path is still the error shown).
    scanning = pool.submit(scan, options.paths, options.rules)

    def anything_to_send() -> bool:
        """Whether a new dataset would get files (the local checks pass: no duplicate names)."""
        now = time.time()
        files = [f for f in scanning.result().files
                 if not too_recent(f.mtime_ns, options.min_age, now)]
        if files:
            resolve_duplicates(files, options.rename_duplicates)
        return bool(files)

    # The files' types (read from their first bytes) are worked out during the round trips.
    classifying = pool.submit(lambda: {item.relative: (item.remote_name, kind) for item, kind in
                                       zip(scanning.result().files,
                                           classify_all(scanning.result().files), strict=True)})
    try:
        found = look_up(api, api.portal, options.dataset, default_dataset_name(options.paths),
                        options.telescope, pool, create=anything_to_send if confirmed else None)
    except Exception:
        if scanning.exception() is not None:
            raise scanning.exception() from None  # type: ignore[misc]
        raise
    try:
        plan = _compared(api, options, pool, scanning.result(), found)
        plan.kinds.update(classifying.result())
        return plan
    except BaseException:
        if found.created is not None:
            discard(api, found.created)
        raise


def _compared(api: Any, options: Options, pool: ThreadPoolExecutor, scanned: ScanResult,
              found: Found) -> Plan:
    now = time.time()
    recent = [f for f in scanned.files if too_recent(f.mtime_ns, options.min_age, now)]
    if recent:
        scanned.files = [f for f in scanned.files if not too_recent(f.mtime_ns, options.min_age,
                                                                    now)]
    target, telescope = found.target, found.telescope
    # The listing and the dataset's telescope go out together; the site is read meanwhile.
    listing = pool.submit(planning.patiently, lambda: planning.remote_files(api, target.uuid))
    if telescope is None and target.telescope:
        telescope = pool.submit(dataset_telescope, api, target.telescope).result()
    site = site_later(api, telescope)
    recorded: dict[str, str] = {}
    if target.exists:
        with open_ledger(api, str(target.uuid)) as ledger:
            entries = ledger.entries()
        recorded = {rel: e.remote_name for rel, e in entries.items() if e.status == "sent"}
    else:
        entries = {}
    files = resolve_duplicates(scanned.files, options.rename_duplicates, recorded)
    comparison = planning.compare(files, listing.result(), entries, replace=options.replace)
    bandwidth = _bandwidth(options, api, site)
    return Plan(api, options, scanned, files, target, telescope, site, found.organisation,
                comparison, recent=recent, bandwidth=bandwidth, round_trip=found.round_trip,
                creation=None if found.created is None else Later(value=found.created))


def _bandwidth(options: Options, api: Any, site: Later) -> Bandwidth | None:
    """The run's cap; a timetable waits for the site's time zone (a single rate needs none)."""
    text = options.bwlimit if options.bwlimit is not None else api.profile.bwlimit
    zone = None
    if text and len(text.split()) > 1:
        known = site.get()
        zone = zone_named(known.time_zone if known else None)
    return for_run(options.bwlimit, api.profile, zone)


def default_dataset_name(paths: list[Path]) -> str | None:
    """The dataset a run goes to without -d: the folder's name, or the folder of the one file."""
    if len(paths) != 1:
        return None
    path = paths[0].resolve()
    return path.name if path.is_dir() else path.parent.name


def open_ledger(api: Any, dataset_uuid: str) -> Ledger:
    server = api.profile.api_server + (f"/{api.portal}" if api.portal else "")
    return Ledger(server, dataset_uuid)


def summary_lines(plan: Plan) -> list[str]:
    """What will happen, for the confirmation question."""
    api, target = plan.api, plan.dataset
    profile = api.profile
    key = f"{profile.key_type} key {mask(profile.key)}" if profile.key else "no key"
    portal = "none"
    if plan.organisation is not None:
        portal = f"{api.portal} ({plan.organisation.get('name') or api.portal})"
    state = f"existing, {target.uuid}" if target.exists else "new, created before the first file"
    telescope = "none"
    if plan.telescope:
        telescope = f"{plan.telescope.get('name') or '?'} ({plan.telescope.get('uuid')})"
    plan.classify_all()
    kinds = Counter(plan.kind(item).label() for item in plan.files)
    kind_text = ", ".join(f"{label} {count}" for label, count in sorted(kinds.items()))
    total = sum(item.size for item in plan.files)
    sending = plan.to_send
    lines = [
        f"server:    {profile.name} ({profile.api_server})",
        f"user:      {profile.username} ({key})",
        f"portal:    {portal}",
        f"dataset:   {target.name} ({state})",
        f"telescope: {telescope}",
        f"files:     {len(plan.files)} ({human_bytes(total)})" + (f": {kind_text}" if kind_text else ""),
        f"on server: {len(plan.comparison.skipped)} already there" + (
            "" if plan.comparison.listed else
            " (by the local ledger: this key cannot list the dataset's files)"),
        f"to send:   {len(sending)} ({human_bytes(sum(item.size for item in sending))}); "
        f"raw={plan.options.raw}" + (f", tags {', '.join(plan.options.tags)}" if plan.options.tags
                                     else ""),
    ]
    if plan.comparison.conflicts:
        lines.append(f"conflicts: {len(plan.comparison.conflicts)} names already in the dataset "
                     "with other content (not sent; --replace sends them instead)")
    replacing = [d for d in plan.comparison.to_send if d.action == "replace"]
    if replacing:
        lines.append(f"replace:   {len(replacing)} server copies with other content, deleted "
                     "before their file is sent")
    if plan.recent:
        lines.append(f"too recent: {len(plan.recent)} modified less than "
                     f"{plan.options.min_age:g} s ago (--min-age; a later run sends them)")
    excluded = plan.options.rules.summary(plan.scanned.excluded)
    if excluded:
        lines.append(f"excluded:  {excluded}")
    if plan.bandwidth is not None:
        lines.append(f"bandwidth: {plan.bandwidth.timetable.describe()}")
    left = plan.scanned.problems
    if left or plan.scanned.hidden:
        reasons = Counter(problem.reason for problem in left)
        if plan.scanned.hidden:
            reasons["hidden"] = plan.scanned.hidden
        lines.append("left aside: " + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())))
    return lines


def dry_run_rows(plan: Plan) -> list[dict[str, Any]]:
    """Each file with its type, headers and night-log date, and what would happen to it."""
    comparison = plan.comparison
    actions = {d.file.relative: d for d in comparison.skipped + comparison.conflicts
               + comparison.to_send}
    rows = []
    for item in plan.files:
        kind = plan.kind(item)
        headers = summarize(item.path, kind, plan.site, item.remote_name)
        decision = actions.get(item.relative)
        rows.append({
            "path": item.relative,
            "file_name": item.remote_name,
            "type": kind.file_type,
            "compression": kind.compression,
            "bytes": item.size,
            "date_obs": headers.date_obs,
            "object": headers.object,
            "imagetyp": headers.imagetyp,
            "night_log": headers.night_log,
            "action": "send" if decision is None else decision.action,
            "note": headers.error or (decision.reason if decision and decision.reason else None),
        })
    rows.extend({"path": item.relative, "file_name": item.remote_name, "type": None,
                 "compression": None, "bytes": item.size, "date_obs": None, "object": None,
                 "imagetyp": None, "night_log": None, "action": TOO_RECENT,
                 "note": recent_note(item, plan.options.min_age)} for item in plan.recent)
    return rows


def recent_note(item: LocalFile, min_age: float | None) -> str:
    age = max(0.0, time.time() - item.mtime_ns / 1e9)
    return f"modified {age:.0f} s ago (--min-age {min_age:g}); a later run sends it"


def initial_outcomes(plan: Plan) -> list[Outcome]:
    """Outcomes decided before sending: paths left aside, files already there, conflicts."""
    outcomes = [
        Outcome(p.relative, p.relative.rsplit("/", 1)[-1],
                FAILED if p.kind == "failed" else IGNORED, error=p.reason)
        for p in plan.scanned.problems
    ]
    outcomes.extend(Outcome(item.relative, item.remote_name, TOO_RECENT,
                            note=recent_note(item, plan.options.min_age))
                    for item in plan.recent)
    for decision in plan.comparison.skipped:
        remote = decision.remote or {}
        outcomes.append(Outcome(decision.file.relative, decision.file.remote_name, SKIPPED,
                                datafile_id=remote.get("id"), note=decision.reason,
                                sha256=decision.sha256 or remote.get("checksum")))
    outcomes.extend(
        Outcome(d.file.relative, d.file.remote_name, CONFLICT,
                datafile_id=(d.remote or {}).get("id"), error=d.reason)
        for d in plan.comparison.conflicts
    )
    return outcomes


def execute(
    plan: Plan, progress: Progress | None = None, cancel: threading.Event | None = None,
    log: TransferLog | None = None,
) -> Report:
    """Create the dataset if needed and send what is missing. When ``cancel`` is set the run
    stops within seconds: the report says ``interrupted`` and lists what was done. ``log``
    gets one line per file as each ends."""
    cancel = cancel or threading.Event()
    if log is not None:
        log.dataset, log.dataset_uuid = plan.dataset.name, plan.dataset.uuid
    if not plan.to_send and not plan.dataset.exists and plan.creation is None:
        report = Report(plan.dataset.name, None)
        report.add(_logged(initial_outcomes(plan), log))
        return report
    telescope = plan.telescope.get("uuid") if plan.telescope else None
    report = Report(plan.dataset.name, plan.dataset.uuid)
    report.add(_logged(initial_outcomes(plan), log))
    try:
        if plan.creation is not None:
            uuid = plan.creation.get()
        else:
            uuid = planning.patiently(
                lambda: planning.create_dataset(plan.api, plan.dataset, telescope), posts=True,
                cancel=cancel)
    except Cancelled:
        uuid = None
    if uuid is None or cancel.is_set():
        report.interrupted = True
        return report
    report.dataset_uuid = uuid
    if log is not None:
        log.dataset_uuid = uuid
        progress = LoggedProgress(progress or NoProgress(), log)
    with open_ledger(plan.api, uuid) as ledger:
        for decision in plan.comparison.skipped:
            item, remote = decision.file, decision.remote or {}
            ledger.record(item.relative, item.remote_name, item.size, item.mtime_ns, "sent",
                          sha256=decision.sha256 or remote.get("checksum"),
                          datafile_id=remote.get("id"))
        transfer = make_transfer(plan, ledger, uuid, progress, cancel)
        report.add(transfer.run(plan.to_send))
    report.interrupted = cancel.is_set()
    return report


def _logged(outcomes: list[Outcome], log: TransferLog | None) -> list[Outcome]:
    if log is not None:
        log.write_all(outcomes)
    return outcomes


def make_transfer(
    plan: Plan, ledger: Ledger, uuid: str, progress: Progress | None,
    cancel: threading.Event | None,
) -> Transfer:
    options = plan.options
    transfer = Transfer(
        plan.api, uuid, ledger, is_raw=options.raw, tags=options.tags, jobs=plan.jobs,
        policy=Backoff(attempts=options.retries), verify=options.verify,
        replace=options.replace, bandwidth=plan.bandwidth,
        replacing={d.file.relative: (d.remote or {}).get("id")
                   for d in plan.comparison.to_send if d.action == "replace"},
    )
    if progress is not None:
        transfer.progress = progress
    if cancel is not None:
        transfer.cancel = cancel
    return transfer

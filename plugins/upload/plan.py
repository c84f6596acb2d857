"""An upload's plan: what to upload and how (Options), and everything known before the first
byte is sent (Plan), as :func:`prepare` works it out: the scan, the server's look-ups and the
comparison. Shared by the ``arcsecond upload`` command and the ``api.upload(...)`` entry point.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.nights import Site
from arcsecond_core.transfer import auto_jobs, filters
from arcsecond_core.transfer.bandwidth import Bandwidth, for_run, zone_named

from .classify import Kind, classify, classify_all
from .comparison import Comparison, compare
from .ledger import Ledger
from .lookup import (
    DatasetTarget,
    Found,
    Later,
    create_dataset,
    dataset_telescope,
    discard,
    look_up,
    patiently,
    remote_files,
    site_later,
)
from .scan import LocalFile, ScanResult, as_paths, resolve_duplicates, scan


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
    dataset: DatasetTarget
    telescope: dict[str, Any] | None
    #: The telescope's observing site, read in the background (see :attr:`site`).
    site_lookup: Later
    organisation: dict[str, Any] | None
    comparison: Comparison
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
        self.creation = Later(lambda: patiently(
            lambda: create_dataset(self.api, self.dataset, telescope), posts=True,
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
    listing = pool.submit(patiently, lambda: remote_files(api, target.uuid))
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
    comparison = compare(files, listing.result(), entries, replace=options.replace)
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


def recent_note(item: LocalFile, min_age: float | None) -> str:
    age = max(0.0, time.time() - item.mtime_ns / 1e9)
    return f"modified {age:.0f} s ago (--min-age {min_age:g}); a later run sends it"



"""What a download will do, file by file: fetch, resume, skip (already here) or a conflict.

A file already in the folder with the server's size and sha256 is skipped. A file there with
other content is a conflict: reported and left alone, unless the user asked to overwrite. A
partial file left by an interrupted run is resumed from where it stopped.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core.transfer.checksum import sha256_of
from arcsecond_core.transfer.fetch import Remote, local_name, partial_path
from arcsecond_core.transfer.filters import PathFilter
from arcsecond_core.transfer.progress import human_bytes

from .targets import Source

FETCH, RESUME, REPLACE, SKIP, CONFLICT, CLASH = (
    "download", "resume", "replace", "skip", "conflict", "clash")
#: Actions that move bytes.
TO_FETCH = (FETCH, RESUME, REPLACE)


@dataclass
class Item:
    """One data file and where it goes."""

    record: dict[str, Any]
    relative: str
    path: Path
    action: str = FETCH
    #: Bytes already in the partial file of an earlier run.
    partial: int = 0
    reason: str = ""

    @property
    def remote_name(self) -> str:
        return str(self.record.get("file_name") or "")

    @property
    def remote(self) -> Remote:
        return Remote.of(self.record)

    @property
    def size(self) -> int:
        return self.remote.size or 0


@dataclass
class Plan:
    """Everything known before the first byte is fetched."""

    source: Source
    folder: Path
    items: list[Item] = field(default_factory=list)
    #: Files of the target the patterns left out.
    filtered: int = 0
    #: The --exclude/--include rules, and how many files each left aside.
    rules: PathFilter = field(default_factory=PathFilter)
    excluded: Counter[str] = field(default_factory=Counter)
    #: The bandwidth cap of the run (a Bandwidth, or None).
    bandwidth: Any = None
    #: Files fetched at once.
    jobs: int = 4

    @property
    def to_fetch(self) -> list[Item]:
        return [item for item in self.items if item.action in TO_FETCH]

    def count(self, action: str) -> int:
        return sum(item.action == action for item in self.items)

    @property
    def bytes_to_fetch(self) -> int:
        return sum(max(item.size - item.partial, 0) for item in self.to_fetch)


def make_plan(source: Source, folder: Path, *, patterns: tuple[str, ...] = (),
              overwrite: bool = False, threads: int = 4, rules: PathFilter | None = None) -> Plan:
    """Compare the target's files with what ``folder`` holds (hashing local files whose size
    matches, ``threads`` at a time). ``rules`` are matched against the path in ``folder``."""
    plan = Plan(source, folder, rules=rules or PathFilter())
    taken: set[str] = set()
    for record in sorted(source.files, key=_order):
        name = local_name(record)
        if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
            plan.filtered += 1
            continue
        sub = source.subfolder(record)
        relative = f"{sub}/{name}" if sub else name
        rule = plan.rules.rule_against(relative)
        if rule is not None:
            plan.excluded[rule] += 1
            continue
        item = Item(record, relative, folder / relative)
        if relative in taken:
            item.action, item.reason = CLASH, f"another data file of that name goes to {relative}"
        taken.add(relative)
        plan.items.append(item)
    with ThreadPoolExecutor(max(1, threads)) as pool:
        list(pool.map(lambda item: _compare(item, overwrite), plan.items))
    return plan


def _order(record: dict[str, Any]) -> tuple[str, str, int]:
    file_id = record.get("id")
    return (str(record.get("dataset")), str(record.get("file_name")),
            file_id if isinstance(file_id, int) else 0)


def _compare(item: Item, overwrite: bool) -> None:
    """Decide ``item.action`` from the local folder."""
    if item.action == CLASH:
        return
    remote = item.remote
    part = partial_path(item.path, remote.file_id)
    if item.path.exists() or item.path.is_symlink():
        difference = _difference(item.path, remote)
        if difference is None:
            item.action, item.reason = SKIP, "already here"
        elif not item.path.is_file():
            item.action, item.reason = CONFLICT, difference
        elif overwrite:
            item.action, item.reason = REPLACE, difference
        else:
            item.action = CONFLICT
            item.reason = f"{difference}; --overwrite replaces it with the server's copy"
        if item.action == SKIP:
            part.unlink(missing_ok=True)
            return
    if item.action in (FETCH, REPLACE) and part.is_file():
        item.partial = part.stat().st_size
        if remote.size is None or item.partial <= remote.size:
            item.action = RESUME if item.action == FETCH else item.action
            item.reason = item.reason or f"{human_bytes(item.partial)} already here"


def _difference(path: Path, remote: Remote) -> str | None:
    """None when ``path`` holds the server's copy, else how it differs."""
    if not path.is_file():
        return f"{path} is in the way and is not a file"
    size = path.stat().st_size
    if remote.size is not None and size != remote.size:
        return f"a different file is already here ({size} bytes here, {remote.size} on the server)"
    if remote.checksum and sha256_of(path) != remote.checksum:
        return "a different file of the same size is already here (its sha256 differs)"
    return None


def summary_lines(plan: Plan, api: Any) -> list[str]:
    """What will happen, before it does."""
    profile = api.profile
    portal = f", portal {api.portal}" if getattr(api, "portal", None) else ""
    total = sum(item.size for item in plan.items)
    counts = Counter(item.action for item in plan.items)
    lines = [
        f"server:    {profile.name} ({profile.api_server}){portal}",
        f"source:    {plan.source.label}",
        f"folder:    {plan.folder}",
        f"files:     {len(plan.items)} ({human_bytes(total)})"
        + (f"; {plan.filtered} left out by --pattern" if plan.filtered else ""),
        f"here:      {counts[SKIP]} already here",
        f"to fetch:  {len(plan.to_fetch)} ({human_bytes(plan.bytes_to_fetch)})"
        + (f", {counts[RESUME]} resumed" if counts[RESUME] else "")
        + (f", {counts[REPLACE]} replacing local files" if counts[REPLACE] else ""),
    ]
    if counts[CONFLICT] or counts[CLASH]:
        lines.append(f"conflicts: {counts[CONFLICT] + counts[CLASH]} local files differ from "
                     "the server's (left alone)")
    excluded = plan.rules.summary(plan.excluded)
    if excluded:
        lines.append(f"excluded:  {excluded}")
    return lines


def dry_run_rows(plan: Plan) -> list[dict[str, Any]]:
    """Each file with what would happen to it."""
    return [{
        "path": item.relative,
        "file_name": item.remote_name,
        "id": item.record.get("id"),
        "bytes": item.remote.size,
        "checksum": item.remote.checksum,
        "action": item.action,
        "note": item.reason or None,
    } for item in plan.items]

"""What an upload will do: portal, telescope, dataset (found or to create), and what is missing.

Everything here reads; the only write is :func:`create_dataset`, called after confirmation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from arcsecond_core import errors
from arcsecond_core.nights import Site
from arcsecond_core.resources import is_uuid
from arcsecond_core.transfer.checksum import sha256_of
from arcsecond_core.transfer.outcome import TRANSIENT
from arcsecond_core.transfer.patience import patiently as shared_patiently

from .ledger import Entry
from .scan import LocalFile

LOG = logging.getLogger("arcsecond.upload")
LIST_PAGE_SIZE = 1000
T = TypeVar("T")


def patiently(call: Callable[[], T], *, posts: bool = False, attempts: int = 8,
              cancel: threading.Event | None = None) -> T:
    """``call()`` tried again on 5xx, 429 (and connection errors for POSTs), warning on the
    upload's logger: the patience both directions share, for the reads around an upload."""
    return shared_patiently(call, posts=posts, attempts=attempts, cancel=cancel, log=LOG)


@dataclass
class DatasetTarget:
    """The dataset files go to: an existing one (``uuid`` set) or one to create by name."""

    name: str
    uuid: str | None = None
    telescope: str | None = None

    @property
    def exists(self) -> bool:
        return self.uuid is not None


@dataclass
class Decision:
    """For one local file: send it, skip it (already on the server), a conflict, or replace
    (send it after deleting the server's copy, ``remote``)."""

    file: LocalFile
    action: str
    remote: dict[str, Any] | None = None
    reason: str = ""
    #: The file's sha256 when it was read or hashed to decide.
    sha256: str | None = None


@dataclass
class Comparison:
    to_send: list[Decision] = field(default_factory=list)
    skipped: list[Decision] = field(default_factory=list)
    conflicts: list[Decision] = field(default_factory=list)
    #: False when the server's list of files could not be read (upload key).
    listed: bool = True


def check_portal(api: Any, portal: str) -> dict[str, Any]:
    """The organisation ``portal``, after checking that the user is a member of it."""
    try:
        organisation = api.resource("organisations").read(portal)
    except errors.NotFound as exc:
        raise errors.NotFound(
            f"there is no portal {portal!r} on {api.profile.api_server}", exc.status_code, exc.payload
        ) from None
    try:
        api.verify_portal(portal)
    except errors.HTTPError as exc:
        if exc.status_code >= 500:
            raise
        raise type(exc)(
            f"{api.username} is not a member of portal {portal!r}: nothing was sent"
        ) from exc
    return dict(organisation)


def find_telescope(api: Any, name_or_uuid: str) -> dict[str, Any]:
    try:
        return dict(api.telescopes.find(name_or_uuid))
    except errors.NotFound as exc:
        raise errors.NotFound(f"{exc}: nothing was sent", exc.status_code, exc.payload) from exc


def site_of(api: Any, telescope: dict[str, Any] | None) -> Site | None:
    """The observing site of a telescope, for night-log dates (None when unknown)."""
    if not telescope or not telescope.get("observing_site"):
        return None
    try:
        record = api.observingsites.read(telescope["observing_site"])
    except TRANSIENT:
        raise
    except errors.HTTPError as exc:
        LOG.warning("cannot read the telescope's observing site (%s): night logs shown in UTC", exc)
        return None
    longitude = record.get("longitude")
    return Site(
        time_zone=record.get("time_zone") or None,
        longitude=float(longitude) if isinstance(longitude, (int, float)) else None,
    )


def find_dataset(api: Any, spec: str | None, default: str | None) -> DatasetTarget:
    """The dataset ``spec`` names (UUID or name); ``default`` (the folder's name) without it.

    A UUID must exist; a name matching no dataset gives a target to create; a name matching
    two or more is an error.
    """
    if spec is not None and not spec.strip():
        raise errors.UsageError("the dataset name may not be blank")
    if not spec and default is None:
        raise errors.UsageError("several paths go into one dataset: name it with -d DATASET")
    text = spec.strip() if spec else str(default)
    if not text:
        raise errors.UsageError("cannot name a dataset after the root folder: pass -d DATASET")
    if is_uuid(text):
        try:
            record = api.datasets.read(text)
        except errors.NotFound as exc:
            raise errors.NotFound(f"{exc}: nothing was sent", exc.status_code, exc.payload) from exc
        return DatasetTarget(str(record.get("name") or text), str(record["uuid"]),
                             record.get("telescope"))
    matches = [item for item in api.datasets.list(name=text) if item.get("name") == text]
    if len(matches) > 1:
        ids = ", ".join(str(item.get("uuid")) for item in matches)
        raise errors.AmbiguousName(
            f"{len(matches)} datasets are named {text!r} ({ids}): pass the UUID of one with -d"
        )
    if matches:
        return DatasetTarget(text, str(matches[0]["uuid"]), matches[0].get("telescope"))
    return DatasetTarget(text)


def create_dataset(api: Any, target: DatasetTarget, telescope: str | None) -> str:
    """Create the dataset ``target`` names (or find it, if it appeared meanwhile); its UUID."""
    if target.exists:
        return str(target.uuid)
    fields: dict[str, Any] = {"name": target.name}
    if telescope:
        fields["telescope"] = telescope
    try:
        record = api.datasets.create(**fields)
    except errors.ValidationError:
        again = find_dataset(api, target.name, None)
        if not again.exists:
            raise
        record = {"uuid": again.uuid, "telescope": again.telescope}
    target.uuid = str(record["uuid"])
    target.telescope = record.get("telescope")
    return target.uuid


def remote_files(api: Any, dataset_uuid: str | None) -> dict[str, dict[str, Any]] | None:
    """The data files of a dataset, by file name (nothing for a dataset still to create).

    None when the key may not list data files (an upload key): the ledger, and the server's
    ``already exists in dataset`` answers, then tell what is there.
    """
    if dataset_uuid is None:
        return {}
    found: dict[str, dict[str, Any]] = {}
    try:
        for item in api.datafiles.list(dataset=dataset_uuid, page_size=LIST_PAGE_SIZE):
            if item.get("dataset") not in (None, dataset_uuid):
                continue
            found.setdefault(str(item.get("file_name")), dict(item))
    except errors.Forbidden:
        return None
    return found


def remote_copy(api: Any, dataset_uuid: str, name: str) -> dict[str, Any] | None:
    """The data file named ``name`` in a dataset, or None."""
    for item in api.datafiles.list(dataset=dataset_uuid, file_name=name):
        if item.get("file_name") == name and item.get("dataset") in (None, dataset_uuid):
            return dict(item)
    return None


def same_content(remote: dict[str, Any], size: int, checksum: str | None) -> bool:
    """True when a server copy matches a local file: same size, and the same sha256 when both
    are known (a copy the server gives no checksum for is compared by size alone)."""
    if _size(remote) not in (None, size):
        return False
    remote_sum = remote.get("checksum")
    if remote_sum and checksum:
        return str(remote_sum).lower() == checksum.lower()
    return _size(remote) == size


def _size(remote: dict[str, Any]) -> int | None:
    value = remote.get("size")
    return int(value) if isinstance(value, (int, float)) else None


def compare(
    files: list[LocalFile], remote: dict[str, dict[str, Any]] | None, ledger: dict[str, Entry],
    *, replace: bool = False, hasher: Callable[[Path], str] = sha256_of,
) -> Comparison:
    """Which files are already on the server (same name, size and sha256), which are missing,
    and which names hold other content (conflicts; with ``replace``, files to send instead).

    A local file is hashed only when its size matches the server's copy and the ledger cannot
    vouch for it (no sha256 recorded for this size and mtime). When the server's list is unknown
    (``remote`` None), the ledger alone decides: a file it recorded as sent is skipped while its
    content is the same, and is a conflict once it differs.
    """
    result = Comparison(listed=remote is not None)
    sums = _local_sums(files, remote, ledger, hasher)
    for item in files:
        entry = ledger.get(item.relative)
        if remote is None:
            if entry is None or entry.status != "sent":
                result.to_send.append(Decision(item, "send"))
            elif _same_as_recorded(entry, item, sums):
                result.skipped.append(Decision(item, "skip", {"id": entry.datafile_id},
                                               "sent before (local ledger)", entry.sha256))
            else:
                _conflict(result, Decision(item, "conflict", {"id": entry.datafile_id},
                                           changed_since(item)), replace)
            continue
        copy = remote.get(item.remote_name)
        if copy is None:
            result.to_send.append(Decision(item, "send"))
            continue
        local_sum = sums.get(item.relative)
        if same_content(copy, item.size, local_sum):
            note = "already on the server" if copy.get("checksum") else \
                "already on the server (same size; the server gives no checksum)"
            result.skipped.append(Decision(item, "skip", copy, note, local_sum))
        else:
            _conflict(result, Decision(item, "conflict", copy, different_file(item, copy)),
                      replace)
    return result


def _local_sums(files: list[LocalFile], remote: dict[str, dict[str, Any]] | None,
                ledger: dict[str, Entry], hasher: Callable[[Path], str]) -> dict[str, str]:
    """The sha256 of every file whose content must be compared: from the ledger when it
    recorded one for the file's current size and mtime, else hashed (several at a time)."""
    sums: dict[str, str] = {}
    to_hash: list[LocalFile] = []
    for item in files:
        entry = ledger.get(item.relative)
        if remote is None:
            wanted = entry is not None and entry.status == "sent" and entry.size == item.size
        else:
            copy = remote.get(item.remote_name)
            wanted = copy is not None and bool(copy.get("checksum")) and \
                _size(copy) in (None, item.size)
        if not wanted:
            continue
        if entry is not None and entry.sha256 and entry.same_file(item.size, item.mtime_ns):
            sums[item.relative] = entry.sha256
        else:
            to_hash.append(item)
    if to_hash:
        from concurrent.futures import ThreadPoolExecutor

        def digest(item: LocalFile) -> str | None:
            try:
                return hasher(item.path)
            except OSError:
                return None  # unreadable now: sending it will say so

        with ThreadPoolExecutor(max_workers=min(4, len(to_hash))) as pool:
            for item, value in zip(to_hash, pool.map(digest, to_hash), strict=True):
                if value is not None:
                    sums[item.relative] = value
    return sums


def _same_as_recorded(entry: Entry, item: LocalFile, sums: dict[str, str]) -> bool:
    if entry.same_file(item.size, item.mtime_ns):
        return True
    local_sum = sums.get(item.relative)
    return entry.size == item.size and bool(entry.sha256) and local_sum == entry.sha256


def _conflict(result: Comparison, decision: Decision, replace: bool) -> None:
    if replace:
        decision.action = "replace"
        result.to_send.append(decision)
    else:
        result.conflicts.append(decision)


def different_file(item: LocalFile, copy: dict[str, Any]) -> str:
    """The conflict of a name the dataset holds with other content."""
    size = _size(copy)
    what = f"{size} bytes there, {item.size} here" if size != item.size else \
        "same size, other sha256"
    return (f"conflict: a different file named {item.remote_name!r} is already in the dataset "
            f"({what}); --replace sends this one instead")


def changed_since(item: LocalFile) -> str:
    return (f"conflict: {item.remote_name!r} was sent before and has changed since; the dataset "
            "keeps the first version (--replace sends this one instead)")

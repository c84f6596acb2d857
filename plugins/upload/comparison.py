"""What an upload must send: each local file beside the server's copy and the local ledger.

Pure: it compares what :mod:`.lookup` read from the server with the files and the ledger (and
hashes local files when their content must be compared); it asks the server nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core.transfer.checksum import sha256_of

from .ledger import Entry
from .scan import LocalFile


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

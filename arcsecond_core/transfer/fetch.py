"""One data file back to disk: streamed, resumable with HTTP range requests, verified, atomic.

The bytes go to a partial file beside the target (``.NAME.ID.part``), block after block, so
memory stays constant. An attempt that breaks off (a dropped link, Ctrl-C, a killed process)
leaves the partial file; the next attempt asks only for the rest (``Range: bytes=N-``). A server
that ignores the range (200) gets the whole file again. When every byte is there, the size and the
sha256 are checked against the server's; the file is then fsynced and renamed into place, and the
folder fsynced (by the caller once for many files, with ``sync_folder=False``: a rename lost in a
crash leaves the complete partial file, which the next attempt checks and renames without
fetching a byte). A checksum that does not match leaves no file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from arcsecond_core import errors, retrying
from arcsecond_core.retrying import Backoff

from .checksum import sha256_prefix
from .outcome import TRANSIENT

BLOCK = 1024 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class FetchCancelled(errors.ArcsecondError):
    """A download stopped on request; its partial file is kept for the next run."""


class ChecksumMismatch(errors.ArcsecondError):
    """The bytes received do not match the server's size or sha256; nothing was kept."""

    def __init__(self, message: str, resumed: bool) -> None:
        super().__init__(message)
        #: The partial file of an earlier attempt was used: a fresh download may still succeed.
        self.resumed = resumed


@dataclass(frozen=True)
class Remote:
    """What the server says of a data file: its id, size and sha256 (each may be unknown)."""

    file_id: int | str
    size: int | None = None
    checksum: str | None = None

    @classmethod
    def of(cls, record: dict[str, Any]) -> Remote:
        size = record.get("size")
        checksum = record.get("checksum")
        return cls(record["id"], int(size) if isinstance(size, (int, float)) else None,
                   str(checksum).lower() if checksum else None)


@dataclass
class Fetched:
    """A finished download: where, how many bytes came in this attempt, from which offset."""

    path: Path
    received: int
    resumed_from: int
    sha256: str


def local_name(record: dict[str, Any]) -> str:
    """A data file's name as a local file name: no directory part, never empty."""
    name = Path(str(record.get("file_name") or "")).name
    if name in ("", ".", ".."):
        return f"datafile-{record['id']}"
    return name


def partial_path(target: Path, file_id: int | str) -> Path:
    """Where the bytes of data file ``file_id`` wait until complete."""
    return target.with_name(f".{target.name}.{file_id}.part")


def fetch_once(
    session: Any,
    url_path: str,
    target: Path,
    remote: Remote,
    *,
    portal: bool = True,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
    overwrite: bool = True,
    sync_folder: bool = True,
    throttle: Any = None,
) -> Fetched:
    """One attempt at data file ``remote`` into ``target``, resuming a partial file if there is
    one. Raises FetchCancelled, ChecksumMismatch, or the ``errors`` family (ConnectionFailed when
    the stream broke off: the partial file stays for the next attempt). Without ``overwrite`` a
    file that appeared at ``target`` meanwhile is left alone (ArcsecondError). ``throttle`` (a
    :class:`~.bandwidth.Bandwidth`) caps the rate at which bytes are written."""
    part = partial_path(target, remote.file_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    offset = part.stat().st_size if part.exists() else 0
    if remote.size is not None and offset > remote.size:
        offset = _truncate(part)
    digest = sha256_prefix(part, offset)
    received, synced = 0, False
    if remote.size is None or offset < remote.size or remote.size == 0:
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            response = session.request("GET", url_path, stream=True, portal=portal,
                                       transfer=True, headers=headers)
        except errors.HTTPError as exc:
            if exc.status_code != 416 or not offset:
                raise
            # The partial file is longer than the server's copy: start again.
            offset, digest = _truncate(part), hashlib.sha256()
            response = session.request("GET", url_path, stream=True, portal=portal,
                                       transfer=True)
        offset, digest = _position(response, part, offset, digest)
        received = _stream(response, part, digest, progress, cancel, url_path, throttle)
        synced = True
    size = offset + received
    checksum = digest.hexdigest()
    problem = _mismatch(remote, size, checksum)
    if problem:
        part.unlink(missing_ok=True)
        raise ChecksumMismatch(problem, resumed=offset > 0)
    if not synced:
        _sync(part)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise errors.ArcsecondError(f"conflict: {target} appeared meanwhile and was left alone")
    os.replace(part, target)
    if sync_folder:
        sync_folders([target.parent])
    return Fetched(target, received, offset, checksum)


def fetch(
    session: Any,
    url_path: str,
    target: Path,
    remote: Remote,
    *,
    portal: bool = True,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
    policy: Backoff | None = None,
) -> Fetched:
    """:func:`fetch_once`, tried again with backoff when the network or the server fails, each
    time from where the last attempt stopped; once from scratch after a resumed copy that does
    not match."""

    def transient(exc: BaseException) -> bool:
        if isinstance(exc, ChecksumMismatch):
            return exc.resumed
        return isinstance(exc, TRANSIENT)

    return retrying.call(
        lambda: fetch_once(session, url_path, target, remote, portal=portal, progress=progress,
                           cancel=cancel),
        policy or Backoff(), transient, cancel=cancel,
    )


def _position(response: requests.Response, part: Path, offset: int,
              digest: Any) -> tuple[int, Any]:
    """Where the body starts: ``offset`` for a 206 that starts there, else 0 (the partial file
    is emptied)."""
    if offset and response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if match and int(match.group(1)) == offset:
            return offset, digest
        response.close()
        _truncate(part)  # the next attempt asks for the whole file
        raise errors.ConnectionFailed(
            f"the server answered a range request with {response.headers.get('Content-Range')!r}")
    if offset:
        return _truncate(part), hashlib.sha256()
    return 0, digest


def _stream(response: requests.Response, part: Path, digest: Any,
            progress: Callable[[int], None] | None, cancel: threading.Event | None,
            what: str, throttle: Any = None) -> int:
    """Append the body to ``part`` and fsync it; the number of bytes written."""
    received = 0
    block = BLOCK if throttle is None else min(BLOCK, throttle.block_size)
    with response, part.open("ab") as handle:
        try:
            for chunk in response.iter_content(block):
                if cancel is not None and cancel.is_set():
                    raise FetchCancelled("download cancelled")
                if throttle is not None and not throttle.take(len(chunk), cancel):
                    raise FetchCancelled("download cancelled")
                handle.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if progress is not None:
                    progress(len(chunk))
        except requests.exceptions.RequestException as exc:
            raise errors.ConnectionFailed(f"the download of {what} broke off: {exc}") from exc
        handle.flush()
        os.fsync(handle.fileno())
    return received


def _mismatch(remote: Remote, size: int, checksum: str) -> str | None:
    if remote.size is not None and size != remote.size:
        return f"received {size} bytes, the server's copy has {remote.size}"
    if remote.checksum and checksum != remote.checksum:
        return f"sha256 {checksum} does not match the server's {remote.checksum}"
    return None


def _truncate(part: Path) -> int:
    with contextlib.suppress(FileNotFoundError), part.open("r+b") as handle:
        handle.truncate(0)
    return 0


def _sync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def sync_folders(folders: Iterable[Path]) -> None:
    """fsync each folder, so that the renames made in it last (where the system allows)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            descriptor = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)

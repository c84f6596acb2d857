"""The upload engine: files sent in parallel over one pooled session, each retried with backoff.

One file failing never stops the others. A retry that meets ``already exists in dataset``
checks the server's copy: when it is the same content the earlier attempt did land.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from arcsecond_core import errors
from arcsecond_core.datafiles import FileChanged, UploadCancelled, is_already_exists
from arcsecond_core.retrying import Backoff
from arcsecond_core.transfer.engine import run_all, transfer_one
from arcsecond_core.transfer.outcome import (
    CANCELLED,
    FAILED,
    IGNORED,
    SKIPPED,
    UPLOADED,
    NoProgress,
    Outcome,
    Progress,
    TryAgain,
)

from .ledger import Ledger, sha256_of
from .plan import TRANSIENT, patiently, remote_copy, same_content
from .scan import LocalFile

__all__ = ["CANCELLED", "FAILED", "IGNORED", "SKIPPED", "UPLOADED", "NoProgress", "Outcome",
           "Progress", "Transfer", "TryAgain"]


@dataclass
class Transfer:
    """Upload files into one dataset with ``jobs`` threads sharing the API's session."""

    api: Any
    dataset: str
    ledger: Ledger
    is_raw: bool = True
    tags: tuple[str, ...] = ()
    jobs: int = 4
    policy: Backoff = field(default_factory=Backoff)
    progress: Progress = field(default_factory=NoProgress)
    cancel: threading.Event = field(default_factory=threading.Event)
    #: Hash each file while it is sent and compare with the server's sha256 (costs CPU).
    verify: bool = False

    def run(self, files: list[LocalFile]) -> list[Outcome]:
        """Send ``files``, one outcome each, in order; when ``cancel`` is set the run stops
        within seconds and files not finished are ``cancelled``."""
        return run_all(files, self._attempt, jobs=self.jobs, policy=self.policy,
                       progress=self.progress, cancel=self.cancel)

    def send(self, item: LocalFile) -> Outcome:
        """Upload one file, retrying transient failures; never raises for a server answer."""
        return transfer_one(item, self._attempt, self.policy, self.progress, self.cancel)

    def _attempt(self, item: LocalFile, attempt: int) -> Outcome:
        """One try at sending ``item``: its outcome, or TryAgain."""
        if self.cancel.is_set():
            return Outcome(item.relative, item.remote_name, CANCELLED, attempts=attempt - 1)
        try:
            current = item.path.stat()
        except OSError as exc:
            return self._failed(item, f"cannot read ({exc.strerror or exc})", attempt)
        size, mtime_ns = current.st_size, current.st_mtime_ns
        self.ledger.record(item.relative, item.remote_name, size, mtime_ns, "sending")
        digest = hashlib.sha256() if self.verify else None
        sent = [0]

        def advance(count: int) -> None:
            sent[0] += count
            self.progress.advance(count)

        try:
            record = self.api.datafiles.upload(
                item.path, self.dataset, is_raw=self.is_raw, tags=self.tags,
                file_name=item.remote_name, progress=advance, digest=digest,
                cancel=self.cancel,
            )
        except UploadCancelled:
            self.progress.advance(-sent[0])
            return Outcome(item.relative, item.remote_name, CANCELLED, attempts=attempt)
        except errors.ValidationError as exc:
            self.progress.advance(-sent[0])
            if is_already_exists(exc):
                return self._already_there(item, size, mtime_ns, attempt)
            return self._failed(item, _message(exc), attempt)
        except (*TRANSIENT, FileChanged) as exc:
            self.progress.advance(-sent[0])
            raise TryAgain(_message(exc)) from exc
        except errors.ArcsecondError as exc:
            self.progress.advance(-sent[0])
            return self._failed(item, _message(exc), attempt)
        except OSError as exc:
            self.progress.advance(-sent[0])
            return self._failed(item, f"cannot read ({exc.strerror or exc})", attempt)
        checksum = digest.hexdigest() if digest is not None else None
        file_id = _int(record.get("id"))
        if not same_content(record, size, checksum):
            self._discard(file_id)
            raise TryAgain("the server's copy differs from the file sent (size or checksum)")
        self.ledger.record(item.relative, item.remote_name, size, mtime_ns, "sent",
                           sha256=checksum or record.get("checksum"), datafile_id=file_id)
        return Outcome(item.relative, item.remote_name, UPLOADED, size, file_id, attempts=attempt)

    def _already_there(self, item: LocalFile, size: int, mtime_ns: int, attempt: int) -> Outcome:
        """A file of that name is in the dataset: ours (a lost answer, another run) or not."""
        try:
            copy = patiently(lambda: remote_copy(self.api, self.dataset, item.remote_name),
                             cancel=self.cancel)
        except errors.Forbidden:
            return self._unverifiable(item, size, mtime_ns, attempt)
        except errors.ArcsecondError as exc:
            outcome = self._failed(item, f"already in the dataset, cannot check it: {exc}", attempt)
            outcome.retryable = True
            return outcome
        checksum = None
        if copy is not None and same_content(copy, size, None) and copy.get("checksum"):
            checksum = sha256_of(item.path)
        if copy is None or not same_content(copy, size, checksum):
            there = "" if copy is None else f" ({copy.get('size')} bytes there, {size} here)"
            return self._failed(
                item, f"a different file named {item.remote_name!r} is already in the dataset"
                f"{there}", attempt,
            )
        file_id = _int(copy.get("id"))
        self.ledger.record(item.relative, item.remote_name, size, mtime_ns, "sent",
                           sha256=checksum, datafile_id=file_id)
        status = UPLOADED if attempt > 1 else SKIPPED
        return Outcome(item.relative, item.remote_name, status, size if status == UPLOADED else 0,
                       file_id, attempts=attempt)

    def _unverifiable(self, item: LocalFile, size: int, mtime_ns: int, attempt: int) -> Outcome:
        """Already there, and the key may not read data files: the name is all there is to go by
        (files the ledger knew to have changed were left out before sending)."""
        self.ledger.record(item.relative, item.remote_name, size, mtime_ns, "sent")
        status = UPLOADED if attempt > 1 else SKIPPED
        return Outcome(item.relative, item.remote_name, status, size if status == UPLOADED else 0,
                       None, attempts=attempt,
                       note="already in the dataset; not compared (this key cannot read data files)")

    def _discard(self, file_id: int | None) -> None:
        if file_id is None:
            return
        with contextlib.suppress(errors.ArcsecondError):
            self.api.datafiles.delete(file_id)

    def _failed(self, item: LocalFile, message: str, attempt: int) -> Outcome:
        return Outcome(item.relative, item.remote_name, FAILED, error=message, attempts=attempt)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__

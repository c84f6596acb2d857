"""Sending files into one dataset: one attempt at one file, the ``--replace`` steps around it,
and what an ``already exists in dataset`` answer means.

The files, their retries and their threads are :func:`arcsecond_core.transfer.run.
transfer_all_with_retries`'s; here is :meth:`Transfer._attempt`, one try at one file. A retry
that meets ``already exists in dataset`` checks the server's copy: when it is the same content
the earlier attempt did land.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from arcsecond_core import errors
from arcsecond_core.datafiles import FileChanged, UploadCancelled, is_already_exists
from arcsecond_core.retrying import Backoff
from arcsecond_core.transfer.checksum import sha256_of
from arcsecond_core.transfer.outcome import (
    CANCELLED,
    CONFLICT,
    FAILED,
    SKIPPED,
    TRANSIENT,
    UPLOADED,
    FileProgress,
    NoProgress,
    Outcome,
    Progress,
    TryAgain,
)
from arcsecond_core.transfer.run import transfer_all_with_retries

from .comparison import different_file, same_content
from .ledger import Ledger
from .lookup import patiently, remote_copy
from .scan import LocalFile


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
    #: Delete a server copy with other content under the same name, then send the file.
    replace: bool = False
    #: Relative path -> id of the server copy to delete before sending (known conflicts).
    replacing: dict[str, int | None] = field(default_factory=dict)
    #: The bandwidth cap shared by every job (None: none).
    bandwidth: Any = None

    def run(self, files: list[LocalFile]) -> list[Outcome]:
        """Send ``files``, one outcome each, in order; when ``cancel`` is set the run stops
        within seconds and files not finished are ``cancelled``."""
        # Only a run that may replace server copies needs steps around a file's attempts.
        around = self._replacing if self.replace or self.replacing else None
        return transfer_all_with_retries(files, self._attempt, jobs=self.jobs, policy=self.policy,
                                         progress=self.progress, cancel=self.cancel, around=around)

    def _replacing(self, item: LocalFile, send: Callable[[], Outcome]) -> Outcome:
        """Send one file (``send``: its retried attempts), deleting a server copy with other
        content first (when it is known before sending) or when the server refuses the name,
        then sending the file again once."""
        outcome = None
        if item.relative in self.replacing:
            outcome = self._delete_copy(item, self.replacing[item.relative])
        if outcome is None:
            outcome = send()
            if outcome.status == CONFLICT and self.replace and not self.cancel.is_set():
                outcome = self._delete_copy(item, outcome.datafile_id) or send()
        return outcome

    def _delete_copy(self, item: LocalFile, file_id: int | None) -> Outcome | None:
        """Delete the server's copy of ``item``'s name; None when done, else the failure."""
        if file_id is None:
            return self._failed(item, f"cannot replace {item.remote_name!r}: the server does not "
                                "say which data file holds the name", 0)
        try:
            self.api.datafiles.delete(file_id)
        except errors.NotFound:
            pass  # gone already: the name is free
        except errors.Forbidden:
            return self._failed(item, f"cannot replace {item.remote_name!r}: this key may not "
                                "delete data files (use the access key)", 0)
        except errors.ArcsecondError as exc:
            outcome = self._failed(item, f"cannot replace {item.remote_name!r}: {exc}", 0)
            outcome.retryable = True
            return outcome
        self.ledger.forget(item.relative)
        return None

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
        try:
            with FileProgress(self.progress) as counted:  # a failed attempt takes its bytes back
                record = self.api.datafiles.upload(
                    item.path, self.dataset, is_raw=self.is_raw, tags=self.tags,
                    file_name=item.remote_name, progress=counted.advance, digest=digest,
                    cancel=self.cancel, throttle=self.bandwidth,
                )
        except UploadCancelled:
            return Outcome(item.relative, item.remote_name, CANCELLED, attempts=attempt)
        except errors.ValidationError as exc:
            if is_already_exists(exc):
                return self._already_there(item, size, mtime_ns, attempt, exc)
            return self._failed(item, _message(exc), attempt)
        except (*TRANSIENT, FileChanged) as exc:
            raise TryAgain(_message(exc)) from exc
        except errors.ArcsecondError as exc:
            return self._failed(item, _message(exc), attempt)
        except OSError as exc:
            return self._failed(item, f"cannot read ({exc.strerror or exc})", attempt)
        checksum = digest.hexdigest() if digest is not None else None
        file_id = _int(record.get("id"))
        if not same_content(record, size, checksum):
            self._discard(file_id)
            raise TryAgain("the server's copy differs from the file sent (size or checksum)")
        self.ledger.record(item.relative, item.remote_name, size, mtime_ns, "sent",
                           sha256=checksum or record.get("checksum"), datafile_id=file_id)
        return Outcome(item.relative, item.remote_name, UPLOADED, size, file_id, attempts=attempt,
                       sha256=checksum or record.get("checksum"))

    def _already_there(self, item: LocalFile, size: int, mtime_ns: int, attempt: int,
                       refusal: errors.HTTPError) -> Outcome:
        """A file of that name is in the dataset: ours (a lost answer, another run) or not."""
        try:
            copy = patiently(lambda: remote_copy(self.api, self.dataset, item.remote_name),
                             cancel=self.cancel)
        except errors.Forbidden:
            copy = _described(refusal)
            if copy is None:
                return self._unverifiable(item, size, mtime_ns, attempt)
        except errors.ArcsecondError as exc:
            outcome = self._failed(item, f"already in the dataset, cannot check it: {exc}", attempt)
            outcome.retryable = True
            return outcome
        if copy is None:
            outcome = self._failed(item, f"{item.remote_name!r} is in the dataset, yet not "
                                   "listed: try again", attempt)
            outcome.retryable = True
            return outcome
        checksum = None
        if same_content(copy, size, None) and copy.get("checksum"):
            checksum = sha256_of(item.path)
        if not same_content(copy, size, checksum):
            return Outcome(item.relative, item.remote_name, CONFLICT,
                           datafile_id=_int(copy.get("id")), attempts=attempt,
                           error=different_file(item, copy))
        file_id = _int(copy.get("id"))
        self.ledger.record(item.relative, item.remote_name, size, mtime_ns, "sent",
                           sha256=checksum, datafile_id=file_id)
        status = UPLOADED if attempt > 1 else SKIPPED
        return Outcome(item.relative, item.remote_name, status, size if status == UPLOADED else 0,
                       file_id, attempts=attempt, sha256=checksum or copy.get("checksum"))

    def _unverifiable(self, item: LocalFile, size: int, mtime_ns: int, attempt: int) -> Outcome:
        """Already there, the key may not read data files, and the server's refusal does not say
        what it holds: the name is all there is to go by (files the ledger knew to have changed
        were left out before sending)."""
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


def _described(refusal: errors.HTTPError) -> dict[str, Any] | None:
    """The server's copy as its ``already exists`` answer describes it (size, checksum, id),
    or None when the answer says nothing more than the name."""
    payload = refusal.payload
    if isinstance(payload, dict) and payload.get("checksum"):
        return {key: payload.get(key) for key in ("id", "size", "checksum")}
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__

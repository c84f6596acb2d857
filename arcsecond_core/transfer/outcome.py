"""What happened to one file of a transfer, in either direction, and who hears about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from arcsecond_core import errors

UPLOADED, DOWNLOADED = "uploaded", "downloaded"
SKIPPED, FAILED, IGNORED, CANCELLED = "skipped", "failed", "ignored", "cancelled"
#: Modified less than ``--min-age`` ago: left for a later run.
TOO_RECENT = "too recent"
#: The name is taken on the other side by a file with other content: nothing was overwritten.
CONFLICT = "conflict"
#: Statuses of a file whose bytes moved in this run.
TRANSFERRED = (UPLOADED, DOWNLOADED)
#: Failures that may pass (the server, the network): worth another attempt.
TRANSIENT = (errors.ConnectionFailed, errors.ServerError, errors.TooManyRequests)


@dataclass
class Outcome:
    """What happened to one file."""

    relative: str
    remote_name: str
    status: str
    bytes: int = 0
    datafile_id: int | None = None
    error: str | None = None
    attempts: int = 0
    seconds: float = 0.0
    note: str | None = None
    #: Failed for reasons that may pass (server down, network): worth trying again later.
    retryable: bool = False
    #: The file's sha256 when this run knows it (for the ``--log-file`` lines).
    sha256: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.relative,
            "file_name": self.remote_name,
            "status": self.status,
            "id": self.datafile_id,
            "bytes": self.bytes,
            "error": self.error,
            "note": self.note,
        }


class Item(Protocol):
    """A file to transfer: its path relative to the local folder, and its name on the server."""

    @property
    def relative(self) -> str: ...

    @property
    def remote_name(self) -> str: ...


class Progress(Protocol):
    def started(self, item: Any) -> None: ...
    def advance(self, count: int) -> None: ...
    def retrying(self, item: Any, attempt: int, error: str, delay: float) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


class NoProgress:
    def started(self, item: Any) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def retrying(self, item: Any, attempt: int, error: str, delay: float) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        pass


class FileProgress:
    """The bytes one attempt at one file adds to a run's progress, taken back when the attempt
    fails: ``with FileProgress(progress) as counted`` takes them back on any error, ``undo()``
    when the caller decides."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.count = 0

    def advance(self, count: int) -> None:
        self.count += count
        self.progress.advance(count)

    def undo(self) -> None:
        """Take back what this attempt added."""
        self.progress.advance(-self.count)
        self.count = 0

    def __enter__(self) -> FileProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if kind is not None:
            self.undo()


class TryAgain(errors.ArcsecondError):
    """One attempt at a file failed for a reason that may pass (the server, the network)."""


def message(exc: BaseException) -> str:
    """An exception as one line for a report."""
    return str(exc) or type(exc).__name__

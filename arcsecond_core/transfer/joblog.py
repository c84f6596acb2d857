"""``--log-file FILE``: one JSON line per file as each ends, for machines and ``tail -f``.

Each line holds ``time`` (UTC, ISO 8601), ``direction`` (upload or download), ``path`` (relative
to the local folder), ``outcome`` (uploaded, downloaded, skipped, conflict, failed, left aside,
too recent), ``bytes`` (moved in this run), ``sha256`` (when known), ``seconds``, ``error``, and
``dataset`` / ``dataset_uuid``. The file is opened for appending and never rewritten; each line
is written whole and flushed at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from arcsecond_core.errors import UsageError

from .outcome import CANCELLED, CONFLICT, FAILED, IGNORED, Outcome

#: How the log names the report's statuses where they differ.
OUTCOME_WORDS = {IGNORED: "left aside"}


def outcome_word(outcome: Outcome) -> str:
    """The ``outcome`` of a log line: a conflict reported as a failure is a conflict."""
    if outcome.status == FAILED and (outcome.error or "").startswith("conflict"):
        return CONFLICT
    return OUTCOME_WORDS.get(outcome.status, outcome.status)


class TransferLog:
    """Appends one JSON line per finished file to ``path``; safe to use from several threads."""

    def __init__(self, path: str | Path, direction: str) -> None:
        self.path = Path(path).expanduser()
        self.direction = direction
        self.dataset: str | None = None
        self.dataset_uuid: str | None = None
        #: Relative path -> (dataset name, UUID), for runs over several datasets.
        self.datasets: dict[str, tuple[str | None, str | None]] = {}
        self._lock = threading.Lock()
        try:
            self._stream: TextIO = self.path.open("a", encoding="utf-8", buffering=1)
        except OSError as exc:
            raise UsageError(f"cannot open --log-file {str(path)!r}: "
                             f"{exc.strerror or exc}") from exc

    def write(self, outcome: Outcome, dataset: str | None = None,
              dataset_uuid: str | None = None) -> None:
        """The line of one finished file (files cancelled before they ended are not logged)."""
        if outcome.status == CANCELLED:
            return
        name, uuid = self.datasets.get(outcome.relative, (self.dataset, self.dataset_uuid))
        line: dict[str, Any] = {
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "direction": self.direction,
            "path": outcome.relative,
            "outcome": outcome_word(outcome),
            "bytes": outcome.bytes,
            "sha256": outcome.sha256,
            "seconds": round(outcome.seconds, 3),
            "error": outcome.error,
            "dataset": dataset if dataset is not None else name,
            "dataset_uuid": dataset_uuid if dataset_uuid is not None else uuid,
        }
        if outcome.remote_name and outcome.remote_name != outcome.relative.rsplit("/", 1)[-1]:
            line["file_name"] = outcome.remote_name
        text = json.dumps(line, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            self._stream.write(text)
            self._stream.flush()

    def write_all(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            self.write(outcome)

    def close(self) -> None:
        with self._lock:
            self._stream.close()

    def __enter__(self) -> TransferLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class LoggedProgress:
    """A progress display that also writes each finished file to a :class:`TransferLog`."""

    def __init__(self, inner: Any, log: TransferLog) -> None:
        self.inner = inner
        self.log = log

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def started(self, item: Any) -> None:
        self.inner.started(item)

    def advance(self, count: int) -> None:
        self.inner.advance(count)

    def retrying(self, item: Any, attempt: int, error: str, delay: float) -> None:
        self.inner.retrying(item, attempt, error, delay)

    def finished(self, outcome: Outcome) -> None:
        self.inner.finished(outcome)
        self.log.write(outcome)


@contextlib.contextmanager
def open_log(path: str | os.PathLike[str] | None, direction: str) -> Iterator[TransferLog | None]:
    """A :class:`TransferLog` on ``path`` for the time of a run, or None without a path."""
    if path is None:
        yield None
        return
    with TransferLog(path, direction) as log:
        yield log

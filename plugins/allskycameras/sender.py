"""Sending all-sky images one by one: each file's time, a check of what the camera holds
already (same name, size and time: never sent twice), the upload, and a row for the report."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from arcsecond_core import errors
from arcsecond_core.datafiles import FileChanged, UploadCancelled

from .api import api_time
from .times import image_time

SENT, THERE, FAILED, CANCELLED = "sent", "already there", "failed", "cancelled"
COLUMNS = ("file", "status", "utc_timestamp", "time_from", "id", "note")
#: Failures worth another try later (the server away, a file that changed while it was read).
TRANSIENT = (errors.ConnectionFailed, errors.ServerError, errors.TooManyRequests, FileChanged)


@dataclass
class Outcome:
    """What became of one file."""

    file: str
    status: str
    utc_timestamp: str | None = None
    time_from: str | None = None
    id: int | None = None
    note: str = ""
    retryable: bool = False

    def row(self) -> tuple[Any, ...]:
        values = asdict(self)
        return tuple(values[name] for name in COLUMNS)


class Sender:
    """Sends the images of one camera, reporting each on ``stream`` as it goes."""

    def __init__(self, client: Any, camera: str, stream: TextIO, *,
                 fixed_time: dt.datetime | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.client = client
        self.camera = camera
        self.stream = stream
        self.fixed_time = fixed_time
        self.cancel = cancel or threading.Event()
        self.done = 0

    def send(self, path: Path, shown: str, total: int | None = None) -> Outcome:
        outcome = self._send(path, shown)
        self.done += 1
        count = f"[{self.done}/{total}] " if total else ""
        when = f" ({outcome.utc_timestamp} from {outcome.time_from})" if outcome.utc_timestamp \
            else ""
        note = f": {outcome.note}" if outcome.note else ""
        self.stream.write(f"{count}{outcome.status} {shown}{when}{note}\n")
        self.stream.flush()
        return outcome

    def _send(self, path: Path, shown: str) -> Outcome:
        try:
            size = path.stat().st_size
            if not path.is_file():
                return Outcome(shown, FAILED, note="not a file")
            if self.fixed_time is not None:
                when, source = self.fixed_time, "--time"
            else:
                when, source = image_time(path)
        except OSError as exc:
            return Outcome(shown, FAILED, note=f"cannot read it ({exc.strerror or exc})")
        stamp = api_time(when)
        outcome = Outcome(shown, FAILED, stamp, source)
        try:
            if self.client.has_image(self.camera, path.name, size, stamp):
                outcome.status = THERE
                return outcome
            record = self.client.upload_image(self.camera, path, stamp, cancel=self.cancel)
        except UploadCancelled:
            outcome.status = CANCELLED
            return outcome
        except OSError as exc:
            outcome.note = f"cannot read it ({exc.strerror or exc})"
            return outcome
        except errors.ArcsecondError as exc:
            outcome.note = reason(exc)
            outcome.retryable = isinstance(exc, TRANSIENT)
            return outcome
        outcome.id = record.get("id")
        if record.get("size") != size:
            outcome.note = f"the server holds {record.get('size')} bytes of {size}"
            return outcome
        outcome.status = SENT
        return outcome


def reason(exc: errors.ArcsecondError) -> str:
    """What went wrong, in the server's words when it gave some (without the request's URL)."""
    if isinstance(exc, errors.ValidationError) and exc.fields:
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.fields.items())
    payload = getattr(exc, "payload", None)
    if isinstance(payload, dict) and isinstance(payload.get("detail"), str):
        return f"{payload['detail']} ({getattr(exc, 'status_code', '')})"
    return str(exc)


def headline(outcomes: list[Outcome], interrupted: bool = False) -> str:
    """``3 sent, 1 already there, 0 failed`` (and whether it was interrupted)."""
    counts = Counter(outcome.status for outcome in outcomes)
    text = f"{counts[SENT]} sent, {counts[THERE]} already there, {counts[FAILED]} failed"
    if counts[CANCELLED]:
        text += f", {counts[CANCELLED]} cancelled"
    return ("interrupted: " if interrupted else "") + text

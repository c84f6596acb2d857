"""The frames of local files, their headers read the way the upload and the server read them.

Only headers are read: a plain or fpack file up to the header of the HDU describing the frame,
a gzip, bzip2 or zip file decompressed as a stream just as far. Files are read on a few threads
(:mod:`arcsecond_core.parallel`); a file whose headers cannot be read is reported, never raised.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .filetypes import inspect
from .nightsummary import Frame, frame_from_headers, summarize
from .parallel import run_parallel

DEFAULT_JOBS = 4


@dataclass
class NightFrames:
    """What reading a night's files found: frames, unreadable files (path and reason), and the
    files that hold no frame (neither FITS nor XISF)."""

    frames: list[Frame] = field(default_factory=list)
    unreadable: list[dict[str, str]] = field(default_factory=list)
    not_frames: list[str] = field(default_factory=list)
    cancelled: bool = False

    def summary(self) -> dict[str, list[dict[str, Any]]]:
        return summarize(self.frames, self.unreadable)


def read_frame(path: str | os.PathLike[str], name: str | None = None) -> Frame | str | None:
    """The frame of one file, the reason its headers are unreadable, or None (not a frame)."""
    info = inspect(path, name)
    if not info.has_headers:
        return None
    if info.headers is None:
        reason = info.error or "unreadable headers"
        if reason.startswith("unreadable (") and reason.endswith(")"):
            reason = reason[len("unreadable ("):-1]
        return reason
    return frame_from_headers(info.headers)


def read_frames(files: Sequence[tuple[str | os.PathLike[str], str]], *,
                jobs: int = DEFAULT_JOBS, cancel: threading.Event | None = None) -> NightFrames:
    """The frames of ``files`` (path, name shown), read on ``jobs`` threads, in their order."""
    run = run_parallel(
        files, lambda item: read_frame(item[0], os.path.basename(os.fspath(item[0]))),
        jobs=jobs, cancel=cancel or threading.Event(),
        on_error=lambda _item, exc: f"unreadable ({exc})",
    )
    found = NightFrames(cancelled=run.cancelled)
    for index, (_, name) in enumerate(files):
        if index not in run.results:
            continue
        result = run.results[index]
        if isinstance(result, Frame):
            found.frames.append(result)
        elif isinstance(result, str):
            found.unreadable.append({"path": name, "reason": result})
        else:
            found.not_frames.append(name)
    return found

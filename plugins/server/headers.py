"""What a stored file is: compression, FITS or XISF by content, and the frame its headers describe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core import filetypes, frames

CALIBRATION_KINDS = frozenset({"bias", "dark", "flat"})


@dataclass
class FileInfo:
    """The outcome of inspecting a stored file."""

    file_type: str = "other"
    compression: str | None = None
    headers: dict[str, Any] | None = None
    frame: dict[str, Any] | None = field(default=None)


def inspect(path: Path, file_name: str, content_type: str | None = None) -> FileInfo:
    """Compression, type and headers of a stored file, by the rule the upload's dry run shows."""
    found = filetypes.inspect(path, file_name, content_type)
    info = FileInfo(found.file_type, found.compression, found.headers)
    if info.headers is not None:
        info.frame = frame_from_headers(info.headers)
    return info


def format_date(when: dt.datetime) -> str:
    text = when.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="auto")
    return text + "Z"


def frame_from_headers(headers: dict[str, Any]) -> dict[str, Any]:
    """The observation or calibration a file's headers describe."""
    kind = frames.frame_kind(frames.first(headers, *frames.IMAGE_TYPE_KEYS))
    category = "calibration" if kind in CALIBRATION_KINDS else "observation"
    target = frames.first(headers, *frames.OBJECT_KEYS)
    when = frames.observation_time(headers)
    return {
        "category": category,
        "kind": kind,
        "target_name": None if target is None else str(target),
        "filter": frames.filter_of(headers),
        "exposure_time": frames.exposure_of(headers),
        "binning": frames.binning_of(headers),
        "when": when,
        "date_obs": None if when is None else format_date(when),
    }

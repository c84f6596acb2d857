"""Observing headers of FITS and XISF files, and the night log a file will land in."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from arcsecond_core.filetypes import inspect
from arcsecond_core.frames import (
    IMAGE_TYPE_KEYS,
    OBJECT_KEYS,
    first,
    observation_time,
)
from arcsecond_core.nights import Site, night_date

from .classify import Kind


@dataclass(frozen=True)
class Summary:
    """What a dry run shows of one file's headers."""

    date_obs: str | None = None
    object: str | None = None
    imagetyp: str | None = None
    night_log: str | None = None
    error: str | None = None


def read_headers(path: str | os.PathLike[str], file_name: str | None = None) -> Kind:
    """The file's Kind with its headers (the server's reading of them); never raises."""
    return inspect(path, file_name)


def night_log_date(when: dt.datetime, site: Site | None) -> str:
    """The date of the local noon that starts the night (noon to noon) holding ``when``."""
    return night_date(when, site).isoformat()


def summarize(path: str | os.PathLike[str], kind: Kind, site: Site | None,
              file_name: str | None = None) -> Summary:
    """DATE-OBS, OBJECT, IMAGETYP and night-log date of a FITS or XISF file (never raises)."""
    if not kind.has_headers:
        return Summary(error=kind.error)
    read = kind if kind.headers is not None or kind.error else read_headers(path, file_name)
    if read.headers is None:
        return Summary(error=f"headers {read.error or 'unreadable'}")
    headers = read.headers
    when = observation_time(headers)
    date_obs = headers.get("DATE-OBS")
    target = first(headers, *OBJECT_KEYS)
    image_type = first(headers, *IMAGE_TYPE_KEYS)
    return Summary(
        date_obs=str(date_obs) if date_obs not in (None, "") else (
            when.isoformat() if when else None
        ),
        object=None if target is None else str(target),
        imagetyp=None if image_type is None else str(image_type),
        night_log=night_log_date(when, site) if when else None,
    )

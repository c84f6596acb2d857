"""Observing headers of FITS and XISF files, and the night log a file will land in.

``astropy.io.fits`` is imported here only, and only when a FITS header is read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .classify import Kind, content_stream

MAX_XISF_HEADER = 16 * 1024 * 1024
DATE_KEYS = ("DATE-OBS", "DATE-BEG", "DATE_OBS")
TIME_KEYS = ("TIME-OBS", "UT", "UTC-OBS", "UTSTART")
MJD_KEYS = ("MJD-OBS", "MJD-BEG")
OBJECT_KEYS = ("OBJECT", "OBJNAME", "TARGET")
IMAGETYP_KEYS = ("IMAGETYP", "IMAGETYPE", "IMGTYPE", "FRAME", "FRAMETYP", "OBSTYPE")
XISF_PROPERTIES = {
    "Observation:Time:Start": "DATE-OBS",
    "Observation:Object:Name": "OBJECT",
}
MJD_ZERO = dt.datetime(1858, 11, 17, tzinfo=dt.timezone.utc)
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_HMS = re.compile(r"^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?$")


@dataclass(frozen=True)
class Site:
    """Where the telescope is, for night-log dates: an IANA time zone and/or a longitude (east +)."""

    time_zone: str | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Summary:
    """What a dry run shows of one file's headers."""

    date_obs: str | None = None
    object: str | None = None
    imagetyp: str | None = None
    night_log: str | None = None
    error: str | None = None


def read_headers(path: str | os.PathLike[str], kind: Kind) -> dict[str, Any]:
    """The primary FITS header, or the XISF FITS keywords and known properties, as a dict."""
    with content_stream(path, kind.compression) as stream:
        if kind.file_type == "fits":
            return _fits_header(stream)
        if kind.file_type == "xisf":
            return xisf_header(stream)
    return {}


def _fits_header(stream: IO[bytes]) -> dict[str, Any]:
    from astropy.io import fits

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        header = fits.Header.fromfile(stream)
        values: dict[str, Any] = {}
        for card in header.cards:
            try:
                keyword, value = card.keyword.upper(), card.value
            except Exception:  # a malformed card does not hide the others
                continue
            if keyword and keyword not in values and isinstance(value, (str, int, float)):
                values[keyword] = value.strip() if isinstance(value, str) else value
    return values


def xisf_header(stream: IO[bytes]) -> dict[str, Any]:
    """FITSKeyword elements and a few standard Properties of an XISF header."""
    start = stream.read(16)
    if len(start) < 16 or not start.startswith(b"XISF0100"):
        raise ValueError("not an XISF file")
    (length,) = struct.unpack("<I", start[8:12])
    if not 0 < length <= MAX_XISF_HEADER:
        raise ValueError(f"implausible XISF header length {length}")
    text = stream.read(length)
    if len(text) < length:
        raise ValueError("truncated XISF header")
    root = ET.fromstring(text.rstrip(b"\0 "))
    values: dict[str, Any] = {}
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        if tag == "FITSKeyword":
            name = (element.get("name") or "").strip().upper()
            if name and name not in values:
                values[name] = fits_text_value(element.get("value") or "")
        elif tag == "Property" and element.get("id") in XISF_PROPERTIES:
            value = element.get("value")
            value = (element.text or "").strip() if value is None else value
            values.setdefault(XISF_PROPERTIES[str(element.get("id"))], value.strip())
    return values


def fits_text_value(text: str) -> Any:
    """A FITS card value as written in XISF (``'M31 '``, ``T``, ``1.5``) as a Python value."""
    text = text.strip()
    if text.startswith("'"):
        return text[1:].rsplit("'", 1)[0].replace("''", "'").strip()
    if text in ("T", "F"):
        return text == "T"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def first(headers: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = headers.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_utc(value: Any, time_of_day: Any = None) -> dt.datetime | None:
    """A UTC datetime from an ISO date (time optional, then taken from ``time_of_day``)."""
    if not isinstance(value, str):
        return None
    match = _ISO.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if hour is None and isinstance(time_of_day, str):
        clock = _HMS.match(time_of_day.strip())
        if clock:
            hour, minute, second, fraction = clock.groups()
    try:
        when = dt.datetime(int(year), int(month), int(day), tzinfo=dt.timezone.utc)
        when += dt.timedelta(
            hours=int(hour or 0), minutes=int(minute or 0),
            seconds=int(second or 0) + float(fraction or 0),
        )
    except (ValueError, OverflowError):
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        when -= sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when


def observation_time(headers: dict[str, Any]) -> dt.datetime | None:
    """When the exposure started, from DATE-OBS (and TIME-OBS/UT) or MJD-OBS."""
    for key in DATE_KEYS:
        when = parse_utc(headers.get(key), first(headers, TIME_KEYS))
        if when is not None:
            return when
    mjd = first(headers, MJD_KEYS)
    if isinstance(mjd, (int, float)) and not isinstance(mjd, bool) and 0 < mjd < 200000:
        return MJD_ZERO + dt.timedelta(days=float(mjd))
    return None


def local_time(when: dt.datetime, site: Site | None) -> dt.datetime:
    """``when`` at the site, without zone: its time zone, else mean solar time, else UTC."""
    utc = when.astimezone(dt.timezone.utc)
    if site is not None and site.time_zone:
        try:
            return utc.astimezone(ZoneInfo(site.time_zone)).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if site is not None and site.longitude is not None:
        return (utc + dt.timedelta(hours=site.longitude / 15.0)).replace(tzinfo=None)
    return utc.replace(tzinfo=None)


def night_log_date(when: dt.datetime, site: Site | None) -> str:
    """The date of the local noon that starts the night (noon to noon) holding ``when``."""
    return (local_time(when, site) - dt.timedelta(hours=12)).date().isoformat()


def summarize(path: str | os.PathLike[str], kind: Kind, site: Site | None) -> Summary:
    """DATE-OBS, OBJECT, IMAGETYP and night-log date of a FITS or XISF file (never raises)."""
    if not kind.has_headers:
        return Summary()
    try:
        headers = read_headers(path, kind)
    except Exception as exc:  # astropy, zlib, bz2 and XML all have their own errors
        return Summary(error=f"unreadable header ({exc})")
    when = observation_time(headers)
    date_obs = headers.get("DATE-OBS")
    target = first(headers, OBJECT_KEYS)
    image_type = first(headers, IMAGETYP_KEYS)
    return Summary(
        date_obs=str(date_obs) if date_obs not in (None, "") else (
            when.isoformat() if when else None
        ),
        object=None if target is None else str(target),
        imagetyp=None if image_type is None else str(image_type),
        night_log=night_log_date(when, site) if when else None,
    )

"""What a stored file is: compression, FITS or XISF by content, and its observing headers."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import re
import struct
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

FITS_EXTENSIONS = {
    "fits", "fit", "fts", "ft", "mt", "imfits", "imfit", "uvfits", "uvfit",
    "pha", "rmf", "arf", "rsp", "pi",
}
COMPRESSED_SUFFIXES = {"gz": "gzip", "gzip": "gzip", "bz2": "bzip2", "bzip2": "bzip2", "zip": "zip"}
FITS_SIGNATURE = b"SIMPLE  ="
XISF_SIGNATURE = b"XISF0100"
FITS_BLOCK = 2880
MAX_HEADER_BYTES = 8 * 1024 * 1024
CALIBRATION_KINDS = (("bias", "bias"), ("zero", "bias"), ("dark", "dark"), ("flat", "flat"))
_DATE_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?\s*Z?\s*$"
)
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*$")
MJD_EPOCH = dt.datetime(1858, 11, 17, tzinfo=dt.timezone.utc)


@dataclass
class FileInfo:
    """The outcome of inspecting a stored file."""

    file_type: str = "other"
    compression: str | None = None
    headers: dict[str, Any] | None = None
    frame: dict[str, Any] | None = field(default=None)


def compression_of(path: Path) -> str | None:
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] == b"\x1f\x8b":
        return "gzip"
    if magic[:3] == b"BZh":
        return "bzip2"
    if magic == b"PK\x03\x04":
        return "zip"
    return None


@contextmanager
def opened(path: Path, file_name: str, compression: str | None) -> Iterator[tuple[IO[bytes], str]]:
    """The file's content stream (decompressed) and the name of what is inside."""
    if compression == "zip":
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members:
                raise zipfile.BadZipFile("empty archive")
            with archive.open(members[0]) as stream:
                yield stream, members[0].filename
        return
    inner = file_name
    stem, _, suffix = file_name.rpartition(".")
    if compression and stem and COMPRESSED_SUFFIXES.get(suffix.lower()) == compression:
        inner = stem
    if compression == "gzip":
        with gzip.open(path, "rb") as stream:
            yield stream, inner
    elif compression == "bzip2":
        with bz2.open(path, "rb") as stream:
            yield stream, inner
    else:
        with open(path, "rb") as stream:
            yield stream, inner


def read_exactly(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes from ``stream``, fewer only at its end."""
    data = bytearray()
    while len(data) < size:
        piece = stream.read(size - len(data))
        if not piece:
            break
        data.extend(piece)
    return bytes(data)


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def inspect(path: Path, file_name: str, content_type: str | None = None) -> FileInfo:
    """Compression, type and headers of a stored file; a broken file is kept as what it claims."""
    info = FileInfo(compression=compression_of(path))
    inner = file_name
    try:
        with opened(path, file_name, info.compression) as (stream, inner):
            start = read_exactly(stream, 16)
            if start.startswith(FITS_SIGNATURE):
                info.file_type = "fits"
                info.headers = read_fits_header(start + read_exactly(stream, FITS_BLOCK - 16),
                                                stream)
            elif start.startswith(XISF_SIGNATURE):
                info.file_type = "xisf"
                info.headers = read_xisf_header(start, stream)
    except Exception:
        info.headers = None
    if info.file_type == "other":
        ext = _extension(inner)
        if ext in FITS_EXTENSIONS or (content_type or "").lower() == "image/fits":
            info.file_type = "fits"
        elif ext == "xisf":
            info.file_type = "xisf"
    if info.headers is not None:
        info.frame = frame_from_headers(info.headers)
    return info


def read_fits_header(first_block: bytes, stream: IO[bytes]) -> dict[str, Any] | None:
    """The primary header's cards, read block by block up to END; None if there is no END."""
    data = bytearray(first_block)
    while True:
        block = data[-FITS_BLOCK:]
        if len(block) < FITS_BLOCK:
            return None
        if any(block[i : i + 8] == b"END     " for i in range(0, FITS_BLOCK, 80)):
            break
        if len(data) >= MAX_HEADER_BYTES:
            return None
        more = read_exactly(stream, FITS_BLOCK)
        if not more:
            return None
        data.extend(more)
    from astropy.io import fits

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            header = fits.Header.fromstring(bytes(data).decode("ascii", "replace"))
        except Exception:
            return None
        values: dict[str, Any] = {}
        for card in header.cards:
            try:
                key, value = card.keyword, card.value
            except Exception:
                continue
            if key and key not in values and isinstance(value, (str, int, float, bool)):
                values[key.upper()] = value.strip() if isinstance(value, str) else value
    return values


XISF_PROPERTIES = {
    "Observation:Time:Start": "DATE-OBS",
    "Observation:Object:Name": "OBJECT",
    "Instrument:Filter:Name": "FILTER",
    "Instrument:ExposureTime": "EXPTIME",
}


def _fits_value(text: str) -> Any:
    text = text.strip()
    if text.startswith("'"):
        return text[1:].rsplit("'", 1)[0].replace("''", "'").strip()
    if text in {"T", "F"}:
        return text == "T"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_xisf_header(start: bytes, stream: IO[bytes]) -> dict[str, Any] | None:
    """FITSKeyword elements (and a few standard Properties) of an XISF file's XML header."""
    (length,) = struct.unpack("<I", start[8:12])
    if length <= 0 or length > MAX_HEADER_BYTES:
        return None
    xml = read_exactly(stream, length)
    if len(xml) < length:
        return None
    root = ET.fromstring(xml.rstrip(b"\x00"))
    values: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        if tag == "FITSKeyword":
            name = (element.get("name") or "").strip().upper()
            if name and name not in values:
                values[name] = _fits_value(element.get("value") or "")
        elif tag == "Property" and element.get("id") in XISF_PROPERTIES:
            value = element.get("value")
            if value is None:
                value = (element.text or "").strip()
            properties[XISF_PROPERTIES[str(element.get("id"))]] = _fits_value(value) \
                if value.startswith("'") else value
    for key, value in properties.items():
        values.setdefault(key, value)
    return values


def _first(headers: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = headers.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_date(value: Any, time_value: Any = None) -> dt.datetime | None:
    """A UTC datetime from a FITS date (``YYYY-MM-DD[THH:MM[:SS.s]]``) and an optional time."""
    if not isinstance(value, str):
        return None
    match = _DATE_RE.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = match.groups()
    if hour is None and isinstance(time_value, str):
        time_match = _TIME_RE.match(time_value)
        if time_match:
            hour, minute, second = time_match.groups()
    try:
        base = dt.datetime(int(year), int(month), int(day), tzinfo=dt.timezone.utc)
        return base + dt.timedelta(
            hours=int(hour or 0), minutes=int(minute or 0), seconds=float(second or 0)
        )
    except (ValueError, OverflowError):
        return None


def observation_date(headers: dict[str, Any]) -> dt.datetime | None:
    for key in ("DATE-OBS", "DATE-BEG", "DATE_OBS"):
        when = parse_date(headers.get(key), _first(headers, "TIME-OBS", "UT", "UTC-OBS", "UTSTART"))
        if when is not None:
            return when
    mjd = _first(headers, "MJD-OBS", "MJD-BEG")
    if isinstance(mjd, (int, float)) and not isinstance(mjd, bool) and 0 < mjd < 200000:
        return MJD_EPOCH + dt.timedelta(days=float(mjd))
    return None


def format_date(when: dt.datetime) -> str:
    text = when.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="auto")
    return text + "Z"


def frame_from_headers(headers: dict[str, Any]) -> dict[str, Any]:
    """The observation or calibration a file's headers describe."""
    image_type = str(
        _first(headers, "IMAGETYP", "IMAGETYPE", "IMGTYPE", "FRAME", "FRAMETYP", "OBSTYPE",
               "EXPTYPE") or ""
    ).lower()
    category, kind = "observation", "light"
    for word, calibration in CALIBRATION_KINDS:
        if word in image_type:
            category, kind = "calibration", calibration
            break
    exposure = _first(headers, "EXPTIME", "EXPOSURE", "EXP_TIME")
    try:
        exposure_time = None if isinstance(exposure, bool) else float(exposure)
    except (TypeError, ValueError):
        exposure_time = None
    target = _first(headers, "OBJECT", "OBJNAME", "TARGET")
    filter_name = _first(headers, "FILTER", "FILTNAME", "FILTER1")
    when = observation_date(headers)
    return {
        "category": category,
        "kind": kind,
        "target_name": None if target is None else str(target),
        "filter": None if filter_name is None else str(filter_name),
        "exposure_time": exposure_time,
        "when": when,
        "date_obs": None if when is None else format_date(when),
    }

"""Observation files by content: compression, FITS or XISF, their headers and when they were taken.

``astropy`` is imported only inside :func:`parse_fits_header`, so importing this module stays cheap.
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import os
import re
import struct
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

FITS_SIGNATURE = b"SIMPLE  ="
EXTENSION_SIGNATURE = b"XTENSION="
XISF_SIGNATURE = b"XISF0100"
PROBE_BYTES = 16
FITS_BLOCK = 2880
FITS_CARD = 80
MAX_HEADER_BYTES = 16 * 1024 * 1024
#: How many HDUs after the primary are looked at for the one describing the frame.
MAX_HDUS = 8
COMPRESSED_SUFFIXES = {"gz": "gzip", "gzip": "gzip", "bz2": "bzip2", "bzip2": "bzip2", "zip": "zip"}

DATE_KEYS = ("DATE-OBS", "DATE-BEG", "DATE_OBS")
TIME_KEYS = ("TIME-OBS", "UT", "UTC-OBS", "UTSTART")
MJD_KEYS = ("MJD-OBS", "MJD-BEG")
OBJECT_KEYS = ("OBJECT", "OBJNAME", "TARGET")
IMAGE_TYPE_KEYS = ("IMAGETYP", "IMAGETYPE", "IMGTYPE", "FRAME", "FRAMETYP", "OBSTYPE", "EXPTYPE")
FILTER_KEYS = ("FILTER", "FILTNAME", "FILTER1")
EXPOSURE_KEYS = ("EXPTIME", "EXPOSURE", "EXP_TIME")
#: The kinds of frame, in the order summaries show them.
FRAME_KINDS = ("light", "bias", "dark", "flat", "other")
#: Words of an image type naming a calibration, tried in this order ("Dark Flat" is a dark).
CALIBRATION_WORDS = (("bias", "bias"), ("zero", "bias"), ("offset", "bias"), ("dark", "dark"),
                     ("flat", "flat"))
#: Words of an image type naming a light (science) frame.
LIGHT_WORDS = ("light", "object", "science", "sci", "obj", "target")
XISF_PROPERTIES = {
    "Observation:Time:Start": "DATE-OBS",
    "Observation:Object:Name": "OBJECT",
    "Instrument:Filter:Name": "FILTER",
    "Instrument:ExposureTime": "EXPTIME",
}
STRUCTURAL_KEYS = frozenset({"BITPIX", "PCOUNT", "GCOUNT", "ZIMAGE", *DATE_KEYS, *MJD_KEYS})
MJD_EPOCH = dt.datetime(1858, 11, 17, tzinfo=dt.timezone.utc)
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?$")


def compression_of(magic: bytes) -> str | None:
    """The compression (``gzip``, ``bzip2``, ``zip``) a file's first bytes announce, or None."""
    if magic.startswith(b"\x1f\x8b"):
        return "gzip"
    if magic.startswith(b"BZh"):
        return "bzip2"
    if magic.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def inner_name(file_name: str, compression: str | None) -> str:
    """``file_name`` without the suffix of its compression (``a.fits.gz`` is ``a.fits``)."""
    stem, _, suffix = file_name.rpartition(".")
    if compression and stem and COMPRESSED_SUFFIXES.get(suffix.lower()) == compression:
        return stem
    return file_name


@contextmanager
def opened(
    path: str | os.PathLike[str], compression: str | None, file_name: str = ""
) -> Iterator[tuple[IO[bytes], str]]:
    """The file's decompressed content and the name of what is inside (a zip's first member)."""
    if compression == "zip":
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members:
                raise zipfile.BadZipFile("empty zip archive")
            with archive.open(members[0]) as stream:
                yield stream, members[0].filename
        return
    name = inner_name(file_name, compression)
    if compression == "gzip":
        with gzip.open(path, "rb") as stream:
            yield stream, name
    elif compression == "bzip2":
        with bz2.open(path, "rb") as stream:
            yield stream, name
    else:
        with open(path, "rb") as stream:
            yield stream, name


def read_exactly(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes from ``stream``, fewer only at its end."""
    data = bytearray()
    while len(data) < size:
        piece = stream.read(size - len(data))
        if not piece:
            break
        data.extend(piece)
    return bytes(data)


def content_type(start: bytes) -> str:
    """``fits``, ``xisf`` or ``other``, from the first bytes of the (decompressed) content."""
    if start.startswith(FITS_SIGNATURE):
        return "fits"
    if start.startswith(XISF_SIGNATURE):
        return "xisf"
    return "other"


@dataclass(frozen=True)
class FitsLayout:
    """The raw primary header, and the raw header of the later HDU that describes the frame
    (None when it is the primary); ``tile_compressed`` when that HDU is an fpack image."""

    primary: bytes
    frame: bytes | None = None
    tile_compressed: bool = False

    def headers(self) -> dict[str, Any]:
        """The cards of the HDU that describes the frame, with the primary header's under them."""
        values = parse_fits_header(self.primary)
        if self.frame is not None:
            values.update(parse_fits_header(self.frame))
        return values


def fits_layout(stream: IO[bytes], start: bytes = b"") -> FitsLayout:
    """Walk the HDUs up to the first that has data or an observation date.

    An fpack file (an empty primary HDU, then a compressed image HDU) is described by its second
    HDU. Only headers are read: an HDU passed over has no data, so the next header follows it.
    """
    primary = raw_fits_header(stream, start, FITS_SIGNATURE)
    cards = structural_cards(primary)
    if _describes_frame(cards):
        return FitsLayout(primary)
    try:
        for _ in range(MAX_HDUS):
            raw = raw_fits_header(stream, b"", EXTENSION_SIGNATURE)
            cards = structural_cards(raw)
            if _describes_frame(cards):
                return FitsLayout(primary, raw, cards.get("ZIMAGE") == "T")
    except ValueError:  # no further HDU (or a broken one): the primary describes the file
        pass
    return FitsLayout(primary)


def raw_fits_header(stream: IO[bytes], start: bytes, signature: bytes) -> bytes:
    """One header's blocks, read up to its END card; ValueError if truncated or not a header."""
    first_block = start + read_exactly(stream, FITS_BLOCK - len(start))
    if not first_block.startswith(signature):
        raise ValueError("not a FITS file" if signature == FITS_SIGNATURE else "no FITS header")
    data = bytearray()
    block = first_block
    while True:
        if len(block) < FITS_BLOCK:
            raise ValueError("truncated FITS header")
        data.extend(block)
        if _has_end_card(block):
            return bytes(data)
        if len(data) >= MAX_HEADER_BYTES:
            raise ValueError("FITS header without END")
        block = read_exactly(stream, FITS_BLOCK)


def _has_end_card(block: bytes) -> bool:
    position = block.find(b"END     ")
    while position != -1:
        if position % FITS_CARD == 0:
            return True
        position = block.find(b"END     ", position + 1)
    return False


def structural_cards(raw: bytes) -> dict[str, str]:
    """Keyword -> value text of the cards that give a header's layout and date (NAXISn, BITPIX,
    PCOUNT, GCOUNT, ZIMAGE, the date keywords), read without astropy."""
    cards: dict[str, str] = {}
    text = raw.decode("ascii", "replace")
    for i in range(0, len(text), FITS_CARD):
        keyword = text[i : i + 8].rstrip()
        if keyword == "END":
            break
        wanted = keyword in STRUCTURAL_KEYS or keyword.startswith("NAXIS")
        if wanted and text[i + 8 : i + 10] == "= " and keyword not in cards:
            cards[keyword] = text[i + 10 : i + FITS_CARD].split("/", 1)[0].strip()
    return cards


def data_size(cards: dict[str, str]) -> int:
    """Bytes of data (padded to whole blocks) after a header; ValueError if its axes are broken."""
    axes = int(cards.get("NAXIS", "0") or 0)
    if axes <= 0:
        return 0
    count = 1
    for axis in range(1, axes + 1):
        count *= int(cards.get(f"NAXIS{axis}", "0"))
    bits = abs(int(cards.get("BITPIX", "8")))
    size = bits // 8 * int(cards.get("GCOUNT", "1")) * (int(cards.get("PCOUNT", "0")) + count)
    return -(-size // FITS_BLOCK) * FITS_BLOCK


def _describes_frame(cards: dict[str, str]) -> bool:
    try:
        has_data = data_size(cards) > 0
    except ValueError:
        has_data = False
    return has_data or any(key in cards for key in (*DATE_KEYS, *MJD_KEYS))


def parse_fits_header(raw: bytes) -> dict[str, Any]:
    """The cards of a raw header (astropy), a malformed card skipped; ValueError if unreadable."""
    from astropy.io import fits

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            header = fits.Header.fromstring(raw.decode("ascii", "replace"))
        except Exception as exc:
            raise ValueError(f"corrupt FITS header ({exc})") from exc
        values: dict[str, Any] = {}
        for card in header.cards:
            try:
                keyword, value = card.keyword.upper(), card.value
            except Exception:  # a malformed card does not hide the others
                continue
            if keyword and keyword not in values and isinstance(value, (str, int, float)):
                values[keyword] = value.strip() if isinstance(value, str) else value
    return values


def fits_text_value(text: str) -> Any:
    """A FITS value as written in text (``'M31 '``, ``T``, ``1.5``) as a Python value."""
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


def read_xisf_header(stream: IO[bytes], start: bytes = b"") -> dict[str, Any]:
    """FITSKeyword elements, then a few standard Properties, of an XISF header; ValueError if broken."""
    start = start + read_exactly(stream, PROBE_BYTES - len(start))
    if len(start) < PROBE_BYTES or not start.startswith(XISF_SIGNATURE):
        raise ValueError("not an XISF file")
    (length,) = struct.unpack("<I", start[8:12])
    if not 0 < length <= MAX_HEADER_BYTES:
        raise ValueError(f"implausible XISF header length {length}")
    text = read_exactly(stream, length)
    if len(text) < length:
        raise ValueError("truncated XISF header")
    try:
        root = ET.fromstring(text.rstrip(b"\0 "))
    except ET.ParseError as exc:
        raise ValueError(f"corrupt XISF header ({exc})") from exc
    values: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        if tag == "FITSKeyword":
            name = (element.get("name") or "").strip().upper()
            if name and name not in values:
                values[name] = fits_text_value(element.get("value") or "")
        elif tag == "Property" and element.get("id") in XISF_PROPERTIES:
            value = element.get("value")
            value = ((element.text or "") if value is None else value).strip()
            properties[XISF_PROPERTIES[str(element.get("id"))]] = (
                fits_text_value(value) if value.startswith("'") else value
            )
    for key, value in properties.items():
        values.setdefault(key, value)
    return values


def first(headers: dict[str, Any], *keys: str) -> Any:
    """The value of the first of ``keys`` that ``headers`` hold and is not empty, or None."""
    for key in keys:
        value = headers.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_utc(value: Any, time_of_day: Any = None) -> dt.datetime | None:
    """A UTC datetime from an ISO date (zone optional; a missing time taken from ``time_of_day``)."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if hour is None and isinstance(time_of_day, str):
        clock = _CLOCK.match(time_of_day.strip())
        if clock:
            hour, minute, second, fraction = clock.groups()
    try:
        when = dt.datetime(int(year), int(month), int(day), tzinfo=dt.timezone.utc)
        when += dt.timedelta(
            hours=int(hour or 0), minutes=int(minute or 0),
            seconds=int(second or 0) + float("0" + (fraction or "")),
        )
    except (ValueError, OverflowError):
        return None
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        when -= sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when


def frame_kind(image_type: Any) -> str:
    """``light``, ``bias``, ``dark``, ``flat`` or ``other`` from an image type as cameras write it
    ("Light Frame", "object", "Bias Frame", "zero", "Dark Frame", "Flat Field"...); a frame
    without an image type is a light."""
    text = str(image_type or "").strip().lower()
    if not text:
        return "light"
    for word, kind in CALIBRATION_WORDS:
        if word in text:
            return kind
    words = re.split(r"[^a-z]+", text)
    if any(word in LIGHT_WORDS for word in words) or "light" in text:
        return "light"
    return "other"


def exposure_of(headers: dict[str, Any]) -> float | None:
    """The exposure time in seconds (EXPTIME, or EXPOSURE, EXP_TIME), or None."""
    value = first(headers, *EXPOSURE_KEYS)
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return seconds if seconds == seconds and seconds >= 0 else None  # not NaN, not negative


def filter_of(headers: dict[str, Any]) -> str | None:
    """The filter's name (FILTER, FILTNAME, FILTER1), or None."""
    value = first(headers, *FILTER_KEYS)
    return None if value is None else str(value).strip() or None


def binning_of(headers: dict[str, Any]) -> str | None:
    """The binning as ``XxY`` (XBINNING/YBINNING, CCDXBIN/CCDYBIN, BINNING or CCDSUM), or None."""
    for x_key, y_key in (("XBINNING", "YBINNING"), ("CCDXBIN", "CCDYBIN")):
        x_bin = _whole(headers.get(x_key))
        if x_bin is not None:
            return f"{x_bin}x{_whole(headers.get(y_key)) or x_bin}"
    for key in ("BINNING", "CCDSUM"):
        value = headers.get(key)
        if isinstance(value, str):
            parts = [_whole(part) for part in re.split(r"[\sx*,]+", value.strip().lower()) if part]
            if parts and all(parts):
                return f"{parts[0]}x{parts[1] if len(parts) > 1 else parts[0]}"
        elif _whole(value) is not None:
            return f"{_whole(value)}x{_whole(value)}"
    return None


def _whole(value: Any) -> int | None:
    """A positive whole number from a header value (``2``, ``2.0``, ``'2'``), or None."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 1 and number == int(number) else None


def observation_time(headers: dict[str, Any]) -> dt.datetime | None:
    """When the exposure started (UTC), from DATE-OBS (and TIME-OBS/UT) or MJD-OBS; else None."""
    for key in DATE_KEYS:
        when = parse_utc(headers.get(key), first(headers, *TIME_KEYS))
        if when is not None:
            return when
    mjd = first(headers, *MJD_KEYS)
    if isinstance(mjd, (int, float)) and not isinstance(mjd, bool) and 0 < mjd < 200000:
        return MJD_EPOCH + dt.timedelta(days=float(mjd))
    return None

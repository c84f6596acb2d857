"""When an all-sky image was taken: its EXIF ``DateTimeOriginal`` when Pillow can read one, else
the file's modification time; always as UTC.

EXIF times carry no time zone unless the camera wrote ``OffsetTimeOriginal``: without it the
time is taken as UTC (all-sky cameras usually keep UTC). Pillow is optional (the ``allsky``
extra); without it every time is the file's modification time, and a warning says so once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

LOG = logging.getLogger("arcsecond.allsky")
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
SUBSEC_TIME_ORIGINAL = 0x9291
_EXIF_TIME = re.compile(r"^(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d):(\d\d)$")
_OFFSET = re.compile(r"^([+-])(\d\d):(\d\d)$")
_warned = False


def exif_time(path: Path) -> dt.datetime | None:
    """The EXIF ``DateTimeOriginal`` of an image as an aware UTC time, or None (no Pillow, no
    EXIF, not an image Pillow knows, or a blank or malformed time)."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        _warn_no_pillow()
        return None
    try:
        with Image.open(path) as image:  # reads the headers only
            exif = image.getexif().get_ifd(EXIF_IFD)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return parse_exif_time(exif.get(DATE_TIME_ORIGINAL), exif.get(SUBSEC_TIME_ORIGINAL),
                           exif.get(OFFSET_TIME_ORIGINAL))


def parse_exif_time(text: object, subsec: object = None, offset: object = None
                    ) -> dt.datetime | None:
    """``YYYY:MM:DD HH:MM:SS`` (with optional sub-seconds and ``+HH:MM`` offset) as UTC."""
    match = _EXIF_TIME.match(str(text or "").strip().rstrip("\0"))
    if match is None:
        return None
    digits = re.sub(r"\D", "", str(subsec or ""))[:6]
    zone = dt.timezone.utc
    found = _OFFSET.match(str(offset or "").strip().rstrip("\0"))
    if found:
        sign = -1 if found.group(1) == "-" else 1
        zone = dt.timezone(sign * dt.timedelta(hours=int(found.group(2)),
                                               minutes=int(found.group(3))))
    try:
        when = dt.datetime(*(int(part) for part in match.groups()),
                           microsecond=int(digits.ljust(6, "0")) if digits else 0, tzinfo=zone)
    except ValueError:  # 0000:00:00 00:00:00 and other impossible dates
        return None
    return when.astimezone(dt.timezone.utc)


def mtime(path: Path) -> dt.datetime:
    """The file's modification time, as UTC."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)


def image_time(path: Path) -> tuple[dt.datetime, str]:
    """When the image was taken, and where that came from (``EXIF`` or ``mtime``)."""
    taken = exif_time(path)
    if taken is not None:
        return taken, "EXIF"
    return mtime(path), "mtime"


def parse_utc(text: str) -> dt.datetime:
    """``--time``: an ISO 8601 time; without an offset it is UTC (ValueError if not a time)."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


def _warn_no_pillow() -> None:
    global _warned
    if not _warned:
        _warned = True
        LOG.warning("Pillow is not installed: image times are the files' modification times "
                    "(pip install 'arcsecond-cli[allsky]' reads their EXIF times)")

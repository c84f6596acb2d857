"""What an all-sky image is to the server: its kind from its first bytes, its UTC time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .rest import invalid

#: Leading bytes -> (content type, file extension). Kept as sent; browsers show the first four.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"II*\x00", "image/tiff", ".tif"),
    (b"MM\x00*", "image/tiff", ".tif"),
    (b"SIMPLE  =", "image/fits", ".fits"),
)
SHOWN_INLINE = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
NOT_AN_IMAGE = ("Upload a valid image. The file you uploaded was either not an image or a "
                "corrupted image.")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def image_kind(path: Path) -> tuple[str, str]:
    """The content type and extension of the image at ``path``; a 400 on ``file`` otherwise."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if not head:
        raise invalid("file", "The submitted file is empty.")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise invalid("file", NOT_AN_IMAGE)


def utc_timestamp(value: object, field_name: str = "utc_timestamp") -> str:
    """An ISO 8601 time as the API's UTC text (``2026-12-03T21:04:05.000000Z``); a time without
    an offset is taken as UTC. A 400 on ``field_name`` if it is not a time."""
    if value in (None, ""):
        raise invalid(field_name, "This field is required.")
    text = str(value).strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise invalid(field_name, "Datetime has wrong format. Use one of these formats instead: "
                                  "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime(TIME_FORMAT)


def parse_timestamp_filter(value: str, field_name: str) -> str:
    """A ``ctx.filter`` parser: the time in the stored form, so that equal times compare equal."""
    return utc_timestamp(value, field_name)

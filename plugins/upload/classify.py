"""What a file is, by content: FITS, XISF, their gzip/bzip2/zip-compressed forms, or other."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

FITS_SIGNATURE = b"SIMPLE  ="
XISF_SIGNATURE = b"XISF0100"
PROBE_BYTES = 16


@dataclass(frozen=True)
class Kind:
    """The type of a file's content (``fits``, ``xisf``, ``other``) and its compression."""

    file_type: str = "other"
    compression: str | None = None

    @property
    def has_headers(self) -> bool:
        return self.file_type in ("fits", "xisf")

    def label(self) -> str:
        """``FITS``, ``XISF (gzip)``, ``other (zip)``..."""
        name = self.file_type.upper() if self.has_headers else self.file_type
        return f"{name} ({self.compression})" if self.compression else name


def compression_of(magic: bytes) -> str | None:
    """The compression a file's first bytes announce, or None."""
    if magic.startswith(b"\x1f\x8b"):
        return "gzip"
    if magic.startswith(b"BZh"):
        return "bzip2"
    if magic.startswith(b"PK\x03\x04"):
        return "zip"
    return None


@contextlib.contextmanager
def content_stream(path: str | os.PathLike[str], compression: str | None) -> Iterator[IO[bytes]]:
    """The file's decompressed content (the first member of a zip archive)."""
    if compression == "gzip":
        with gzip.open(path, "rb") as stream:
            yield stream
    elif compression == "bzip2":
        with bz2.open(path, "rb") as stream:
            yield stream
    elif compression == "zip":
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members:
                raise zipfile.BadZipFile("empty zip archive")
            with archive.open(members[0]) as stream:
                yield stream
    else:
        with open(path, "rb") as stream:
            yield stream


def content_type(start: bytes) -> str:
    if start.startswith(FITS_SIGNATURE):
        return "fits"
    if start.startswith(XISF_SIGNATURE):
        return "xisf"
    return "other"


def classify(path: str | os.PathLike[str]) -> Kind:
    """The Kind of the file at ``path``; unreadable or broken archives are ``other``."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(PROBE_BYTES)
    except OSError:
        return Kind()
    compression = compression_of(magic)
    if compression is None:
        return Kind(content_type(magic))
    try:
        with content_stream(path, compression) as stream:
            start = stream.read(PROBE_BYTES)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile):
        return Kind("other", compression)
    return Kind(content_type(start), compression)

"""What a file is, by content: FITS, XISF, their gzip/bzip2/zip-compressed forms, or other."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from arcsecond_core.frames import PROBE_BYTES, compression_of, content_type, opened, read_exactly


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
        with opened(path, compression) as (stream, _):
            start = read_exactly(stream, PROBE_BYTES)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile):
        return Kind("other", compression)
    return Kind(content_type(start), compression)

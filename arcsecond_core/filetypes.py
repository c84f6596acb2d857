"""What a data file is, by one rule shared by the upload and the server.

Content first: the compression its first bytes announce (gzip, bzip2, zip), then FITS or XISF
by the signature of what is inside, and fpack when a FITS file's frame is a tile-compressed
image HDU. When the content says nothing (plain text, a corrupt archive, a truncated file), the
MIME type of the extension decides, so a file named ``x.fits`` is a FITS file whose headers are
unreadable. A broken file is never an error here: it is described, with ``error`` set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from . import frames

FITS_EXTENSIONS = frozenset({
    "fits", "fit", "fts", "ft", "mt", "imfits", "imfit", "uvfits", "uvfit",
    "pha", "rmf", "arf", "rsp", "pi",
})
#: The MIME type of each extension the rule knows (``fz``: fpack's own).
EXTENSION_MIME_TYPES = {
    **{extension: "image/fits" for extension in FITS_EXTENSIONS},
    "fz": "image/fits",
    "xisf": "application/xisf",
}
MIME_FILE_TYPES = {"image/fits": "fits", "application/fits": "fits", "application/xisf": "xisf"}


@dataclass(frozen=True)
class FileInfo:
    """A file's type (``fits``, ``xisf``, ``other``), compression, and headers when read.

    ``headers`` is None when they were not asked for or could not be read; ``error`` then says
    why (a corrupt archive, a truncated header...).
    """

    file_type: str = "other"
    compression: str | None = None
    headers: dict[str, Any] | None = field(default=None, compare=False)
    error: str | None = field(default=None, compare=False)

    @property
    def has_headers(self) -> bool:
        return self.file_type in ("fits", "xisf")

    def label(self) -> str:
        """``FITS``, ``XISF (gzip)``, ``FITS (fpack)``, ``other (zip)``..."""
        name = self.file_type.upper() if self.has_headers else self.file_type
        return f"{name} ({self.compression})" if self.compression else name


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def file_type_by_name(name: str, content_type: str | None = None) -> str:
    """``fits``, ``xisf`` or ``other`` from the MIME type of ``name``'s extension (or the one
    the client declared, for an extension the rule does not know)."""
    mime = EXTENSION_MIME_TYPES.get(extension_of(name)) or (content_type or "").lower()
    return MIME_FILE_TYPES.get(mime, "other")


def inspect(path: str | os.PathLike[str], file_name: str | None = None,
            content_type: str | None = None, *, headers: bool = True) -> FileInfo:
    """Type, compression and (with ``headers``) the headers of the file at ``path``, which the
    server knows as ``file_name`` (default: its base name); never raises for broken content."""
    name = file_name if file_name is not None else os.path.basename(os.fspath(path))
    content = _Content(name)
    try:
        with open(path, "rb") as handle:
            start = frames.read_exactly(handle, frames.PROBE_BYTES)
            content.compression = frames.compression_of(start)
            if content.compression is None:  # the common case: one open, one read
                content.read(handle, start, headers)
    except OSError as exc:
        return FileInfo(file_type_by_name(name, content_type), None,
                        error=f"cannot read ({exc.strerror or exc})")
    except Exception as exc:  # astropy and XML have errors of their own
        content.error = f"unreadable ({_reason(exc)})"
    if content.compression is not None:
        content.inner = frames.inner_name(name, content.compression)
        try:
            with frames.opened(path, content.compression, name) as (stream, content.inner):
                content.read(stream, frames.read_exactly(stream, frames.PROBE_BYTES), headers)
        except Exception as exc:  # zlib, bz2 and zip too
            content.error = f"unreadable ({_reason(exc)})"
    return content.described(content_type)


class _Content:
    """What reading a file's (decompressed) content found."""

    def __init__(self, name: str) -> None:
        self.inner = name
        self.compression: str | None = None
        self.file_type = "other"
        self.headers: dict[str, Any] | None = None
        self.error: str | None = None

    def read(self, stream: Any, start: bytes, headers: bool) -> None:
        self.file_type = frames.content_type(start)
        if self.file_type == "fits":
            layout = frames.fits_layout(stream, start)
            if layout.tile_compressed and self.compression is None:
                self.compression = "fpack"
            if headers:
                self.headers = layout.headers()
        elif self.file_type == "xisf" and headers:
            self.headers = frames.read_xisf_header(stream, start)

    def described(self, content_type: str | None) -> FileInfo:
        """The FileInfo, the extension deciding when the content said nothing."""
        file_type, compression, error = self.file_type, self.compression, self.error
        if file_type == "other":
            file_type = file_type_by_name(self.inner, content_type)
            if file_type == "fits" and compression is None and extension_of(self.inner) == "fz":
                compression = "fpack"
            if file_type != "other" and error is None:
                error = f"unreadable (not {'a FITS' if file_type == 'fits' else 'an XISF'} file)"
        return FileInfo(file_type, compression, self.headers, error)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."

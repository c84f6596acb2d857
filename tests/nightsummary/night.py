"""A real test night written with astropy: vendor image types, every compression, broken files."""

from __future__ import annotations

import bz2
import gzip
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from astropy.io import fits

SIZE = 16

#: name -> (compression, header cards). Times are UTC, all in the night of 2024-03-10.
FRAMES: dict[str, tuple[str | None, dict[str, Any]]] = {
    "m31_V_1.fits": (None, {"IMAGETYP": "Light Frame", "OBJECT": "M31", "FILTER": "V",
                            "EXPTIME": 30.0, "DATE-OBS": "2024-03-10T21:00:00"}),
    "m31_V_2.fits.fz": ("fpack", {"IMAGETYP": "LIGHT", "OBJECT": "M31", "FILTER": "V",
                                  "EXPTIME": 30.0, "DATE-OBS": "2024-03-10T21:01:00"}),
    "m31_R_1.fits.gz": ("gzip", {"IMAGETYP": "object", "OBJECT": "M31", "FILTER": "R",
                                 "EXPOSURE": 60.0, "DATE-OBS": "2024-03-10T21:10:00"}),
    "m42_1.fits.bz2": ("bzip2", {"IMAGETYP": "light", "OBJECT": "M42", "EXPTIME": 60.0,
                                 "DATE-OBS": "2024-03-10T22:00:00"}),
    "ngc7000_Ha.zip": ("zip", {"IMAGETYP": "Light Frame", "OBJECT": "NGC 7000", "FILTER": "Ha",
                               "EXPTIME": 120.0, "XBINNING": 2, "YBINNING": 2,
                               "DATE-OBS": "2024-03-10T23:00:00"}),
    "bias_1.fits": (None, {"IMAGETYP": "Bias Frame", "EXPTIME": 0.0,
                           "DATE-OBS": "2024-03-10T19:00:00"}),
    "bias_2.fits.gz": ("gzip", {"IMAGETYP": "zero", "OBJECT": "Bias", "EXPTIME": 0.0,
                                "DATE-OBS": "2024-03-10T19:01:00"}),
    "dark_60.fits": (None, {"IMAGETYP": "Dark Frame", "EXPTIME": 60.0,
                            "DATE-OBS": "2024-03-11T05:00:00"}),
    "dark_300.fits.fz": ("fpack", {"IMAGETYP": "dark", "EXPTIME": 300.0,
                                   "DATE-OBS": "2024-03-11T05:10:00"}),
    "flat_V.fits": (None, {"IMAGETYP": "Flat Field", "FILTER": "V", "EXPTIME": 2.0,
                           "DATE-OBS": "2024-03-10T18:00:00"}),
    "flat_R.fits.bz2": ("bzip2", {"IMAGETYP": "FLAT", "FILTER": "R", "EXPTIME": 3.0,
                                  "DATE-OBS": "2024-03-10T18:05:00"}),
    "focus.fits": (None, {"IMAGETYP": "Focus", "EXPTIME": 1.0,
                          "DATE-OBS": "2024-03-10T20:00:00"}),
}
#: Files whose headers cannot be read, and the words their reason holds.
UNREADABLE = {"corrupt.fits": "not a FITS file", "truncated.fits.gz": "ended before"}
NOT_FRAMES = ("notes.txt",)


def fits_bytes(cards: dict[str, Any], *, tile_compressed: bool = False) -> bytes:
    """A small int16 FITS image with ``cards`` (binned 1x1 unless the cards say otherwise)."""
    header = fits.Header({"XBINNING": 1, "YBINNING": 1, **cards})
    data = np.arange(SIZE * SIZE, dtype=np.int16).reshape(SIZE, SIZE)
    if tile_compressed:
        hdus = fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, header)])
    else:
        hdus = fits.HDUList([fits.PrimaryHDU(data, header)])
    from io import BytesIO

    buffer = BytesIO()
    hdus.writeto(buffer)
    return buffer.getvalue()


def write_night(root: Path) -> Path:
    """The test night in ``root`` (created): every frame, two broken files and a text file."""
    root.mkdir(parents=True, exist_ok=True)
    for name, (compression, cards) in FRAMES.items():
        raw = fits_bytes(cards, tile_compressed=compression == "fpack")
        path = root / name
        if compression == "gzip":
            path.write_bytes(gzip.compress(raw))
        elif compression == "bzip2":
            path.write_bytes(bz2.compress(raw))
        elif compression == "zip":
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(name.replace(".zip", ".fits"), raw)
        else:
            path.write_bytes(raw)
    (root / "corrupt.fits").write_bytes(b"\x00\x01 this is not FITS " * 200)
    whole = gzip.compress(fits_bytes({"IMAGETYP": "LIGHT", "OBJECT": "M31"}))
    (root / "truncated.fits.gz").write_bytes(whole[:60])
    (root / "notes.txt").write_text("clear sky, seeing 1.2 arcsec\n")
    return root

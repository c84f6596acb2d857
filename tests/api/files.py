"""Files to upload in end-to-end tests: small FITS images with chosen header cards."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_fits(path: Path, **cards: Any) -> Path:
    """Write a small FITS image whose primary header has ``cards`` (``DATE_OBS`` = DATE-OBS)."""
    import numpy as np
    from astropy.io import fits

    hdu = fits.PrimaryHDU(np.zeros((8, 8), dtype=np.int16))
    for key, value in cards.items():
        hdu.header[key.replace("_", "-")] = value
    hdu.writeto(path)
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path

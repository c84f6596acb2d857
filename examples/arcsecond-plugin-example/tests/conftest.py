"""Fixtures for this plugin's tests.

``arcsecond_server`` (a real embedded server) and ``arcsecond_client`` (a fresh user with a
config directory logged in to it) come from the pytest plugins that ``arcsecond-cli`` ships;
nothing here is mocked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def write_fits(path: Path, **cards: Any) -> Path:
    """Write a small FITS image whose primary header has ``cards`` (``DATE_OBS`` = DATE-OBS)."""
    import numpy as np
    from astropy.io import fits

    hdu = fits.PrimaryHDU(np.zeros((8, 8), dtype=np.int16))
    for key, value in cards.items():
        hdu.header[key.replace("_", "-")] = value
    hdu.writeto(path)
    return path


@pytest.fixture
def fits_file(tmp_path: Path) -> Callable[..., Path]:
    """A maker of FITS files in a temporary folder: ``fits_file("a.fits", OBJECT="M31")``."""

    def make(name: str, **cards: Any) -> Path:
        return write_fits(tmp_path / name, **cards)

    return make

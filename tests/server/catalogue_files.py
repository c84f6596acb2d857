"""Catalogue files for the server's import tests: the fixtures on disk, and a TLE of today."""

from __future__ import annotations

import math
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalogues"
EXOPLANETS_CSV = FIXTURES / "pscomppars.csv"
OBJECTS_CSV = FIXTURES / "objects.csv"
STATIONS_TLE = FIXTURES / "stations.tle"
INCLINATION_DEG = 51.64


def fresh_tle(norad_number: int, name: str) -> str:
    """A three-line element set of an ISS-like orbit whose epoch is now."""
    from astropy.time import Time
    from sgp4 import exporter
    from sgp4.api import WGS72, Satrec

    satrec = Satrec()
    revs_per_day = 15.5
    satrec.sgp4init(WGS72, "i", norad_number, Time.now().jd - 2433281.5, 3.8792e-05, 0.0, 0.0,
                    0.0007417, math.radians(17.67), math.radians(INCLINATION_DEG),
                    math.radians(85.64), revs_per_day * 2 * math.pi / 1440,
                    math.radians(211.2))
    line1, line2 = exporter.export_tle(satrec)
    return f"{name}\n{line1}\n{line2}\n"

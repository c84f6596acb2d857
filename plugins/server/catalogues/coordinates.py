"""Coordinates in the shape of API.md: degrees (ICRS), sexagesimal and the constellation."""

from __future__ import annotations

import math
from typing import Any

J2000_JD = 2451545.0


def offline_time_tables() -> None:
    """Earth-orientation tables from the installed package only: never a download, no age limit."""
    from astropy.utils import iers

    iers.conf.auto_download = False
    iers.conf.auto_max_age = None


def normalize(name: str) -> str:
    """A name compared without regard to case, spacing, dashes or underscores."""
    return "".join(ch for ch in name.casefold() if ch.isalnum() or ch in "+.'")


def coordinates(ra: float, dec: float, epoch: float = J2000_JD) -> dict[str, Any]:
    """The ``coordinates`` object of an object or exoplanet (degrees, ICRS axes)."""
    return {
        "system": "ICRS",
        "right_ascension": ra,
        "declination": dec,
        "right_ascension_units": "degrees",
        "declination_units": "degrees",
        "epoch": epoch,
        "equinox": "J2000",
    }


def position_fields(ra: float | None, dec: float | None,
                    epoch: float = J2000_JD) -> dict[str, Any]:
    """``coordinates``, ``ICRS_coordinates``, sexagesimal forms and constellation of a position."""
    if ra is None or dec is None or not (math.isfinite(ra) and math.isfinite(dec)):
        return {"coordinates": None, "ICRS_coordinates": None, "ra_sexagesimal": None,
                "dec_sexagesimal": None, "constellation": None}
    from astropy import units as u
    from astropy.coordinates import SkyCoord

    sky = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs")
    return {
        "coordinates": coordinates(ra, dec, epoch),
        "ICRS_coordinates": coordinates(ra, dec, epoch),
        "ra_sexagesimal": sky.ra.to_string(unit=u.hour, sep=":", precision=2, pad=True),
        "dec_sexagesimal": sky.dec.to_string(unit=u.deg, sep=":", precision=1, pad=True,
                                             alwayssign=True),
        "constellation": sky.get_constellation(),
    }


def flux(name: str, value: float | None, unit: str = "mag") -> dict[str, Any]:
    """One entry of ``fluxes``."""
    return {"name": name, "value": value, "unit": unit, "error_max": None, "error_min": None,
            "bibcode": None}


def described(name: str, ra: float | None, dec: float | None, *, source: str,
              object_types: list[str], aliases: list[dict[str, Any]] | None = None,
              fluxes: list[dict[str, Any]] | None = None, epoch: float = J2000_JD,
              **extra: Any) -> dict[str, Any]:
    """An object's answer, before its planets are added."""
    return {
        "name": name,
        **position_fields(ra, dec, epoch),
        "aliases": aliases or [],
        "object_types": [{"value": value} for value in object_types],
        "fluxes": fluxes or [],
        "planets": [],
        "source": source,
        **extra,
    }


def alias(name: str, catalogue_url: str | None = None) -> dict[str, Any]:
    return {"name": name, "catalogue_url": catalogue_url}

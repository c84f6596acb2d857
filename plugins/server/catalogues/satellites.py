"""Earth satellites from two-line elements: parsing a TLE file, and where one is now (sgp4)."""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

from .coordinates import offline_time_tables

SATELLITES_EXTRA = "satellites"


class MissingSgp4(Exception):
    """The ``sgp4`` package (the server's ``satellites`` extra) is not installed."""


def _satrec(line1: str, line2: str) -> Any:
    try:
        from sgp4.api import Satrec
    except ImportError:
        raise MissingSgp4() from None
    return Satrec.twoline2rv(line1, line2)


@dataclass
class Tle:
    norad_number: int
    name: str
    line1: str
    line2: str
    epoch: str


def _epoch(satrec: Any) -> str:
    from astropy.time import Time

    when = Time(satrec.jdsatepoch, satrec.jdsatepochF, format="jd", scale="utc")
    return when.isot + "Z"


def parse_tle(text: str) -> tuple[list[Tle], list[str]]:
    """The satellites of a TLE file (two- or three-line sets) and one message per bad set."""
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    found: list[Tle] = []
    problems: list[str] = []
    index = 0
    while index < len(lines):
        name = ""
        if not lines[index].startswith("1 "):
            name = lines[index].removeprefix("0 ").strip()
            index += 1
        if index + 1 >= len(lines) or not lines[index].startswith("1 ") \
                or not lines[index + 1].startswith("2 "):
            problems.append(f"line {index + 1}: expected the lines '1 ...' and '2 ...' of a TLE")
            index += 1
            while index < len(lines) and not lines[index].startswith("1 "):
                index += 1
            continue
        line1, line2 = lines[index], lines[index + 1]
        index += 2
        try:
            satrec = _satrec(line1, line2)
        except (ValueError, IndexError) as error:
            problems.append(f"{name or line1[2:7]}: {error}")
            continue
        number = int(satrec.satnum)
        found.append(Tle(number, name or str(number), line1, line2, _epoch(satrec)))
    return found, problems


def position(line1: str, line2: str, when: dt.datetime | None = None) -> dict[str, Any]:
    """Sub-satellite latitude, longitude (degrees) and altitude (km) at ``when`` (now)."""
    from astropy import units as u
    from astropy.time import Time

    offline_time_tables()
    satrec = _satrec(line1, line2)
    moment = Time(when or dt.datetime.now(dt.timezone.utc), scale="utc")
    error, r, v = satrec.sgp4(moment.jd1, moment.jd2)
    if error:
        raise ValueError(f"sgp4 could not propagate this TLE to {moment.isot} (error {error})")
    with warnings.catch_warnings():  # past the bundled tables astropy warns and extrapolates
        warnings.simplefilter("ignore")
        ground = _ground(r, v, moment)
    return {
        "time": moment.isot + "Z",
        "latitude": float(ground.lat.deg),
        "longitude": float(ground.lon.deg),
        "altitude_km": float(ground.height.to(u.km).value),
    }


def _ground(r: Any, v: Any, moment: Any) -> Any:
    from astropy import units as u
    from astropy.coordinates import ITRS, TEME, CartesianDifferential, CartesianRepresentation

    teme = TEME(CartesianRepresentation(r * u.km, differentials=CartesianDifferential(
        v * u.km / u.s)), obstime=moment)
    return teme.transform_to(ITRS(obstime=moment)).earth_location.geodetic

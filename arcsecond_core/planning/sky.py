"""Where things are in a site's sky: altitudes and azimuths, vectorised over targets and times.

Altitudes are geometric (no refraction: astropy's ``AltAz`` with no pressure), topocentric,
from astropy's ICRS -> AltAz transform; solar-system bodies come from ``get_body`` with the
``builtin`` ephemeris at each time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .offline import quiet, use_offline_data
from .site import Site

UTC = dt.timezone.utc
SECONDS_PER_DAY = 86400.0


def to_time(moments: Any) -> Any:
    """An astropy ``Time`` (UTC) from a datetime or an array of seconds since the Unix epoch."""
    from astropy.time import Time

    if isinstance(moments, dt.datetime):
        return Time(moments.astimezone(UTC).replace(tzinfo=None), scale="utc")
    seconds = np.asarray(moments, dtype=float)
    return Time(seconds / SECONDS_PER_DAY + 40587.0, format="mjd", scale="utc")


def to_datetime(seconds: float) -> dt.datetime:
    """An aware UTC datetime from seconds since the Unix epoch, to the second."""
    return dt.datetime.fromtimestamp(round(float(seconds)), tz=UTC)


def grid(start: dt.datetime, end: dt.datetime, step_minutes: float) -> np.ndarray:
    """Seconds since the Unix epoch from ``start`` to ``end`` (both included) every step."""
    step = step_minutes * 60.0
    first, last = start.timestamp(), end.timestamp()
    count = int(np.floor((last - first) / step + 1e-9)) + 1
    seconds = first + step * np.arange(count)
    if seconds[-1] < last - 1e-6:
        seconds = np.append(seconds, last)
    return seconds


def _frame(site: Site, seconds: Any) -> Any:
    from astropy.coordinates import AltAz

    return AltAz(obstime=to_time(seconds), location=site.location)


def body_altaz(site: Site, body: str, seconds: Any) -> tuple[np.ndarray, np.ndarray]:
    """Altitude and azimuth (degrees) of a solar-system body at each time (remembered)."""
    seconds = np.asarray(seconds, dtype=float)
    key = (site, body, seconds.tobytes())
    if key not in _BODY_CACHE:
        if len(_BODY_CACHE) >= BODY_CACHE_SIZE:
            _BODY_CACHE.pop(next(iter(_BODY_CACHE)))
        _BODY_CACHE[key] = _body_altaz(site, body, seconds)
    return _BODY_CACHE[key]


BODY_CACHE_SIZE = 16
_BODY_CACHE: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = {}


def _body_altaz(site: Site, body: str, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from astropy.coordinates import get_body, get_sun

    use_offline_data()
    with quiet():
        times = to_time(seconds)
        # get_sun: one ephemeris evaluation, where get_body iterates on the light travel time
        where = get_sun(times) if body == "sun" else get_body(body, times, site.location)
        place = where.transform_to(_frame(site, seconds))
    return np.asarray(place.alt.deg), np.asarray(place.az.deg)


def body_radec(site: Site, body: str, seconds: Any) -> tuple[np.ndarray, np.ndarray]:
    """A body's apparent (GCRS, topocentric) right ascension and declination in degrees."""
    from astropy.coordinates import get_body

    use_offline_data()
    with quiet():
        place = get_body(body, to_time(seconds), site.location)
    return np.asarray(place.ra.deg), np.asarray(place.dec.deg)


def fixed_altaz(site: Site, ra: Any, dec: Any, seconds: Any) -> tuple[np.ndarray, np.ndarray]:
    """Altitude and azimuth (degrees) of ICRS positions; ``ra``/``dec`` broadcast with times.

    Give ``ra[:, None]`` and a 1-D time array for a targets x times table (one transform), or
    arrays of one shape for one time per target.
    """
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    use_offline_data()
    with quiet():
        coords = SkyCoord(np.asarray(ra) * u.deg, np.asarray(dec) * u.deg, frame="icrs")
        place = coords.transform_to(_frame(site, seconds))
    return np.asarray(place.alt.deg), np.asarray(place.az.deg)


def hour_angle(site: Site, alt: np.ndarray, az: np.ndarray) -> np.ndarray:
    """The hour angle (degrees, -180..180, negative east) of positions given by alt/az."""
    lat = np.radians(site.latitude)
    a, z = np.radians(alt), np.radians(az)
    x = np.sin(a) * np.cos(lat) - np.cos(a) * np.cos(z) * np.sin(lat)
    y = -np.sin(z) * np.cos(a)
    return np.degrees(np.arctan2(y, x))


def separation(alt1: np.ndarray, az1: np.ndarray, alt2: np.ndarray, az2: np.ndarray) -> np.ndarray:
    """Angular distance (degrees) between two alt/az positions, broadcast."""
    a1, a2 = np.radians(alt1), np.radians(alt2)
    dz = np.radians(np.asarray(az2) - np.asarray(az1))
    cos_d = np.sin(a1) * np.sin(a2) + np.cos(a1) * np.cos(a2) * np.cos(dz)
    return np.degrees(np.arccos(np.clip(cos_d, -1.0, 1.0)))


def airmass(alt: Any) -> Any:
    """sec(z), the plane-parallel airmass (None-like NaN below the horizon)."""
    alt = np.asarray(alt, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(alt > 0, 1.0 / np.sin(np.radians(alt)), np.nan)

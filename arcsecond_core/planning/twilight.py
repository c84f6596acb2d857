"""The events of a night at a site: sunset, twilights, sunrise, the moon, the dark time.

The night of date D runs from local noon of D to local noon of D+1 (see :mod:`.site`).
Sunrise and sunset are when the sun's upper limb meets the horizon with standard refraction
(its centre at -0.833 degrees); civil, nautical and astronomical twilight end and begin at
-6, -12 and -18 degrees (geometric). Moonrise and moonset use -0.833 degrees too, for the
topocentric moon. Times come from a 5-minute grid, interpolated (cubic) and refined by regula falsi
(well under a second of the model's own times).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import sky
from .crossings import cubic, first_crossing
from .site import Site

HORIZON = -0.833
TWILIGHTS = {"civil": -6.0, "nautical": -12.0, "astronomical": -18.0}
GRID_MINUTES = 5.0
#: Without any night, the "darkest period" is this long, centred on the sun's lowest point.
LOWEST_SUN_HOURS = 4.0


@dataclass(frozen=True)
class NightEvents:
    """A night's events: aware UTC datetimes, or None when they do not happen that night."""

    site: Site
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    sunset: dt.datetime | None
    sunrise: dt.datetime | None
    civil_dusk: dt.datetime | None
    civil_dawn: dt.datetime | None
    nautical_dusk: dt.datetime | None
    nautical_dawn: dt.datetime | None
    astronomical_dusk: dt.datetime | None
    astronomical_dawn: dt.datetime | None
    moonrise: dt.datetime | None
    moonset: dt.datetime | None
    moon_illumination: float
    dark_hours: float
    #: The darkest period available: the astronomical night, else the darkest twilight...
    dark_start: dt.datetime
    dark_end: dt.datetime
    #: ...and what it is: astronomical, nautical, civil, "sun below the horizon", "lowest sun".
    dark_kind: str
    no_astronomical_night: bool
    sun_never_sets: bool
    sun_never_rises: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain values: ISO 8601 UTC strings, numbers and flags."""
        data = asdict(self)
        data.pop("site")
        return {key: iso(value) if isinstance(value, (dt.datetime, dt.date)) else value
                for key, value in data.items()}


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """ISO 8601 (UTC with ``Z`` for datetimes, to the second)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def night_events(site: Site, date: dt.date) -> NightEvents:
    """The events of the night of ``date`` at ``site``."""
    start, end = site.night_window(date)
    seconds = sky.grid(start, end, GRID_MINUTES)
    sun_alt, _ = sky.body_altaz(site, "sun", seconds)
    moon_alt, _ = sky.body_altaz(site, "moon", seconds)

    def sun_at(rows: np.ndarray, when: np.ndarray) -> np.ndarray:
        return cubic(seconds, np.broadcast_to(sun_alt, (when.size, seconds.size)), when)

    def moon_at(rows: np.ndarray, when: np.ndarray) -> np.ndarray:
        return cubic(seconds, np.broadcast_to(moon_alt, (when.size, seconds.size)), when)

    # From noon to noon the sun goes down once and up once: one crossing of each level each way.
    names = ["", *TWILIGHTS]
    levels = np.array([HORIZON, *TWILIGHTS.values()] * 2)
    rising = np.repeat([False, True], len(names))
    found = first_crossing(seconds, np.broadcast_to(sun_alt, (levels.size, seconds.size)),
                           levels, rising, sun_at)
    dusk = {name: _moment(found[i]) for i, name in enumerate(names)}
    dawn = {name: _moment(found[len(names) + i]) for i, name in enumerate(names)}
    moon = first_crossing(seconds, np.broadcast_to(moon_alt, (2, seconds.size)), HORIZON,
                          np.array([True, False]), moon_at)
    level_of = dict(zip(names, levels[:len(names)], strict=True))
    periods = {name: _below(sun_alt, level_of[name], dusk[name], dawn[name], start, end)
               for name in names}
    dark_start, dark_end, dark_kind = _darkest(seconds, sun_alt, periods, start, end)
    astro = periods["astronomical"]
    dark_hours = (astro[1] - astro[0]).total_seconds() / 3600.0 if astro else 0.0
    middle = dark_start + (dark_end - dark_start) / 2
    return NightEvents(
        site=site, date=date, start=start, end=end,
        sunset=dusk[""], sunrise=dawn[""],
        civil_dusk=dusk["civil"], civil_dawn=dawn["civil"],
        nautical_dusk=dusk["nautical"], nautical_dawn=dawn["nautical"],
        astronomical_dusk=dusk["astronomical"], astronomical_dawn=dawn["astronomical"],
        moonrise=_moment(moon[0]), moonset=_moment(moon[1]),
        moon_illumination=round(moon_illumination(middle), 4),
        dark_hours=round(dark_hours, 3),
        dark_start=dark_start, dark_end=dark_end, dark_kind=dark_kind,
        no_astronomical_night=astro is None,
        sun_never_sets=bool(np.all(sun_alt >= HORIZON)),
        sun_never_rises=bool(np.all(sun_alt < HORIZON)),
    )


def _moment(value: float) -> dt.datetime | None:
    return None if np.isnan(value) else sky.to_datetime(value)


def _below(alt: np.ndarray, level: float, dusk: dt.datetime | None,
           dawn: dt.datetime | None, start: dt.datetime,
           end: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """When the sun is below ``level`` during the window (None when it never is)."""
    if not np.any(alt < level):
        return None
    begin = start if alt[0] < level else dusk
    finish = end if alt[-1] < level else dawn
    if begin is None or finish is None or finish <= begin:
        return None
    return begin, finish


def _darkest(seconds: np.ndarray, alt: np.ndarray,
             periods: dict[str, tuple[dt.datetime, dt.datetime] | None],
             start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime, str]:
    for name in ("astronomical", "nautical", "civil", ""):
        period = periods[name]
        if period is not None:
            return period[0], period[1], name or "sun below the horizon"
    lowest = sky.to_datetime(seconds[int(np.argmin(alt))])
    half = dt.timedelta(hours=LOWEST_SUN_HOURS / 2)
    return max(start, lowest - half), min(end, lowest + half), "lowest sun"


def moon_illumination(when: dt.datetime) -> float:
    """The illuminated fraction of the moon's disc (0..1), from the sun-moon elongation."""
    from astropy.coordinates import get_body

    from .offline import quiet, use_offline_data

    use_offline_data()
    with quiet():
        time = sky.to_time(when)
        sun = get_body("sun", time)
        moon = get_body("moon", time)
        elongation = sun.separation(moon).rad
        sun_distance = sun.distance.au
        moon_distance = moon.distance.au
    phase_angle = np.arctan2(sun_distance * np.sin(elongation),
                             moon_distance - sun_distance * np.cos(elongation))
    return float((1.0 + np.cos(phase_angle)) / 2.0)

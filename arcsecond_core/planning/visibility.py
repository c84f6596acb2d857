"""What can be observed in a night: every target's altitude on one grid of times, and a ranking.

All fixed targets go through one ICRS -> AltAz transform (targets x times); each solar-system
body is placed with ``get_body`` at every time. Rise, set and transit times are first found on
the grid and then refined (see :mod:`.crossings`). Targets rise and set at 0 degrees geometric
altitude (no refraction), as astroplan's default horizon.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import sky
from .crossings import cubic, first_crossing
from .site import Site
from .targets import SkyTarget
from .twilight import NightEvents, night_events

DEFAULT_STEP_MINUTES = 5.0
TARGET_HORIZON = 0.0


@dataclass(frozen=True)
class Constraints:
    """When a target counts as observable: altitude (degrees), airmass, distance to the moon."""

    min_altitude: float = 30.0
    max_airmass: float | None = None
    min_moon_separation: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)

    @property
    def altitude_limit(self) -> float:
        """The lowest altitude allowed by both the altitude and the airmass limits."""
        limit = self.min_altitude
        if self.max_airmass is not None and self.max_airmass >= 1.0:
            limit = max(limit, float(np.degrees(np.arcsin(1.0 / self.max_airmass))))
        return limit


class Sampler:
    """Altitudes and azimuths of ``targets``: on a grid of times, and between its points.

    Between grid points altitudes and hour angles are interpolated (cubic, from the four
    nearest samples): on a 5-minute grid the error is far below an arcsecond for the stars and
    below a few arcseconds for the moon, the fastest mover.
    """

    def __init__(self, site: Site, targets: Sequence[SkyTarget]) -> None:
        self.site = site
        self.targets = list(targets)
        self.fixed = np.array([not t.moving for t in self.targets], dtype=bool)
        self.ra = np.array([t.ra if not t.moving else 0.0 for t in self.targets], dtype=float)
        self.dec = np.array([t.dec if not t.moving else 0.0 for t in self.targets], dtype=float)
        self.seconds = np.zeros(0)
        self.alt = self.az = self.angle = np.zeros((len(self.targets), 0))

    def on_grid(self, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(targets x times) altitude and azimuth, kept for interpolation."""
        shape = (len(self.targets), seconds.size)
        alt, az = np.empty(shape), np.empty(shape)
        rows = np.nonzero(self.fixed)[0]
        if rows.size:
            alt[rows], az[rows] = sky.fixed_altaz(self.site, self.ra[rows, None],
                                                  self.dec[rows, None], seconds)
        for body, rows in self._bodies(np.arange(len(self.targets))).items():
            alt[rows], az[rows] = sky.body_altaz(self.site, body, seconds)
        self.seconds, self.alt, self.az = seconds, alt, az
        self.angle = sky.hour_angle(self.site, alt, az)
        return alt, az

    def altitude_at(self, rows: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Altitude of target ``rows[i]`` at ``seconds[i]``."""
        return self._at(rows, seconds, self.alt)

    def hour_angle_at(self, rows: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Hour angle (degrees) of target ``rows[i]`` at ``seconds[i]`` (near 0: transits)."""
        return self._at(rows, seconds, self.angle)

    def _at(self, rows: np.ndarray, seconds: np.ndarray, table: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=int)
        seconds = np.broadcast_to(np.asarray(seconds, dtype=float), rows.shape)
        return cubic(self.seconds, table[rows], seconds)

    def _bodies(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Positions in ``rows`` of each moving body's targets."""
        found: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            target = self.targets[int(row)]
            if target.moving:
                found.setdefault(str(target.body), []).append(i)
        return {body: np.array(where) for body, where in found.items()}


@dataclass
class Observation:
    """A night at a site for some targets: the grid, the altitudes, and the ranking."""

    site: Site
    date: dt.date
    targets: list[SkyTarget]
    constraints: Constraints
    events: NightEvents
    seconds: np.ndarray
    alt: np.ndarray
    az: np.ndarray
    moon_alt: np.ndarray
    moon_az: np.ndarray
    sampler: Sampler

    @cached_property
    def night_weights(self) -> np.ndarray:
        """Hours of the dark period each grid time stands for (0 outside it)."""
        half = (self.seconds[1] - self.seconds[0]) / 2 if self.seconds.size > 1 else 0.0
        lo = np.maximum(self.seconds - half, self.events.dark_start.timestamp())
        hi = np.minimum(self.seconds + half, self.events.dark_end.timestamp())
        return np.clip(hi - lo, 0.0, None) / 3600.0

    @cached_property
    def moon_separation(self) -> np.ndarray:
        """(targets x times) distance to the moon, degrees."""
        return sky.separation(self.alt, self.az, self.moon_alt[None, :], self.moon_az[None, :])

    @cached_property
    def observable(self) -> np.ndarray:
        """(targets x times) True where the target is in the dark period and its constraints."""
        ok = (self.night_weights > 0)[None, :] & (self.alt >= self.constraints.altitude_limit)
        if self.constraints.min_moon_separation is not None:
            ok &= self.moon_separation >= self.constraints.min_moon_separation
        return ok

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """One row per target, the most observable first (hours, then highest altitude)."""
        return rank(self)


def observe(site: Site, date: dt.date, targets: Sequence[SkyTarget],
            constraints: Constraints | None = None,
            step_minutes: float = DEFAULT_STEP_MINUTES) -> Observation:
    """Sample the night of ``date`` at ``site`` for ``targets`` every ``step_minutes``."""
    events = night_events(site, date)
    seconds = sky.grid(events.start, events.end, step_minutes)
    sampler = Sampler(site, targets)
    alt, az = sampler.on_grid(seconds)
    moon_alt, moon_az = sky.body_altaz(site, "moon", seconds)
    return Observation(site, date, list(targets), constraints or Constraints(), events, seconds,
                       alt, az, moon_alt, moon_az, sampler)


def explore(site: Site, date: dt.date, targets: Sequence[SkyTarget],
            constraints: Constraints | None = None,
            step_minutes: float = DEFAULT_STEP_MINUTES) -> list[dict[str, Any]]:
    """The targets ranked for the night: most observable first (see :func:`rank`)."""
    return observe(site, date, targets, constraints, step_minutes).rows


def rank(obs: Observation) -> list[dict[str, Any]]:
    """Per target: position, rise/transit/set, altitudes, best time, hours observable, airmass."""
    count = len(obs.targets)
    if count == 0:
        return []
    rows = np.arange(count)
    seconds, alt = obs.seconds, obs.alt
    rises = first_crossing(seconds, alt, TARGET_HORIZON, True, obs.sampler.altitude_at)
    sets = first_crossing(seconds, alt, TARGET_HORIZON, False, obs.sampler.altitude_at)
    angle = sky.hour_angle(obs.site, alt, obs.az)
    transit = first_crossing(seconds, angle, 0.0, True, obs.sampler.hour_angle_at)
    has_transit = ~np.isnan(transit)
    transit_alt = np.full(count, np.nan)
    if has_transit.any():
        transit_alt[has_transit] = obs.sampler.altitude_at(rows[has_transit], transit[has_transit])

    night = obs.night_weights > 0
    dark_start, dark_end = obs.events.dark_start.timestamp(), obs.events.dark_end.timestamp()
    edges = np.column_stack([obs.sampler.altitude_at(rows, np.full(count, dark_start)),
                             obs.sampler.altitude_at(rows, np.full(count, dark_end))])
    in_night = has_transit & (transit >= dark_start) & (transit <= dark_end)
    inner = alt[:, night] if night.any() else np.full((count, 1), -90.0)
    max_alt = np.maximum(inner.max(axis=1), edges.max(axis=1))
    max_alt = np.where(in_night, np.maximum(max_alt, transit_alt), max_alt)

    observable = obs.observable
    hours = observable.astype(float) @ obs.night_weights
    masked = np.where(observable, alt, -np.inf)
    best_index = masked.argmax(axis=1)
    any_ok = observable.any(axis=1)
    limit = obs.constraints.altitude_limit
    middle = obs.events.dark_start + (obs.events.dark_end - obs.events.dark_start) / 2
    radec = _positions(obs, middle)
    result = []
    for i, target in enumerate(obs.targets):
        best = None
        if any_ok[i]:
            best = seconds[best_index[i]]
            if in_night[i] and transit_alt[i] >= limit and transit_alt[i] >= alt[i, best_index[i]]:
                best = transit[i]  # the transit itself, when it is observable, beats the grid
        at = best_index[i] if best is not None else int(np.argmin(np.abs(seconds - middle.timestamp())))
        result.append({
            "name": target.name,
            "right_ascension": round(float(radec[i][0]), 5),
            "declination": round(float(radec[i][1]), 5),
            "rises": _moment(rises[i]),
            "transit": _moment(transit[i]),
            "sets": _moment(sets[i]),
            "transit_altitude": _number(transit_alt[i], 2),
            "max_altitude": _number(max_alt[i], 2),
            "best_time": _moment(best),
            "hours_observable": round(float(hours[i]), 2),
            "airmass_min": _number(1.0 / np.sin(np.radians(max_alt[i])), 3) if max_alt[i] > 0 else None,
            "moon_separation": _number(obs.moon_separation[i, at], 1),
        })
    order = sorted(range(count), key=lambda i: (-result[i]["hours_observable"],
                                                -(result[i]["max_altitude"] or -90.0), i))
    return [result[i] for i in order]


def _positions(obs: Observation, when: dt.datetime) -> list[tuple[float, float]]:
    """Each target's right ascension and declination (a moving body's at ``when``)."""
    places: dict[str, tuple[float, float]] = {}
    out = []
    for target in obs.targets:
        if target.moving:
            body = str(target.body)
            if body not in places:
                ra, dec = sky.body_radec(obs.site, body, np.array([when.timestamp()]))
                places[body] = (float(ra[0]), float(dec[0]))
            out.append(places[body])
        else:
            out.append((float(target.ra), float(target.dec)))  # type: ignore[arg-type]
    return out


def _moment(value: float | None) -> dt.datetime | None:
    return None if value is None or np.isnan(value) else sky.to_datetime(value)


def _number(value: float, digits: int) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)

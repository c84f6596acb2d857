"""What a night's altitude chart shows, whatever draws it: curves, the moon, twilight, the limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .sky import to_datetime
from .visibility import Observation

#: The chart spans the dark of the night with this much of the evening and morning around it.
MARGIN = dt.timedelta(minutes=45)


@dataclass(frozen=True)
class Curve:
    name: str
    seconds: np.ndarray
    altitude: np.ndarray


@dataclass(frozen=True)
class ChartData:
    title: str
    start: dt.datetime
    end: dt.datetime
    curves: list[Curve]
    moon: Curve
    limit: float
    #: (start, end, darkness 1..4): civil, nautical, astronomical twilight, then night.
    shades: list[tuple[dt.datetime, dt.datetime, int]]


def chart_data(obs: Observation, most: int | None = None) -> ChartData:
    """The chart of ``obs``: its ``most`` best-ranked targets (all when None)."""
    events = obs.events
    start = max(events.start, (events.sunset or events.dark_start) - MARGIN)
    end = min(events.end, (events.sunrise or events.dark_end) + MARGIN)
    inside = (obs.seconds >= start.timestamp()) & (obs.seconds <= end.timestamp())
    order = {row["name"]: i for i, row in enumerate(obs.rows)}
    ranked = sorted(range(len(obs.targets)), key=lambda i: order.get(obs.targets[i].name, i))
    chosen = ranked if most is None else ranked[:most]
    curves = [Curve(obs.targets[i].name, obs.seconds[inside], obs.alt[i, inside]) for i in chosen]
    moon = Curve("Moon", obs.seconds[inside], obs.moon_alt[inside])
    levels = [("sunset", "sunrise", 1), ("civil_dusk", "civil_dawn", 2),
              ("nautical_dusk", "nautical_dawn", 3), ("astronomical_dusk", "astronomical_dawn", 4)]
    shades = []
    for dusk, dawn, darkness in levels:
        begin = getattr(events, dusk) or (start if events.sun_never_rises else None)
        finish = getattr(events, dawn) or (end if events.sun_never_rises else None)
        if begin is not None and finish is not None and finish > begin:
            shades.append((max(begin, start), min(finish, end), darkness))
    title = f"{obs.site.name}, night of {obs.date.isoformat()}"
    return ChartData(title, start, end, curves, moon, obs.constraints.altitude_limit, shades)


def datetimes(seconds: np.ndarray) -> list[dt.datetime]:
    return [to_datetime(s) for s in seconds]

"""A night's schedule: targets placed one after another in the dark, never overlapping.

The scheduler is greedy. Targets are taken in priority order (those given as priorities first,
in the order given), then by their best time. Each is placed where it is observable (inside
the dark period and its constraints, on the grid of :mod:`.visibility`) and free, as near as
possible to centred on its best time; a target that fits nowhere is left out with the reason.
Without an astronomical night, the darkest period available is used (see ``dark_kind``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .site import Site
from .sky import to_datetime
from .targets import SkyTarget
from .visibility import Constraints, Observation, observe

SCHEDULE_STEP_MINUTES = 2.0
_DURATION = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m(?:in)?)?"
                       r"(?:(?P<s>\d+(?:\.\d+)?)s)?$")


class DurationError(ValueError):
    """Text that is not a duration."""


def parse_duration(text: str) -> dt.timedelta:
    """``45m``, ``1h30m``, ``90s``, ``1.5h`` or plain minutes (``45``)."""
    word = text.strip().lower().replace(" ", "")
    try:
        minutes = float(word)
    except ValueError:
        match = _DURATION.match(word)
        if not word or match is None or not any(match.groupdict().values()):
            raise DurationError(f"{text!r} is not a duration (e.g. 45m, 1h30m, 90s)") from None
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        minutes = parts.get("h", 0) * 60 + parts.get("m", 0) + parts.get("s", 0) / 60
    if not 0 < minutes <= 24 * 60:
        raise DurationError(f"{text!r}: a duration is more than 0 and at most 24 hours")
    return dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class Slot:
    target: SkyTarget
    start: dt.datetime
    end: dt.datetime
    altitude_start: float
    altitude_end: float

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target.name, "start": self.start, "end": self.end,
                "altitude_start": self.altitude_start, "altitude_end": self.altitude_end}


@dataclass
class NightPlan:
    observation: Observation
    slots: list[Slot] = field(default_factory=list)
    left_out: list[tuple[SkyTarget, str]] = field(default_factory=list)

    @property
    def dark_kind(self) -> str:
        return self.observation.events.dark_kind


def plan_night(site: Site, date: dt.date, targets: Sequence[SkyTarget],
               constraints: Constraints | None = None,
               exposure: dt.timedelta | Mapping[str, dt.timedelta] = dt.timedelta(minutes=45),
               priorities: Sequence[str] = (), *, default_exposure: dt.timedelta | None = None,
               step_minutes: float = SCHEDULE_STEP_MINUTES) -> NightPlan:
    """Schedule ``targets`` into the night (see the module's description for how)."""
    obs = observe(site, date, targets, constraints, step_minutes)
    plan = NightPlan(obs)
    rows = {row["name"]: row for row in obs.rows}
    rank = {name: i for i, name in enumerate(priorities)}
    order = sorted(range(len(obs.targets)), key=lambda i: (
        rank.get(obs.targets[i].name, len(rank)),
        _best(rows[obs.targets[i].name]) or math.inf, i))
    dark = (obs.events.dark_start.timestamp(), obs.events.dark_end.timestamp())
    booked: list[tuple[float, float]] = []
    for i in order:
        target = obs.targets[i]
        length = _exposure(exposure, target.name, default_exposure).total_seconds()
        windows = _windows(obs.seconds, obs.observable[i], dark)
        if not windows:
            night = obs.night_weights > 0
            never_up = not np.any(obs.alt[i, night] >= 0) if night.any() else True
            plan.left_out.append((target, "never above the horizon during the night" if never_up
                                  else "not observable within the constraints during the night"))
            continue
        longest = max(end - start for start, end in windows)
        if longest < length:
            plan.left_out.append((target, f"observable for {longest / 60:.0f} min at most, less "
                                  f"than its exposure of {length / 60:.0f} min"))
            continue
        best = _best(rows[target.name]) or windows[0][0]
        start = _place(windows, booked, length, best)
        if start is None:
            plan.left_out.append((target, "no free time left while it is observable"))
            continue
        booked.append((start, start + length))
        rows_at = np.array([i, i])
        alt = obs.sampler.altitude_at(rows_at, np.array([start, start + length]))
        plan.slots.append(Slot(target, to_datetime(start), to_datetime(start + length),
                               round(float(alt[0]), 2), round(float(alt[1]), 2)))
    plan.slots.sort(key=lambda slot: slot.start)
    return plan


def _best(row: dict[str, Any]) -> float | None:
    return row["best_time"].timestamp() if row.get("best_time") else None


def _exposure(exposure: dt.timedelta | Mapping[str, dt.timedelta], name: str,
              default: dt.timedelta | None) -> dt.timedelta:
    if isinstance(exposure, dt.timedelta):
        return exposure
    return exposure.get(name) or default or dt.timedelta(minutes=45)


def _windows(seconds: np.ndarray, ok: np.ndarray, dark: tuple[float, float]) -> list[tuple[float, float]]:
    """The runs of grid times where ``ok`` holds, as whole seconds inside the dark period."""
    windows = []
    edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
    for first, after in zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0], strict=True):
        start = math.ceil(max(seconds[first], dark[0]))
        end = math.floor(min(seconds[after - 1], dark[1]))
        if end > start:
            windows.append((float(start), float(end)))
    return windows


def _place(windows: list[tuple[float, float]], booked: list[tuple[float, float]], length: float,
           best: float) -> float | None:
    """The start (whole seconds) nearest to centring on ``best``, in a free part of a window."""
    choice, distance = None, math.inf
    for start, end in windows:
        for free_start, free_end in _free(start, end, booked):
            if free_end - free_start < length:
                continue
            wanted = best - length / 2
            at = float(math.ceil(min(max(wanted, free_start), free_end - length)))
            if at + length > free_end:
                continue
            if abs(at - wanted) < distance:
                choice, distance = at, abs(at - wanted)
    return choice


def _free(start: float, end: float, booked: list[tuple[float, float]]) -> list[tuple[float, float]]:
    parts = [(start, end)]
    for taken_start, taken_end in booked:
        parts = [piece for a, b in parts
                 for piece in ((a, min(b, taken_start)), (max(a, taken_end), b)) if piece[1] > piece[0]]
    return parts

"""The scheduler's promises: no overlap, inside the night, inside the constraints, never-up left out."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings

import numpy as np
import pytest

from arcsecond_core.planning.schedule import DurationError, parse_duration, plan_night
from arcsecond_core.planning.targets import SkyTarget
from arcsecond_core.planning.visibility import Constraints

from .conftest import ALL, DECEMBER, JUNE, LA_SILLA, MAUNA_KEA, POLARIS, TROMSO

EXTRA = (SkyTarget("M42", 83.822, -5.391), SkyTarget("Sirius", 101.287, -16.716),
         SkyTarget("Canopus", 95.988, -52.696), SkyTarget("NGC 253", 11.888, -25.288),
         SkyTarget("Rigel", 78.634, -8.202), SkyTarget("Omega Cen", 201.697, -47.480))
TARGETS = [*ALL, *EXTRA]


def true_altitudes(site, target, start, end):
    """astropy's own altitudes every minute of a slot (an independent check of the grid)."""
    import astropy.units as u
    from astropy.coordinates import AltAz, SkyCoord, get_body
    from astropy.time import Time

    times = Time(start) + np.arange(0, (end - start).total_seconds() / 60 + 1) * u.min
    frame = AltAz(obstime=times, location=site.location)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if target.moving:
            return get_body(target.body, times, site.location).transform_to(frame).alt.deg
        return SkyCoord(target.ra * u.deg, target.dec * u.deg).transform_to(frame).alt.deg


@pytest.mark.parametrize(("site", "date", "constraints"), [
    (LA_SILLA, DECEMBER, Constraints(30)),
    (LA_SILLA, JUNE, Constraints(40, max_airmass=1.5, min_moon_separation=30)),
    (MAUNA_KEA, JUNE, Constraints(25)),
], ids=["la-silla-dec", "la-silla-jun-strict", "mauna-kea-jun"])
def test_slots_never_overlap_and_keep_inside_night_and_constraints(offline, site, date, constraints):
    plan = plan_night(site, date, TARGETS, constraints, dt.timedelta(minutes=50))
    events = plan.observation.events
    assert plan.slots, "something is observable on these nights"
    for before, after in itertools.pairwise(plan.slots):
        assert before.end <= after.start
    for slot in plan.slots:
        assert events.dark_start <= slot.start < slot.end <= events.dark_end
        assert slot.end - slot.start == dt.timedelta(minutes=50)
        alt = true_altitudes(site, slot.target, slot.start, slot.end)
        assert alt.min() >= constraints.altitude_limit - 0.05, slot
        assert slot.altitude_start == pytest.approx(alt[0], abs=0.2)
        assert slot.altitude_end == pytest.approx(alt[-1], abs=0.2)
    placed = {slot.target.name for slot in plan.slots}
    left = {target.name for target, _ in plan.left_out}
    assert placed | left == {t.name for t in TARGETS} and not placed & left


def test_never_up_is_left_out_and_said_so(offline):
    plan = plan_night(LA_SILLA, DECEMBER, [POLARIS, *EXTRA[:2]], Constraints(30), dt.timedelta(minutes=30))
    reasons = {target.name: reason for target, reason in plan.left_out}
    assert reasons["Polaris"] == "never above the horizon during the night"
    assert {slot.target.name for slot in plan.slots} == {"M42", "Sirius"}


def test_priorities_come_first_and_exposures_per_target(offline):
    # Two targets high at the same time: the one given priority gets its best time.
    m42, rigel = EXTRA[0], EXTRA[4]
    exposures = {"M42": dt.timedelta(hours=2), "Rigel": dt.timedelta(minutes=20)}
    for first in ("M42", "Rigel"):
        plan = plan_night(LA_SILLA, DECEMBER, [m42, rigel], Constraints(30), exposures, [first])
        slots = {slot.target.name: slot for slot in plan.slots}
        assert slots["M42"].end - slots["M42"].start == dt.timedelta(hours=2)
        assert slots["Rigel"].end - slots["Rigel"].start == dt.timedelta(minutes=20)
        best = {row["name"]: row["best_time"] for row in plan.observation.rows}[first]
        middle = slots[first].start + (slots[first].end - slots[first].start) / 2
        assert abs((middle - best).total_seconds()) <= 120


def test_no_astronomical_night_uses_the_darkest_period(offline):
    plan = plan_night(TROMSO, JUNE, [POLARIS], Constraints(30), dt.timedelta(minutes=30))
    assert plan.dark_kind == "lowest sun"
    assert [slot.target.name for slot in plan.slots] == ["Polaris"]
    events = plan.observation.events
    assert events.dark_start <= plan.slots[0].start and plan.slots[0].end <= events.dark_end


def test_too_long_an_exposure_is_left_out_with_the_reason(offline):
    plan = plan_night(LA_SILLA, DECEMBER, [EXTRA[0]], Constraints(60), dt.timedelta(hours=5))
    assert plan.slots == [] and "less than its exposure of 300 min" in plan.left_out[0][1]


@pytest.mark.parametrize(("text", "minutes"), [("45m", 45), ("1h30m", 90), ("90s", 1.5), ("45", 45),
                                               ("2h", 120), ("1.5h", 90), ("10min", 10)])
def test_durations(text, minutes):
    assert parse_duration(text) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "soon", "0", "-5", "25h", "5x"])
def test_bad_durations(text):
    with pytest.raises(DurationError):
        parse_duration(text)

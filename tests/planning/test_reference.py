"""Planning checked against an independent reference (astroplan) and plain geometry."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest

from arcsecond_core.planning import sky
from arcsecond_core.planning.site import Site
from arcsecond_core.planning.twilight import night_events
from arcsecond_core.planning.visibility import Constraints, observe

from .conftest import ALL, DECEMBER, FIXED, JUNE, LA_SILLA, MAUNA_KEA, MOON, TROMSO

astroplan = pytest.importorskip("astroplan")
import astropy.units as u  # noqa: E402
from astropy.coordinates import AltAz, SkyCoord, get_body, get_sun  # noqa: E402
from astropy.time import Time  # noqa: E402

TWO_MINUTES = 120.0
NIGHTS = [(site, date) for site in (LA_SILLA, MAUNA_KEA, TROMSO) for date in (JUNE, DECEMBER)]
IDS = [f"{site.name}-{date:%b}" for site, date in NIGHTS]
GRID = 300  # astroplan's grid over 24 hours (its default of 150 claims a minute)


def observer(site: Site) -> astroplan.Observer:
    return astroplan.Observer(location=site.location, name=site.name)


def seconds(time: Time | None) -> float | None:
    """A reference time as seconds since the epoch, None when astroplan found none."""
    if time is None or np.ma.is_masked(time.jd) or not np.isfinite(time.jd):
        return None
    return (time.unix if hasattr(time, "unix") else None)


def close(ours: dt.datetime | None, reference: float | None, end: dt.datetime,
          tolerance: float = TWO_MINUTES) -> None:
    """Both say "none in the night" (astroplan may find one past the night's end), or agree."""
    if reference is not None and reference > end.timestamp():
        reference = None
    if ours is None or reference is None:
        assert ours is None and reference is None, (ours, reference)
        return
    assert abs(ours.timestamp() - reference) <= tolerance, (ours, Time(reference, format="unix").isot)


def crossing(seconds: np.ndarray, alt: np.ndarray, i: int, level: float) -> float:
    """Where the track crosses ``level`` between samples ``i`` and ``i + 1`` (linear)."""
    return float(np.interp(level, sorted([alt[i], alt[i + 1]]),
                           [seconds[i], seconds[i + 1]] if alt[i] < alt[i + 1]
                           else [seconds[i + 1], seconds[i]]))


@pytest.mark.parametrize(("site", "date"), NIGHTS, ids=IDS)
def test_twilight_matches_astroplan(offline: None, site: Site, date: dt.date) -> None:
    events = night_events(site, date)
    start = Time(events.start)
    obs = observer(site)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = {
            "sunset": obs.sun_set_time(start, "next", horizon=-0.833 * u.deg, n_grid_points=GRID),
            "sunrise": obs.sun_rise_time(start, "next", horizon=-0.833 * u.deg, n_grid_points=GRID),
            "civil_dusk": obs.twilight_evening_civil(start, "next", n_grid_points=GRID),
            "civil_dawn": obs.twilight_morning_civil(start, "next", n_grid_points=GRID),
            "nautical_dusk": obs.twilight_evening_nautical(start, "next", n_grid_points=GRID),
            "nautical_dawn": obs.twilight_morning_nautical(start, "next", n_grid_points=GRID),
            "astronomical_dusk": obs.twilight_evening_astronomical(start, "next", n_grid_points=GRID),
            "astronomical_dawn": obs.twilight_morning_astronomical(start, "next", n_grid_points=GRID),
        }
        middle = Time(events.dark_start + (events.dark_end - events.dark_start) / 2)
        illumination = astroplan.moon_illumination(middle)
    for name, time in reference.items():
        close(getattr(events, name), seconds(time), events.end)
    assert events.moon_illumination == pytest.approx(float(illumination), abs=0.01)
    # astroplan 0.10 skips a moonrise in the night's first hour when the horizon is below 0
    # degrees: the moon's events are read off a dense astropy track instead.
    dense = sky.grid(events.start, events.end, 2)
    times = Time(dense, format="unix")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alt = get_body("moon", times, site.location).transform_to(
            AltAz(obstime=times, location=site.location)).alt.deg
    for name, hits in (("moonrise", (alt[:-1] < -0.833) & (alt[1:] >= -0.833)),
                       ("moonset", (alt[:-1] >= -0.833) & (alt[1:] < -0.833))):
        found = np.nonzero(hits)[0]
        close(getattr(events, name), crossing(dense, alt, found[0], -0.833) if found.size else None,
              events.end)


def test_polar_nights_are_told_plainly(offline: None) -> None:
    june = night_events(TROMSO, JUNE)
    assert june.sun_never_sets and june.no_astronomical_night
    assert june.sunset is None and june.astronomical_dusk is None and june.dark_hours == 0
    assert june.dark_kind == "lowest sun"
    december = night_events(TROMSO, DECEMBER)
    assert december.sun_never_rises and not december.no_astronomical_night
    assert december.sunset is None and december.civil_dusk is not None
    assert december.dark_kind == "astronomical"
    ordinary = night_events(LA_SILLA, DECEMBER)
    assert not (ordinary.sun_never_sets or ordinary.sun_never_rises or ordinary.no_astronomical_night)
    assert ordinary.sunset < ordinary.civil_dusk < ordinary.nautical_dusk < ordinary.astronomical_dusk
    assert ordinary.astronomical_dawn < ordinary.nautical_dawn < ordinary.civil_dawn < ordinary.sunrise
    assert ordinary.dark_hours == pytest.approx(
        (ordinary.astronomical_dawn - ordinary.astronomical_dusk).total_seconds() / 3600, abs=0.01)


@pytest.mark.parametrize(("site", "date"), NIGHTS, ids=IDS)
def test_targets_match_astroplan(offline: None, site: Site, date: dt.date) -> None:
    result = observe(site, date, list(FIXED), Constraints(min_altitude=0))
    rows = {row["name"]: row for row in result.rows}
    obs = observer(site)
    start = Time(result.events.start)
    for target in FIXED:
        fixed = astroplan.FixedTarget(SkyCoord(target.ra * u.deg, target.dec * u.deg), name=target.name)
        row = rows[target.name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rise = obs.target_rise_time(start, fixed, "next", horizon=0 * u.deg, n_grid_points=GRID)
            setting = obs.target_set_time(start, fixed, "next", horizon=0 * u.deg, n_grid_points=GRID)
            transit = obs.target_meridian_transit_time(start, fixed, "next", n_grid_points=GRID)
            altitudes = obs.altaz(Time(result.seconds[::12], format="unix"), fixed).alt.deg
        close(row["rises"], seconds(rise), result.events.end)
        close(row["sets"], seconds(setting), result.events.end)
        close(row["transit"], seconds(transit), result.events.end)
        index = result.targets.index(target)
        assert np.max(np.abs(result.alt[index, ::12] - altitudes)) < 0.2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            at_transit = obs.altaz(Time(row["transit"]), fixed).alt.deg
        assert row["transit_altitude"] == pytest.approx(float(at_transit), abs=0.2)
        never_up = bool(np.all(result.alt[index] < 0))
        assert (row["hours_observable"] == 0) if never_up else True
        if never_up or np.all(result.alt[index] >= 0):
            assert row["rises"] is None and row["sets"] is None


MOVING_NIGHTS = [NIGHTS[1], NIGHTS[2], NIGHTS[4], NIGHTS[5]]


@pytest.mark.parametrize(("site", "date"), MOVING_NIGHTS, ids=[IDS[i] for i in (1, 2, 4, 5)])
def test_moving_bodies_match_a_dense_astropy_track(offline: None, site: Site, date: dt.date) -> None:
    """Jupiter and the Moon: get_body every 2 minutes over the night, crossings read off it."""
    result = observe(site, date, list(ALL), Constraints(min_altitude=0))
    rows = {row["name"]: row for row in result.rows}
    dense = sky.grid(result.events.start, result.events.end, 4)
    times = Time(dense, format="unix")
    for name, body in (("Jupiter", "jupiter"), ("Moon", "moon")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            place = get_body(body, times, site.location).transform_to(
                AltAz(obstime=times, location=site.location))
        alt = place.alt.deg
        row = rows[name]
        for key, wanted in (("rises", (alt[:-1] < 0) & (alt[1:] >= 0)),
                            ("sets", (alt[:-1] >= 0) & (alt[1:] < 0))):
            hits = np.nonzero(wanted)[0]
            if hits.size == 0:
                assert row[key] is None, (name, key, row[key])
            else:
                reference = crossing(dense, alt, hits[0], 0.0)
                assert abs(row[key].timestamp() - reference) <= TWO_MINUTES, (name, key)
        index = [t.name for t in result.targets].index(name)
        ours = np.interp(dense, result.seconds, result.alt[index])
        assert np.max(np.abs(ours - alt)) < 0.2 + (0.35 if name == "Moon" else 0.0)
        assert row["max_altitude"] <= alt.max() + 0.2


@pytest.mark.parametrize(("site", "date"), NIGHTS, ids=IDS)
def test_transit_altitude_is_plain_geometry(offline: None, site: Site, date: dt.date) -> None:
    """At transit, altitude = 90 - |latitude - declination| (the apparent declination)."""
    from astropy.coordinates import TETE

    result = observe(site, date, list(FIXED), Constraints(min_altitude=0))
    for row in result.rows:
        target = next(t for t in FIXED if t.name == row["name"])
        apparent = SkyCoord(target.ra * u.deg, target.dec * u.deg).transform_to(
            TETE(obstime=Time(row["transit"]), location=site.location))
        expected = 90.0 - abs(site.latitude - apparent.dec.deg)
        assert row["transit_altitude"] == pytest.approx(expected, abs=0.02), row["name"]


@pytest.mark.parametrize(("site", "date"), NIGHTS, ids=IDS)
def test_sun_altitudes_at_the_events(offline: None, site: Site, date: dt.date) -> None:
    """The sun is at -18 degrees at astronomical dusk and dawn, -0.833 at sunset (astropy)."""
    events = night_events(site, date)
    for name, level in (("astronomical_dusk", -18), ("astronomical_dawn", -18), ("nautical_dusk", -12),
                        ("civil_dawn", -6), ("sunset", -0.833), ("sunrise", -0.833)):
        moment = getattr(events, name)
        if moment is None:
            continue
        time = Time(moment)
        alt = get_sun(time).transform_to(AltAz(obstime=time, location=site.location)).alt.deg
        assert alt == pytest.approx(level, abs=0.01), name


def test_moon_target_and_moon_events_agree(offline: None) -> None:
    """The Moon as a target rises at 0 degrees; the night's moonrise at -0.833: minutes apart."""
    result = observe(LA_SILLA, DECEMBER, [MOON], Constraints(min_altitude=0))
    row, events = result.rows[0], result.events
    if row["rises"] is not None and events.moonrise is not None:
        assert 0 < (row["rises"] - events.moonrise).total_seconds() < 15 * 60

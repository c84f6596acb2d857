"""The night commands' helpers, in process: the plot hint, sorting, exposures, dates, sites."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest
from arcsecond_plugins.night import commands, options, plan_command
from arcsecond_plugins.night import plugin as night_plugin

from arcsecond_core.errors import ArcsecondError, UsageError
from arcsecond_core.planning.dates import tonight
from arcsecond_core.planning.site import SiteError, site_from_api
from arcsecond_core.planning.targets import SkyTarget, TargetError, sky_target_from_api, solar_system_body
from arcsecond_core.plugin import Plugin

from .conftest import LA_SILLA


def test_plot_without_matplotlib_is_one_line_with_the_pip_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(night_plugin, "PLOT", Plugin(name="charts", extra="plot",
                                                     requires=("no_such_module_here",)))
    with pytest.raises(ArcsecondError) as error:
        commands.ExploreNight.plot_format(None, "night.png")  # type: ignore[arg-type]
    assert str(error.value) == "--plot needs matplotlib: pip install 'arcsecond-cli[plot]'"
    with pytest.raises(UsageError):
        commands.ExploreNight.plot_format(None, "night.jpeg")  # type: ignore[arg-type]


def test_rows_sort_on_values_with_blanks_last() -> None:
    rows = [{"name": "a", "airmass_min": None}, {"name": "b", "airmass_min": 1.5},
            {"name": "c", "airmass_min": 1.1}]
    assert [r["name"] for r in commands.sort_rows(rows, ["airmass_min"], False)] == ["c", "b", "a"]
    assert [r["name"] for r in commands.sort_rows(rows, ["airmass-min"], True)] == ["b", "c", "a"]


def test_exposures_overall_and_per_target() -> None:
    default, each = plan_command.exposures(["30m", "M42=1h30m", "Canopus = 90s"])
    assert default == dt.timedelta(minutes=30)
    assert each == {"M42": dt.timedelta(minutes=90), "Canopus": dt.timedelta(seconds=90)}
    with pytest.raises(UsageError, match="--exposure: 'soon' is not a duration"):
        plan_command.exposures(["soon"])


def test_dates_and_constraints_are_checked_by_argparse() -> None:
    assert options.date_text("2026-12-21") == "2026-12-21"
    assert options.date_text("tonight") == "tonight"
    for bad in ("2026-02-30", "next week", "21/12/2026"):
        with pytest.raises(argparse.ArgumentTypeError):
            options.date_text(bad)
    with pytest.raises(argparse.ArgumentTypeError):
        options.degrees(-90, 90)("95")
    with pytest.raises(argparse.ArgumentTypeError):
        options.airmass("0.5")


def test_sites_from_the_api() -> None:
    site = site_from_api({"name": "La Silla", "latitude": -29.2567, "longitude": 289.2623,
                          "height": None, "time_zone": None})
    assert site.longitude == pytest.approx(-70.7377) and site.height == 0
    assert site.zone_name == "mean solar time (UTC-04:43)"
    with pytest.raises(SiteError, match="has no coordinates"):
        site_from_api({"name": "Nowhere", "latitude": None, "longitude": None})
    start, end = LA_SILLA.night_window(dt.date(2026, 12, 21))
    assert (start.hour, end - start) == (15, dt.timedelta(hours=24))  # local noon, UTC-3 in summer


def test_tonight_is_the_coming_night_in_daytime(offline: None) -> None:
    evening = dt.datetime(2026, 12, 21, 23, 0, tzinfo=dt.timezone.utc)  # 20:00 local
    after_midnight = dt.datetime(2026, 12, 22, 5, 0, tzinfo=dt.timezone.utc)  # 02:00 local
    morning = dt.datetime(2026, 12, 22, 13, 0, tzinfo=dt.timezone.utc)  # 10:00 local, sun up
    assert tonight(LA_SILLA, evening) == dt.date(2026, 12, 21)
    assert tonight(LA_SILLA, after_midnight) == dt.date(2026, 12, 21)
    assert tonight(LA_SILLA, morning) == dt.date(2026, 12, 22)


def test_targets_from_the_api() -> None:
    manual = sky_target_from_api({"id": 4, "name": "Field", "coordinates": {
        "right_ascension": 10.0, "declination": -20.0}, "object": {"name": "M31",
        "equatorial_coordinates": {"right_ascension": 10.68, "declination": 41.27}}})
    assert (manual.ra, manual.dec, manual.ident) == (10.0, -20.0, 4)  # its own coordinates win
    planet = sky_target_from_api({"name": "Jupiter", "target_class": "SolarSystemPlanet"})
    assert planet == SkyTarget("Jupiter", body="jupiter")
    assert solar_system_body("The Moon") == "moon" and solar_system_body("Pluto") is None
    with pytest.raises(TargetError, match="does not know"):
        sky_target_from_api({"name": "Ceres", "target_class": "SmallBody"})
    with pytest.raises(TargetError, match="no coordinates"):
        sky_target_from_api({"name": "Lost"})

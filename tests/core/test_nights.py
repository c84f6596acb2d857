"""Observing nights run from local noon to local noon at the site."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from arcsecond_core.nights import Site, local_time, night_date

UTC = dt.timezone.utc
MINUTE = dt.timedelta(minutes=1)


def utc_noon(day: dt.date, offset_hours: float) -> dt.datetime:
    """Local noon of ``day`` at a place ``offset_hours`` ahead of UTC, as a UTC time."""
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC) - dt.timedelta(hours=offset_hours)


def zone_offset(zone: str, day: dt.date) -> float:
    """How many hours ``zone`` is ahead of UTC at noon of ``day``."""
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(zone))
    offset = noon.utcoffset()
    assert offset is not None
    return offset.total_seconds() / 3600


DAY = dt.date(2024, 3, 10)
WINTER = dt.date(2024, 7, 10)

SITES = {
    "east, by zone (Tokyo)": (Site("Asia/Tokyo", 139.69), zone_offset("Asia/Tokyo", DAY)),
    "west, by zone (Santiago, summer time)": (Site("America/Santiago", -70.7),
                                              zone_offset("America/Santiago", DAY)),
    "west, by zone (Santiago, winter)": (Site("America/Santiago", -70.7),
                                         zone_offset("America/Santiago", WINTER)),
    "east, by longitude": (Site(None, 120.0), 120.0 / 15),
    "west, by longitude": (Site(None, -105.0), -105.0 / 15),
    "fractional longitude": (Site("", 7.5), 0.5),
    "unknown zone falls back to longitude": (Site("Mars/Olympus", 135.0), 9.0),
    "no site": (None, 0.0),
    "site without zone or longitude": (Site(), 0.0),
}


@pytest.mark.parametrize("key", sorted(SITES))
def test_night_changes_at_local_noon(key: str) -> None:
    site, offset = SITES[key]
    day = WINTER if "winter" in key else DAY
    noon = utc_noon(day, offset)
    previous = day - dt.timedelta(days=1)
    assert night_date(noon - MINUTE, site) == previous
    assert night_date(noon, site) == day
    assert night_date(noon + MINUTE, site) == day
    assert night_date(noon + dt.timedelta(hours=23, minutes=59), site) == day
    assert night_date(noon + dt.timedelta(hours=24), site) == day + dt.timedelta(days=1)


def test_zones_on_either_side_of_greenwich_differ() -> None:
    assert zone_offset("Asia/Tokyo", DAY) == 9
    assert zone_offset("America/Santiago", DAY) == -3
    assert zone_offset("America/Santiago", WINTER) == -4
    # 03:00 UTC: noon in Tokyo (a new night), still the evening before in Santiago.
    when = dt.datetime(2024, 3, 10, 3, tzinfo=UTC)
    assert night_date(when, Site("Asia/Tokyo")) == dt.date(2024, 3, 10)
    assert night_date(when, Site("America/Santiago")) == dt.date(2024, 3, 9)


def test_the_zone_wins_over_the_longitude() -> None:
    when = dt.datetime(2024, 3, 10, 3, 30, tzinfo=UTC)
    assert local_time(when, Site("Asia/Tokyo", -120.0)) == dt.datetime(2024, 3, 10, 12, 30)
    assert local_time(when, Site(None, -120.0)) == dt.datetime(2024, 3, 9, 19, 30)


@pytest.fixture
def machine_in_kolkata(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone set away from UTC, so naive times cannot pass for local ones."""
    if not hasattr(time, "tzset"):
        pytest.skip("the process time zone cannot be changed here")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_kolkata")
def test_naive_and_zoned_inputs_are_the_same_instant() -> None:
    naive = dt.datetime(2024, 3, 10, 11, 0)
    zoned = dt.datetime(2024, 3, 10, 13, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert local_time(naive) == local_time(zoned) == naive
    assert local_time(naive, Site(None, 0.0)) == naive
    assert local_time(naive).tzinfo is None
    assert night_date(naive) == night_date(zoned) == dt.date(2024, 3, 9)

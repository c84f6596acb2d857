"""An observing site: where it is, its local time, and the night of a date there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from arcsecond_core import nights


class SiteError(ValueError):
    """A site that cannot be used for planning (no coordinates, bad values)."""


@dataclass(frozen=True)
class Site:
    """A place on Earth: degrees (longitude east), metres, and an IANA time zone or None."""

    name: str
    latitude: float
    longitude: float
    height: float = 0.0
    time_zone: str | None = None

    @cached_property
    def location(self) -> Any:
        """The astropy ``EarthLocation``."""
        import astropy.units as u
        from astropy.coordinates import EarthLocation

        return EarthLocation.from_geodetic(self.longitude * u.deg, self.latitude * u.deg,
                                           self.height * u.m)

    @property
    def zone(self) -> dt.tzinfo:
        """The site's time zone; mean solar time from the longitude when it has none."""
        if self.time_zone:
            try:
                return ZoneInfo(self.time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return dt.timezone(dt.timedelta(hours=self.longitude / 15.0))

    @property
    def zone_name(self) -> str:
        """The zone as people read it: ``America/Santiago`` or ``mean solar time (UTC-04:43)``."""
        if isinstance(self.zone, ZoneInfo):
            return str(self.zone)
        minutes = round(self.longitude / 15.0 * 60)
        sign = "+" if minutes >= 0 else "-"
        return f"mean solar time (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"

    def local(self, when: dt.datetime) -> dt.datetime:
        """``when`` (aware) in the site's local time (aware)."""
        return when.astimezone(self.zone)

    def night_window(self, date: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The night of ``date``: local noon of ``date`` to local noon of the next day, in UTC."""
        start = dt.datetime.combine(date, dt.time(12), tzinfo=self.zone)
        end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(12), tzinfo=self.zone)
        return start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)

    def night_of(self, when: dt.datetime) -> dt.date:
        """The date of the night holding ``when`` (local noon to local noon, as night logs)."""
        return nights.night_date(when, nights.Site(time_zone=self.time_zone, longitude=self.longitude))


def site_from_api(record: dict[str, Any]) -> Site:
    """A :class:`Site` from an ``observingsites/`` object; SiteError without coordinates."""
    name = str(record.get("name") or record.get("uuid") or "site")
    try:
        latitude = float(record["latitude"])
        longitude = float(record["longitude"])
    except (KeyError, TypeError, ValueError):
        raise SiteError(f"site {name!r} has no coordinates (latitude and longitude)") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 360):
        raise SiteError(f"site {name!r} has impossible coordinates ({latitude}, {longitude})")
    if longitude > 180:
        longitude -= 360
    try:
        height = float(record.get("height") or 0.0)
    except (TypeError, ValueError):
        height = 0.0
    return Site(name, latitude, longitude, height, record.get("time_zone") or None)

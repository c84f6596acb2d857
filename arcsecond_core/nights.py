"""Observing nights: the local date of the night (local noon to local noon) at a site."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NOON_SHIFT = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Site:
    """Where a telescope is, for local time: an IANA time zone and/or a longitude (degrees east)."""

    time_zone: str | None = None
    longitude: float | None = None


def local_time(when: dt.datetime, site: Site | None = None) -> dt.datetime:
    """``when`` (naive means UTC) as naive local time: the site's zone, else mean solar time, else UTC."""
    utc = when.astimezone(dt.timezone.utc) if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    if site is not None and site.time_zone:
        try:
            return utc.astimezone(ZoneInfo(site.time_zone)).replace(tzinfo=None)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if site is not None and site.longitude is not None:
        return (utc + dt.timedelta(hours=float(site.longitude) / 15.0)).replace(tzinfo=None)
    return utc.replace(tzinfo=None)


def night_date(when: dt.datetime, site: Site | None = None) -> dt.date:
    """The date of the local noon that starts the night holding ``when``."""
    return (local_time(when, site) - NOON_SHIFT).date()

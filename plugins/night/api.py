"""The night plugin's Python API: ``api.observability(...)`` and ``api.night_events(...)``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import resolve

if TYPE_CHECKING:
    from arcsecond_core.api import ArcsecondAPI


def observability(api: ArcsecondAPI, site: str | None = None, date: dt.date | str | None = None,
                  targets: list[Any] | tuple[Any, ...] = (), *, targetlist: str | None = None,
                  telescope: str | None = None, min_altitude: float = 30.0,
                  max_airmass: float | None = None, min_moon_separation: float | None = None,
                  step_minutes: float = 5.0) -> list[dict[str, Any]]:
    """The targets ranked for a night at a site of this server (data: one dict per target).

    ``site`` and ``telescope`` are names or UUIDs; ``targets`` are names the server resolves
    (saved targets, objects) or solar-system bodies, or SkyTarget objects.
    """
    from arcsecond_core import planning
    from arcsecond_core.planning.targets import SkyTarget

    where = resolve.place(api, site, telescope)
    named = [t for t in targets if not isinstance(t, SkyTarget)]
    given = [t for t in targets if isinstance(t, SkyTarget)]
    found = resolve.targets(api, [str(t) for t in named], targetlist)[0] if named or targetlist else []
    return planning.observability(where.site, date, [*given, *found], min_altitude=min_altitude,
                                  max_airmass=max_airmass, min_moon_separation=min_moon_separation,
                                  step_minutes=step_minutes)


def night_events(api: ArcsecondAPI, site: str | None = None, date: dt.date | str | None = None, *,
                 telescope: str | None = None) -> dict[str, Any]:
    """The night's events at a site of this server (ISO 8601 UTC strings, numbers, flags)."""
    from arcsecond_core import planning

    return planning.night(resolve.place(api, site, telescope).site, date)

"""Planning a night, offline: twilight, what is observable, a schedule, charts.

Pure astronomy on astropy and numpy (no command line, no HTTP). Importing this package is
cheap; astropy.coordinates is imported by the functions that need it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .site import Site
    from .targets import SkyTarget

__all__ = ["as_date", "as_site", "as_targets", "night", "observability"]


def observability(site: Site | Mapping[str, Any], date: dt.date | str | None = None,
                  targets: Iterable[Any] = (), *, min_altitude: float = 30.0,
                  max_airmass: float | None = None, min_moon_separation: float | None = None,
                  step_minutes: float = 5.0) -> list[dict[str, Any]]:
    """The targets ranked for the night of ``date`` at ``site``: plain data, one dict per target.

    ``site`` is a :class:`~.site.Site` or an ``observingsites/`` object; ``targets`` are
    :class:`~.targets.SkyTarget`, ``targets/`` or ``objects/`` objects, or solar-system body
    names. Times are aware UTC datetimes (see :func:`.visibility.rank` for the fields).
    """
    from .visibility import Constraints, explore

    place = as_site(site)
    return explore(place, as_date(date, place), as_targets(targets),
                   Constraints(min_altitude, max_airmass, min_moon_separation), step_minutes)


def night(site: Site | Mapping[str, Any], date: dt.date | str | None = None) -> dict[str, Any]:
    """The events of the night of ``date`` at ``site`` (ISO 8601 UTC strings)."""
    from .twilight import night_events

    place = as_site(site)
    return night_events(place, as_date(date, place)).as_dict()


def as_site(site: Any) -> Site:
    from .site import Site, site_from_api

    return site if isinstance(site, Site) else site_from_api(dict(site))


def as_targets(targets: Iterable[Any]) -> list[SkyTarget]:
    from .targets import SkyTarget, TargetError, sky_target_from_api, solar_system_body

    result = []
    for target in targets:
        if isinstance(target, SkyTarget):
            result.append(target)
        elif isinstance(target, Mapping):
            result.append(sky_target_from_api(dict(target)))
        else:
            body = solar_system_body(str(target))
            if body is None:
                raise TargetError(f"{target!r} is not a solar-system body: give its coordinates "
                                  "(a SkyTarget or a target object)")
            result.append(SkyTarget(str(target), body=body))
    return result


def as_date(date: dt.date | str | None, site: Site) -> dt.date:
    """A date from a date, an ISO string, or None for tonight at ``site``."""
    from .dates import parse_date, tonight

    if date is None:
        return tonight(site)
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    return parse_date(str(date), site)

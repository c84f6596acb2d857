"""Solar-system bodies, placed for the time of the request by astropy's built-in ephemeris."""

from __future__ import annotations

import warnings
from typing import Any

from .coordinates import described, normalize, offline_time_tables

BODIES = {
    "sun": ("Sun", "Star"), "moon": ("Moon", "Satellite"), "mercury": ("Mercury", "Planet"),
    "venus": ("Venus", "Planet"), "mars": ("Mars", "Planet"), "jupiter": ("Jupiter", "Planet"),
    "saturn": ("Saturn", "Planet"), "uranus": ("Uranus", "Planet"),
    "neptune": ("Neptune", "Planet"),
}
SOURCE = "astropy built-in ephemeris (geocentric, at the time of the request)"


def lookup(name: str) -> dict[str, Any] | None:
    """The body ``name`` where it is now, or None if it is not a solar-system body."""
    body = normalize(name)
    if body not in BODIES:
        return None
    from astropy.coordinates import get_body, solar_system_ephemeris
    from astropy.time import Time

    offline_time_tables()
    when = Time.now()
    with solar_system_ephemeris.set("builtin"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # past the bundled tables astropy warns and extrapolates
        place = get_body(body, when)
    title, kind = BODIES[body]
    return described(title, float(place.ra.deg), float(place.dec.deg), source=SOURCE,
                     object_types=[kind], epoch=float(when.jd),
                     time=when.utc.isot + "Z", distance_au=float(place.distance.au))

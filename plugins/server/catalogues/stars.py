"""Bright named stars: the star list the ``ephem`` package ships (J2000 positions)."""

from __future__ import annotations

import functools
import math
from typing import Any

from .coordinates import described, flux, normalize

SOURCE = "ephem bright star list"


def available() -> bool:
    try:
        import ephem.stars  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _names() -> dict[str, str]:
    import ephem.stars

    return {normalize(name): name for name in ephem.stars.stars}


def lookup(name: str) -> dict[str, Any] | None:
    """The bright star ``name``, or None."""
    official = _names().get(normalize(name))
    if official is None:
        return None
    import ephem

    star = ephem.star(official)
    star.compute(ephem.J2000, epoch=ephem.J2000)
    return described(official, math.degrees(star.a_ra), math.degrees(star.a_dec), source=SOURCE,
                     object_types=["Star"], fluxes=[flux("V", round(float(star.mag), 2))])

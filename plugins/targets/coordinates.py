"""Right ascension and declination from the command line: degrees, or sexagesimal text."""

from __future__ import annotations

import argparse
import math
import warnings
from typing import Any


def _angle(text: str, unit: str) -> Any:
    """An astropy Angle (imported here: only commands given coordinates pay for it); a value
    astropy would only warn about (24 hours, 60 minutes) is refused."""
    from astropy import units as u
    from astropy.coordinates import Angle

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return Angle(text, unit=getattr(u, unit))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_ra(text: str) -> float:
    """Right ascension in degrees: ``10.684``, or hours as ``00:42:44.3``, ``00h42m44s``."""
    value = _number(text.strip())
    if value is None:
        try:
            value = float(_angle(text.strip(), "hourangle").degree)
        except (ValueError, TypeError, Warning):
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a right ascension (degrees, or hours as 00:42:44.3 or "
                "00h42m44s)") from None
    if not 0 <= value < 360:
        raise argparse.ArgumentTypeError(f"right ascension {text!r} is not within 0 and 360 "
                                         "degrees (24 hours)")
    return value


def parse_dec(text: str) -> float:
    """Declination in degrees: ``41.27``, or ``+41:16:09``, ``41d16m09s``."""
    value = _number(text.strip())
    if value is None:
        try:
            value = float(_angle(text.strip(), "deg").degree)
        except (ValueError, TypeError, Warning):
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a declination (degrees, or +41:16:09 or 41d16m09s)") from None
    if not -90 <= value <= 90:
        raise argparse.ArgumentTypeError(f"declination {text!r} is not within -90 and +90 "
                                         "degrees")
    return value


def coordinates(ra: float | None, dec: float | None) -> dict[str, float] | None:
    """The API's ``coordinates`` from both values, None from neither; one alone is an error."""
    if ra is None and dec is None:
        return None
    if ra is None or dec is None:
        raise argparse.ArgumentTypeError("give both --ra and --dec, or neither")
    return {"right_ascension": ra, "declination": dec}


def sexagesimal(ra: Any, dec: Any) -> str:
    """``HH:MM:SS.S +DD:MM:SS`` for people (no astropy: tables of many targets stay quick)."""
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (ra, dec)):
        return ""
    tenths = round(ra / 15 * 36000) % (24 * 36000)
    hours, rest = divmod(tenths, 36000)
    minutes, tenths = divmod(rest, 600)
    seconds = round(abs(dec) * 3600)
    degrees, rest = divmod(seconds, 3600)
    arcmin, arcsec = divmod(rest, 60)
    sign = "-" if dec < 0 else "+"
    return (f"{hours:02d}:{minutes:02d}:{tenths / 10:04.1f} "
            f"{sign}{degrees:02d}:{arcmin:02d}:{arcsec:02d}")


def position(target: dict[str, Any]) -> tuple[float | None, float | None]:
    """Where a target is observed: its own coordinates, else its catalogue object's."""
    place = target.get("coordinates") or (target.get("object") or {}).get(
        "equatorial_coordinates") or {}
    return place.get("right_ascension"), place.get("declination")

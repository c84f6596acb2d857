"""What is observed: fixed positions (ICRS degrees) or solar-system bodies that move."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The bodies astropy's ``get_body`` places with the builtin ephemeris.
BODIES = ("sun", "moon", "mercury", "venus", "mars", "jupiter", "saturn", "uranus", "neptune")
MOVING_CLASSES = frozenset({"SolarSystemPlanet", "SmallBody"})


class TargetError(ValueError):
    """A target that cannot be placed on the sky (no coordinates, unknown body)."""


@dataclass(frozen=True)
class SkyTarget:
    """A named target: ``ra``/``dec`` in degrees (ICRS), or ``body`` for a solar-system body."""

    name: str
    ra: float | None = None
    dec: float | None = None
    body: str | None = None
    #: The saved target's identifier on the server, when it is one.
    ident: Any = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.body is None and (self.ra is None or self.dec is None):
            raise TargetError(f"target {self.name!r} has no coordinates")
        if self.body is None and not (-90.0 <= float(self.dec) <= 90.0):  # type: ignore[arg-type]
            raise TargetError(f"target {self.name!r} has a declination outside -90..90")

    @property
    def moving(self) -> bool:
        return self.body is not None


def solar_system_body(name: str) -> str | None:
    """The astropy body name for ``name`` (``Jupiter``, ``the moon``...), or None."""
    key = " ".join(str(name).lower().split())
    key = key.removeprefix("the ")
    return key if key in BODIES else None


def sky_target_from_api(record: dict[str, Any]) -> SkyTarget:
    """A :class:`SkyTarget` from a ``targets/`` object (or an ``objects/`` one).

    A target's own ``coordinates`` win over its object's ``equatorial_coordinates``; a
    ``target_class`` of SolarSystemPlanet or SmallBody, or a known body's name, is a moving body.
    """
    name = str(record.get("name") or (record.get("object") or {}).get("name") or "target")
    names = [name, (record.get("object") or {}).get("name"), record.get("identifier")]
    body = next((solar_system_body(n) for n in names if n and solar_system_body(n)), None)
    ident = record.get("id")
    if body is not None:
        return SkyTarget(name, body=body, ident=ident)
    if record.get("target_class") in MOVING_CLASSES:
        raise TargetError(f"target {name!r} is a solar-system body this offline ephemeris does not "
                          "know (only the Sun, the Moon and the planets)")
    for place in _positions(record):
        ra, dec = _degrees(place)
        if ra is not None and dec is not None:
            return SkyTarget(name, ra, dec, ident=ident)
    raise TargetError(f"target {name!r} has no coordinates")


def _positions(record: dict[str, Any]) -> list[Any]:
    obj = record.get("object") or {}
    return [record.get("coordinates"), obj.get("equatorial_coordinates"), obj.get("coordinates"),
            record.get("equatorial_coordinates")]


def _degrees(place: Any) -> tuple[float | None, float | None]:
    if not isinstance(place, dict):
        return None, None
    ra = place.get("right_ascension", place.get("ra"))
    dec = place.get("declination", place.get("dec"))
    try:
        return float(ra), float(dec)
    except (TypeError, ValueError):
        return None, None

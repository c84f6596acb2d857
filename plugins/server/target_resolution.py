"""A target's name resolved through the server's catalogues, and the class it implies."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogues import solar_system
from .catalogues.coordinates import normalize
from .catalogues.resolver import resolve
from .db import Database

TARGET_CLASSES = ("AstronomicalObject", "Exoplanet", "StandardStar", "SolarSystemPlanet",
                  "SmallBody", "Microlensing", "Transient")


@dataclass(frozen=True)
class Resolved:
    """What a catalogue says of a name: its own name, the class it implies, and where it is."""

    name: str
    target_class: str
    right_ascension: float
    declination: float


def _exoplanet(db: Database, name: str) -> Resolved | None:
    row = db.one("SELECT name, ra, dec FROM exoplanets WHERE key = ? AND ra IS NOT NULL"
                 " AND dec IS NOT NULL", (normalize(name),))
    if row is None:
        return None
    return Resolved(row["name"], "Exoplanet", float(row["ra"]), float(row["dec"]))


def _placed(found: dict | None, target_class: str) -> Resolved | None:
    coords = (found or {}).get("coordinates")
    if not found or not coords:
        return None
    return Resolved(found["name"], target_class, float(coords["right_ascension"]),
                    float(coords["declination"]))


def resolve_target(db: Database, name: str) -> Resolved | None:
    """The solar-system body, imported exoplanet or catalogue object called ``name``, or None.

    A solar-system body is placed where it is at the time of the call (it moves: planning
    computes it again for its own night).
    """
    return (_placed(solar_system.lookup(name), "SolarSystemPlanet")
            or _exoplanet(db, name)
            or _placed(resolve(db, name), "AstronomicalObject"))

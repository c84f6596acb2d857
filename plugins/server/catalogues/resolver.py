"""One name, every offline source in turn: imported objects, the solar system, bright stars,
OpenNGC, then the host stars of imported exoplanets; the planets of the star are added."""

from __future__ import annotations

import json
from typing import Any

from ..db import Database
from . import openngc, solar_system, stars
from .coordinates import alias, described, normalize

OBJECTS_EXTRA = "objects"


def extra_hint(extra: str) -> str:
    return f"install the server's '{extra}' extra (pip install 'arcsecond-cli[{extra}]')"


def missing_catalogues() -> list[str]:
    """The catalogues this server cannot search because their package is not installed."""
    missing = []
    if not openngc.available():
        missing.append("OpenNGC (pyongc)")
    if not stars.available():
        missing.append("bright stars (ephem)")
    return missing


def imported_object(db: Database, name: str) -> dict[str, Any] | None:
    """An object the admin imported, by its name or one of its aliases."""
    key = normalize(name)
    row = db.one(
        "SELECT o.* FROM custom_objects o WHERE o.key = ? OR o.key IN"
        " (SELECT object_key FROM object_aliases WHERE alias_key = ?)", (key, key))
    if row is None:
        return None
    magnitude = row["magnitude"]
    fluxes = [{"name": "V", "value": magnitude, "unit": "mag", "error_max": None,
               "error_min": None, "bibcode": None}] if magnitude is not None else []
    return described(row["name"], row["ra"], row["dec"], source="imported",
                     object_types=[row["object_type"]] if row["object_type"] else [],
                     aliases=[alias(a) for a in json.loads(row["aliases"])], fluxes=fluxes)


def exoplanet_host(db: Database, name: str) -> dict[str, Any] | None:
    """The host star of imported exoplanets, placed where the exoplanet table says."""
    row = db.one("SELECT star, ra, dec FROM exoplanets WHERE star_key = ? AND ra IS NOT NULL"
                 " ORDER BY name LIMIT 1", (normalize(name),))
    if row is None:
        return None
    return described(row["star"], row["ra"], row["dec"], source="exoplanet table",
                     object_types=["Star"])


def planets_of(db: Database, found: dict[str, Any], asked: str) -> list[str]:
    keys = {normalize(asked), normalize(found["name"])}
    keys |= {normalize(a["name"]) for a in found.get("aliases") or []}
    marks = ", ".join("?" for _ in keys)
    rows = db.all(f"SELECT name FROM exoplanets WHERE star_key IN ({marks}) ORDER BY name",
                  sorted(keys))
    return [row["name"] for row in rows]


def resolve(db: Database, name: str) -> dict[str, Any] | None:
    """The object called ``name`` (case and spacing ignored), or None."""
    lookups = [lambda n: imported_object(db, n), solar_system.lookup]
    if stars.available():
        lookups.append(stars.lookup)
    if openngc.available():
        lookups.append(openngc.lookup)
    lookups.append(lambda n: exoplanet_host(db, n))
    for lookup in lookups:
        found = lookup(name)
        if found is not None:
            found["planets"] = planets_of(db, found, name)
            return found
    return None

"""Public catalogues: ``objects/<name>/`` resolved offline, and the imported ``exoplanets/``."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from .catalogues.coordinates import coordinates, normalize
from .catalogues.resolver import OBJECTS_EXTRA, extra_hint, missing_catalogues, resolve
from .resource import Resource
from .rest import Context, json_response, not_found

# API field -> (archive column, unit)
QUANTITIES = {
    "mass": ("pl_bmassj", "M_jup"),
    "radius": ("pl_radj", "R_jup"),
    "orbital_period": ("pl_orbper", "days"),
    "semi_major_axis": ("pl_orbsmax", "AU"),
    "eccentricity": ("pl_orbeccen", None),
    "inclination": ("pl_orbincl", "deg"),
    "equilibrium_temperature": ("pl_eqt", "K"),
}


class Objects(Resource):
    name = "objects"
    id_kind = "str"
    prefixable = False

    def retrieve(self, ctx: Context, name: str) -> Response:
        found = resolve(ctx.db, name)
        if found is None:
            message = f"No object named '{name}' in this server's catalogues."
            missing = missing_catalogues()
            if missing:
                message += (f" Not searched: {', '.join(missing)}; to search them, "
                            f"{extra_hint(OBJECTS_EXTRA)}.")
            raise not_found(message)
        return json_response(found)


def quantity(data: dict[str, Any], column: str, unit: str | None) -> dict[str, Any]:
    return {"value": data.get(column), "unit": unit, "error_max": data.get(f"{column}err1"),
            "error_min": data.get(f"{column}err2"), "bibcode": None}


def exoplanet(row: sqlite3.Row) -> dict[str, Any]:
    data = json.loads(row["data"])
    known = row["ra"] is not None and row["dec"] is not None
    return {
        "name": row["name"],
        "coordinates": coordinates(row["ra"], row["dec"]) if known else None,
        "parent_star": row["star"],
        **{field: quantity(data, column, unit) for field, (column, unit) in QUANTITIES.items()},
        "detection_method": data.get("discoverymethod"),
        "discovery_year": data.get("disc_year"),
    }


class Exoplanets(Resource):
    name = "exoplanets"
    id_kind = "str"
    prefixable = False

    def list(self, ctx: Context) -> Response:
        where: list[str] = []
        args: list[Any] = []
        star = ctx.query("parent_star")
        if star is not None:
            where.append("star_key = ?")
            args.append(normalize(star))
        return ctx.paginate("SELECT * FROM exoplanets", where, args, "star, name", exoplanet)

    def retrieve(self, ctx: Context, name: str) -> Response:
        row = ctx.db.one("SELECT * FROM exoplanets WHERE key = ?", (normalize(name),))
        if row is None:
            raise not_found(f"No exoplanet named '{name}' on this server (an admin imports them "
                            "with 'arcsecond server import exoplanets FILE.csv').")
        return json_response(exoplanet(row))

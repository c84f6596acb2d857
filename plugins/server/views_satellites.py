"""``satellites/``: the TLEs an admin imported, and on detail where the satellite is now."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from .catalogues.resolver import extra_hint
from .catalogues.satellites import SATELLITES_EXTRA, MissingSgp4, position
from .resource import Resource
from .rest import Context, detail, json_response


def satellite(row: sqlite3.Row) -> dict[str, Any]:
    return {"norad_number": row["norad_number"], "name": row["name"], "line1": row["line1"],
            "line2": row["line2"], "epoch": row["epoch"]}


class Satellites(Resource):
    name = "satellites"
    id_kind = "int"
    prefixable = False

    def list(self, ctx: Context) -> Response:
        where: list[str] = []
        args: list[Any] = []
        ctx.filter(where, args, {"name": ("name", None)})
        return ctx.paginate("SELECT * FROM satellites", where, args, "norad_number", satellite)

    def retrieve(self, ctx: Context, norad_number: int) -> Response:
        row = ctx.one_or_not_found("SELECT * FROM satellites WHERE norad_number = ?",
                                   (norad_number,))
        try:
            where = position(row["line1"], row["line2"])
        except MissingSgp4:
            raise detail(503, "Satellite positions are not available: "
                              f"{extra_hint(SATELLITES_EXTRA)}.") from None
        except ValueError as error:
            raise detail(422, str(error)) from None
        return json_response({**satellite(row), "position": where})

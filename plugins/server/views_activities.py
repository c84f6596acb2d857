"""Activities (a public log of what is being observed), observing runs and instruments."""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from .db import save_row
from .resource import Resource
from .rest import (
    ApiError,
    Context,
    does_not_exist,
    forbidden,
    invalid,
    json_response,
    new_uuid,
    now,
    organisation_of,
    parse_uuid,
    read_json,
    required_text,
)
from .views_accounts import find_telescope, visible_telescopes
from .views_datasets import _owned_uuids
from .views_nightlogs import parse_date

ACTIVITY_SELECT = "SELECT a.* FROM activities a"
RUN_SELECT = (
    "SELECT r.*, (SELECT json_group_array(nightlog) FROM (SELECT nightlog FROM"
    " observingrun_nightlogs WHERE run = r.uuid ORDER BY position)) AS nightlog_uuids"
    " FROM observingruns r"
)
INSTRUMENT_SELECT = "SELECT i.* FROM instruments i"


def existing(ctx: Context, table: str, value: Any, field_name: str) -> str | None:
    """The uuid of a row of ``table`` from a request field (None stays None); 400 otherwise."""
    if value in (None, ""):
        return None
    uuid = parse_uuid(value, field_name)
    if ctx.db.one(f"SELECT 1 FROM {table} WHERE uuid = ?", (uuid,)) is None:
        raise invalid(field_name, does_not_exist(uuid))
    return uuid


def optional_text(data: dict[str, Any], name: str, max_length: int = 10000) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(name, "Not a valid string.")
    if len(value) > max_length:
        raise invalid(name, f"Ensure this field has no more than {max_length} characters.")
    return value.strip()


def parse_coordinates(value: Any) -> tuple[float | None, float | None]:
    """``{"right_ascension", "declination"}`` in degrees, or null."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise invalid("coordinates", "Expected an object with right_ascension and declination.")
    try:
        ra, dec = float(value["right_ascension"]), float(value["declination"])
    except (KeyError, TypeError, ValueError):
        raise invalid("coordinates", "Expected numbers right_ascension and declination "
                                     "(degrees).") from None
    if not (math.isfinite(ra) and math.isfinite(dec) and 0 <= ra < 360 and -90 <= dec <= 90):
        raise invalid("coordinates", "Expected 0 <= right_ascension < 360 and "
                                     "-90 <= declination <= 90 (degrees).")
    return ra, dec


def activity(row: sqlite3.Row) -> dict[str, Any]:
    has_position = row["ra"] is not None and row["dec"] is not None
    return {
        "id": row["id"],
        "title": row["title"],
        "content": row["content"],
        "observing_site": row["site"],
        "telescope": row["telescope"],
        "instrument": row["instrument"],
        "target_name": row["target_name"],
        "coordinates": ({"right_ascension": row["ra"], "declination": row["dec"]}
                        if has_position else None),
        "organisation": row["organisation"],
        "creation_date": row["created"],
        "profile": row["author"],
    }


class Activities(Resource):
    """Anyone authenticated reads; only the author changes or deletes."""

    name = "activities"
    id_kind = "int"

    def _get(self, ctx: Context, pk: int) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{ACTIVITY_SELECT} WHERE a.id = ?", (pk,))

    def list(self, ctx: Context) -> Response:
        where, args = ([], []) if ctx.portal is None else (["a.organisation = ?"], [ctx.portal])
        return ctx.paginate(ACTIVITY_SELECT, where, args, "a.created DESC, a.id DESC", activity)

    def _fields(self, ctx: Context, data: dict[str, Any], creating: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if creating or "title" in data:
            fields["title"] = required_text(data, "title")
        if creating or "content" in data:
            fields["content"] = optional_text(data, "content") or ""
        if "observing_site" in data:
            fields["site"] = existing(ctx, "sites", data["observing_site"], "observing_site")
        if "telescope" in data:
            fields["telescope"] = find_telescope(ctx, data["telescope"])
        if "instrument" in data:
            fields["instrument"] = existing(ctx, "instruments", data["instrument"], "instrument")
        if "target_name" in data:
            fields["target_name"] = optional_text(data, "target_name", 255) or None
        if "coordinates" in data:
            fields["ra"], fields["dec"] = parse_coordinates(data["coordinates"])
        return fields

    def create(self, ctx: Context) -> Response:
        fields = self._fields(ctx, read_json(ctx.request), creating=True)
        fields.update(author=ctx.username, organisation=ctx.portal, created=now())
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with ctx.db.write() as conn:
            pk = conn.execute(f"INSERT INTO activities ({columns}) VALUES ({marks})",
                              list(fields.values())).lastrowid
        return json_response(activity(self._get(ctx, int(pk or 0))), 201)

    def retrieve(self, ctx: Context, pk: int) -> Response:
        return json_response(activity(self._get(ctx, pk)))

    def _own(self, ctx: Context, pk: int) -> None:
        if self._get(ctx, pk)["author"] != ctx.username:
            raise forbidden("Only the author of an activity may change or delete it.")

    def update(self, ctx: Context, pk: int) -> Response:
        self._own(ctx, pk)
        fields = self._fields(ctx, read_json(ctx.request), creating=False)
        if fields:
            sets = ", ".join(f"{key} = ?" for key in fields)
            with ctx.db.write() as conn:
                conn.execute(f"UPDATE activities SET {sets} WHERE id = ?", [*fields.values(), pk])
        return json_response(activity(self._get(ctx, pk)))

    def destroy(self, ctx: Context, pk: int) -> Response:
        self._own(ctx, pk)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM activities WHERE id = ?", (pk,))
        return json_response(None, 204)


def observing_run(row: sqlite3.Row) -> dict[str, Any]:
    owner = row["owner"]
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "telescope": row["telescope"],
        "observing_site": row["site"],
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "nightlogs": json.loads(row["nightlog_uuids"] or "[]"),
        "organisation": organisation_of(owner),
        "created": row["created"],
        "modified": row["modified"],
    }


class ObservingRuns(Resource):
    """Owned by the user, or by a portal when the URL has its prefix (like datasets)."""

    name = "observingruns"

    def _get(self, ctx: Context, uuid: str) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{RUN_SELECT} WHERE r.uuid = ? AND r.owner = ?",
                                    (uuid, ctx.owner))

    def list(self, ctx: Context) -> Response:
        where, args = ["r.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {"name": ("r.name", None), "telescope": ("r.telescope", parse_uuid)})
        return ctx.paginate(RUN_SELECT, where, args, "r.created, r.uuid", observing_run)

    def _save(self, ctx: Context, uuid: str, data: dict[str, Any], creating: bool) -> None:
        fields: dict[str, Any] = {}
        if creating or "name" in data:
            fields["name"] = required_text(data, "name")
        if "telescope" in data:
            fields["telescope"] = find_telescope(ctx, data["telescope"])
        if "observing_site" in data:
            fields["site"] = existing(ctx, "sites", data["observing_site"], "observing_site")
        for name in ("start_date", "end_date"):
            if name in data:
                fields[name] = None if data[name] in (None, "") else parse_date(data[name], name)
        nightlogs = _owned_uuids(ctx, data, "nightlogs", "nightlogs")
        stamp = now()
        with ctx.db.write() as conn:
            save_row(conn, "observingruns", fields, uuid, ctx.owner if creating else None, stamp)
            start, end = conn.execute("SELECT start_date, end_date FROM observingruns"
                                      " WHERE uuid = ?", (uuid,)).fetchone()
            if start and end and end < start:
                raise ApiError(400, {"end_date": ["The end date may not be before the start "
                                                  "date."]})
            if nightlogs is not None:
                conn.execute("DELETE FROM observingrun_nightlogs WHERE run = ?", (uuid,))
                conn.executemany(
                    "INSERT INTO observingrun_nightlogs (run, nightlog, position) VALUES (?, ?, ?)",
                    [(uuid, value, i) for i, value in enumerate(nightlogs)],
                )

    def create(self, ctx: Context) -> Response:
        uuid = new_uuid()
        self._save(ctx, uuid, read_json(ctx.request), creating=True)
        return json_response(observing_run(self._get(ctx, uuid)), 201)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return json_response(observing_run(self._get(ctx, uuid)))

    def update(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        self._save(ctx, uuid, read_json(ctx.request), creating=False)
        return json_response(observing_run(self._get(ctx, uuid)))

    def destroy(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM observingruns WHERE uuid = ?", (uuid,))
        return json_response(None, 204)


def instrument(row: sqlite3.Row) -> dict[str, Any]:
    return {"uuid": row["uuid"], "name": row["name"], "telescope": row["telescope"],
            "kind": row["kind"]}


class Instruments(Resource):
    """Read-only; an instrument on a telescope is seen by those who see the telescope."""

    name = "instruments"
    prefixable = False

    def _visible(self, ctx: Context) -> tuple[str, list[Any]]:
        clause, params = visible_telescopes(ctx)
        return (f"(i.telescope IS NULL OR i.telescope IN (SELECT t.uuid FROM telescopes t"
                f" WHERE {clause}))", list(params))

    def list(self, ctx: Context) -> Response:
        clause, params = self._visible(ctx)
        where, args = [clause], params
        ctx.filter(where, args, {"name": ("i.name", None), "telescope": ("i.telescope", parse_uuid)})
        return ctx.paginate(INSTRUMENT_SELECT, where, args, "i.name, i.uuid", instrument)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        clause, params = self._visible(ctx)
        row = ctx.one_or_not_found(f"{INSTRUMENT_SELECT} WHERE i.uuid = ? AND {clause}",
                                   [uuid, *params])
        return json_response(instrument(row))

"""Targets (a name resolved through the catalogues, or the user's own coordinates) and target
lists; owned by the user, or by a portal when the URL has its prefix (like datasets)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from .db import save_row
from .resource import Resource
from .rest import (
    ApiError,
    Context,
    does_not_exist,
    invalid,
    json_response,
    new_uuid,
    now,
    organisation_of,
    parse_tags,
    read_json,
    required_text,
    stored_int,
)
from .target_resolution import TARGET_CLASSES, resolve_target
from .views_activities import optional_text, parse_coordinates

TARGET_SELECT = "SELECT g.* FROM targets g"
TARGETLIST_SELECT = "SELECT l.* FROM targetlists l"
MANUAL, CATALOGUE = "manual", "catalogue"
TARGET_DUPLICATE = "A target with this name already exists."
LIST_DUPLICATE = "A target list with this name already exists."


def target(row: sqlite3.Row) -> dict[str, Any]:
    manual = row["ra"] is not None and row["dec"] is not None
    return {
        "id": row["id"],
        "name": row["name"],
        "identifier": row["identifier"],
        "target_class": row["target_class"],
        "mode": row["mode"],
        "object": {
            "name": row["object_name"],
            "equatorial_coordinates": {"right_ascension": row["object_ra"],
                                       "declination": row["object_dec"]},
        },
        "coordinates": ({"right_ascension": row["ra"], "declination": row["dec"]}
                        if manual else None),
        "color": row["color"],
        "notes": row["notes"],
        "tags": json.loads(row["tags"] or "[]"),
        "profile": row["profile"],
        "organisation": organisation_of(row["owner"]),
        "created": row["created"],
        "modified": row["modified"],
    }


def target_class(value: Any) -> str:
    if value not in TARGET_CLASSES:
        raise invalid("target_class", f'"{value}" is not a valid choice. Choose one of: '
                                      f"{', '.join(TARGET_CLASSES)}.")
    return str(value)


def placed(ctx: Context, state: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The columns that place a target, from its name, its class and its own coordinates.

    The name is resolved through the catalogues; the user's coordinates, when given, make a
    manual target (they win over the catalogue's). A name nothing resolves, without
    coordinates, is refused: a target is never stored without a position.
    """
    found = resolve_target(ctx.db, state["name"])
    manual = state["ra"] is not None
    if found is None and not manual:
        raise invalid("name", f"No object, exoplanet or solar-system body named "
                              f"'{state['name']}' on this server; give its coordinates.")
    columns: dict[str, Any] = {"mode": MANUAL if manual else CATALOGUE}
    if found is not None:
        columns.update(identifier=found.name, object_name=found.name,
                       object_ra=found.right_ascension, object_dec=found.declination)
    else:
        columns.update(identifier=None, object_name=state["name"],
                       object_ra=state["ra"], object_dec=state["dec"])
    if "target_class" in data:
        columns["target_class"] = target_class(data["target_class"])
    elif state.get("target_class") is None or "name" in data:
        columns["target_class"] = (found.target_class if found is not None and not manual
                                   else "AstronomicalObject")
    return columns


class Targets(Resource):
    name = "targets"
    id_kind = "int"

    def _get(self, ctx: Context, pk: int) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{TARGET_SELECT} WHERE g.id = ? AND g.owner = ?",
                                    (pk, ctx.owner))

    def list(self, ctx: Context) -> Response:
        where, args = ["g.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {"name": ("g.name", None),
                                 "target_class": ("g.target_class", None),
                                 "mode": ("g.mode", None)})
        return ctx.paginate(TARGET_SELECT, where, args, "g.id", target)

    def retrieve(self, ctx: Context, pk: int) -> Response:
        return json_response(target(self._get(ctx, pk)))

    def _columns(self, ctx: Context, row: sqlite3.Row | None,
                 data: dict[str, Any]) -> dict[str, Any]:
        state: dict[str, Any] = dict(row) if row is not None else {
            "name": None, "ra": None, "dec": None, "target_class": None}
        columns: dict[str, Any] = {}
        if row is None or "name" in data:
            state["name"] = columns["name"] = required_text(data, "name")
        if "coordinates" in data:
            state["ra"], state["dec"] = columns["ra"], columns["dec"] = (
                parse_coordinates(data["coordinates"]))
        if "target_class" in data:
            target_class(data["target_class"])
        if "color" in data:
            columns["color"] = optional_text(data, "color", 32) or None
        if "notes" in data:
            columns["notes"] = optional_text(data, "notes") or ""
        if "tags" in data:
            columns["tags"] = json.dumps(parse_tags(data["tags"]))
        if row is None or {"name", "coordinates", "target_class"} & set(data):
            columns.update(placed(ctx, state, data))
        return columns

    def _write(self, ctx: Context, sql: str, params: list[Any]) -> int:
        try:
            with ctx.db.write() as conn:
                return int(conn.execute(sql, params).lastrowid or 0)
        except sqlite3.IntegrityError:
            raise ApiError(400, {"name": [TARGET_DUPLICATE]}) from None

    def create(self, ctx: Context) -> Response:
        columns = self._columns(ctx, None, read_json(ctx.request))
        stamp = now()
        columns.update(owner=ctx.owner, profile=ctx.username, created=stamp, modified=stamp)
        pk = self._write(ctx, f"INSERT INTO targets ({', '.join(columns)}) VALUES"
                              f" ({', '.join('?' for _ in columns)})", list(columns.values()))
        return json_response(target(self._get(ctx, pk)), 201)

    def update(self, ctx: Context, pk: int) -> Response:
        columns = self._columns(ctx, self._get(ctx, pk), read_json(ctx.request))
        if columns:
            columns["modified"] = now()
            sets = ", ".join(f"{key} = ?" for key in columns)
            self._write(ctx, f"UPDATE targets SET {sets} WHERE id = ?", [*columns.values(), pk])
        return json_response(target(self._get(ctx, pk)))

    def destroy(self, ctx: Context, pk: int) -> Response:
        self._get(ctx, pk)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM targets WHERE id = ?", (pk,))
        return json_response(None, 204)


def owned_target_ids(ctx: Context, values: Any) -> list[int]:
    """The target ids of a request's ``targets``: each one of the owner's targets (ids, or
    objects with an ``id``); a target listed twice is kept once, where it first appears."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid("targets", f'Expected a list of items but got type '
                                 f'"{type(values).__name__}".')
    ids: list[int] = []
    for value in values:
        raw = value.get("id") if isinstance(value, dict) else value
        pk = None if isinstance(raw, bool) else stored_int(raw)
        if pk is None:
            raise invalid("targets", f'Incorrect type. Expected pk value, received '
                                     f'{type(raw).__name__}.')
        if ctx.db.one("SELECT 1 FROM targets WHERE id = ? AND owner = ?",
                      (pk, ctx.owner)) is None:
            raise invalid("targets", does_not_exist(pk))
        if pk not in ids:
            ids.append(pk)
    return ids


def targetlist(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    members = ctx.db.all(f"{TARGET_SELECT} JOIN targetlist_targets m ON m.target = g.id"
                         " WHERE m.list = ? ORDER BY m.position", (row["uuid"],))
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "targets": [target(member) for member in members],
        "organisation": organisation_of(row["owner"]),
        "created": row["created"],
        "modified": row["modified"],
    }


class TargetLists(Resource):
    name = "targetlists"

    def _get(self, ctx: Context, uuid: str) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{TARGETLIST_SELECT} WHERE l.uuid = ? AND l.owner = ?",
                                    (uuid, ctx.owner))

    def list(self, ctx: Context) -> Response:
        where, args = ["l.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {"name": ("l.name", None)})
        return ctx.paginate(TARGETLIST_SELECT, where, args, "l.created, l.uuid",
                            lambda row: targetlist(ctx, row))

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return json_response(targetlist(ctx, self._get(ctx, uuid)))

    def _save(self, ctx: Context, uuid: str, data: dict[str, Any], creating: bool) -> None:
        fields: dict[str, Any] = {}
        if creating or "name" in data:
            fields["name"] = required_text(data, "name")
        ids = owned_target_ids(ctx, data["targets"]) if "targets" in data else None
        stamp = now()
        try:
            with ctx.db.write() as conn:
                save_row(conn, "targetlists", fields, uuid, ctx.owner if creating else None, stamp)
                if ids is not None:
                    conn.execute("DELETE FROM targetlist_targets WHERE list = ?", (uuid,))
                    conn.executemany(
                        "INSERT INTO targetlist_targets (list, target, position) VALUES (?, ?, ?)",
                        [(uuid, pk, i) for i, pk in enumerate(ids)])
        except sqlite3.IntegrityError:
            raise ApiError(400, {"name": [LIST_DUPLICATE]}) from None

    def create(self, ctx: Context) -> Response:
        uuid = new_uuid()
        self._save(ctx, uuid, read_json(ctx.request), creating=True)
        return json_response(targetlist(ctx, self._get(ctx, uuid)), 201)

    def update(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        self._save(ctx, uuid, read_json(ctx.request), creating=False)
        return json_response(targetlist(ctx, self._get(ctx, uuid)))

    def destroy(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM targetlists WHERE uuid = ?", (uuid,))
        return json_response(None, 204)

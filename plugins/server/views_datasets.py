"""Datasets and data packages: owned by the user, or by a portal when the URL has its prefix."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Response

from . import serializers as s
from .resource import Resource
from .rest import (
    ApiError,
    Context,
    does_not_exist,
    invalid,
    json_response,
    new_uuid,
    now,
    parse_tags,
    parse_uuid,
    read_json,
    required_text,
)
from .views_accounts import find_telescope

DUPLICATE_NAME = "A dataset with this name already exists."


def get_dataset(ctx: Context, uuid: str) -> sqlite3.Row:
    return ctx.one_or_not_found(f"{s.DATASET_SELECT} WHERE d.uuid = ? AND d.owner = ?", (uuid, ctx.owner))


def remove_files(files_dir: Path, paths: list[str]) -> None:
    """Delete stored files after their rows are gone; a missing file is not an error."""
    for path in paths:
        (files_dir / path).unlink(missing_ok=True)


class Datasets(Resource):
    name = "datasets"

    def list(self, ctx: Context) -> Response:
        where, args = ["d.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {"name": ("d.name", None), "telescope": ("d.telescope", parse_uuid)})
        return ctx.paginate(s.DATASET_SELECT, where, args, "d.created, d.uuid", s.dataset)

    def create(self, ctx: Context) -> Response:
        data = read_json(ctx.request)
        name = required_text(data, "name")
        telescope = find_telescope(ctx, data.get("telescope"))
        tags = parse_tags(data.get("tags"))
        uuid, stamp = new_uuid(), now()
        try:
            with ctx.db.write() as conn:
                conn.execute(
                    "INSERT INTO datasets (uuid, owner, name, telescope, tags, created, modified)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (uuid, ctx.owner, name, telescope, json.dumps(tags), stamp, stamp),
                )
        except sqlite3.IntegrityError:
            raise invalid("name", DUPLICATE_NAME) from None
        return json_response(s.dataset(get_dataset(ctx, uuid)), 201)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return json_response(s.dataset(get_dataset(ctx, uuid)))

    def update(self, ctx: Context, uuid: str) -> Response:
        get_dataset(ctx, uuid)
        data = read_json(ctx.request)
        changes: dict[str, Any] = {}
        if "name" in data:
            changes["name"] = required_text(data, "name")
        if "telescope" in data:
            changes["telescope"] = find_telescope(ctx, data["telescope"])
        if "tags" in data:
            changes["tags"] = json.dumps(parse_tags(data["tags"]))
        if changes:
            changes["modified"] = now()
            sets = ", ".join(f"{key} = ?" for key in changes)
            try:
                with ctx.db.write() as conn:
                    conn.execute(f"UPDATE datasets SET {sets} WHERE uuid = ?",
                                 [*changes.values(), uuid])
            except sqlite3.IntegrityError:
                raise invalid("name", DUPLICATE_NAME) from None
        return json_response(s.dataset(get_dataset(ctx, uuid)))

    def destroy(self, ctx: Context, uuid: str) -> Response:
        get_dataset(ctx, uuid)
        with ctx.db.write() as conn:
            paths = [r[0] for r in conn.execute("SELECT path FROM datafiles WHERE dataset = ?",
                                                (uuid,))]
            conn.execute("DELETE FROM datasets WHERE uuid = ?", (uuid,))
        remove_files(ctx.files_dir, paths)
        return json_response(None, 204)


def _owned_uuids(ctx: Context, data: dict[str, Any], field: str, table: str) -> list[str] | None:
    """The uuids listed in ``field``, each an object of ``table`` with the request's owner."""
    if field not in data:
        return None
    values = data[field]
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid(field, f'Expected a list of items but got type "{type(values).__name__}".')
    uuids: list[str] = []
    for value in values:
        uuid = parse_uuid(value, field)
        if ctx.db.one(f"SELECT 1 FROM {table} WHERE uuid = ? AND owner = ?",
                      (uuid, ctx.owner)) is None:
            raise invalid(field, does_not_exist(uuid))
        if uuid not in uuids:
            uuids.append(uuid)
    return uuids


class DataPackages(Resource):
    name = "datapackages"

    def _get(self, ctx: Context, uuid: str) -> sqlite3.Row:
        return ctx.one_or_not_found(
            f"{s.DATAPACKAGE_SELECT} WHERE p.uuid = ? AND p.owner = ?", (uuid, ctx.owner)
        )

    def list(self, ctx: Context) -> Response:
        where, args = ["p.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {"name": ("p.name", None)})
        return ctx.paginate(s.DATAPACKAGE_SELECT, where, args, "p.created, p.uuid", s.datapackage)

    def _save(self, ctx: Context, uuid: str, data: dict[str, Any], creating: bool) -> None:
        fields: dict[str, Any] = {}
        if creating or "name" in data:
            fields["name"] = required_text(data, "name")
        if "description" in data:
            description = data["description"]
            if description is not None and not isinstance(description, str):
                raise invalid("description", "Not a valid string.")
            fields["description"] = description or ""
        datasets = _owned_uuids(ctx, data, "datasets", "datasets")
        nightlogs = _owned_uuids(ctx, data, "nightlogs", "nightlogs")
        stamp = now()
        with ctx.db.write() as conn:
            if creating:
                conn.execute(
                    "INSERT INTO datapackages (uuid, owner, name, description, created, modified)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (uuid, ctx.owner, fields["name"], fields.get("description", ""), stamp, stamp),
                )
            else:
                fields["modified"] = stamp
                sets = ", ".join(f"{key} = ?" for key in fields)
                conn.execute(f"UPDATE datapackages SET {sets} WHERE uuid = ?",
                             [*fields.values(), uuid])
            for table, column, values in (
                ("datapackage_datasets", "dataset", datasets),
                ("datapackage_nightlogs", "nightlog", nightlogs),
            ):
                if values is None:
                    continue
                conn.execute(f"DELETE FROM {table} WHERE package = ?", (uuid,))
                conn.executemany(
                    f"INSERT INTO {table} (package, {column}, position) VALUES (?, ?, ?)",
                    [(uuid, value, i) for i, value in enumerate(values)],
                )

    def create(self, ctx: Context) -> Response:
        data = read_json(ctx.request)
        uuid = new_uuid()
        self._save(ctx, uuid, data, creating=True)
        return json_response(s.datapackage(self._get(ctx, uuid)), 201)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return json_response(s.datapackage(self._get(ctx, uuid)))

    def update(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        data = read_json(ctx.request)
        if ctx.request.method == "PUT" and "name" not in data:
            raise ApiError(400, {"name": ["This field is required."]})
        self._save(ctx, uuid, data, creating=False)
        return json_response(s.datapackage(self._get(ctx, uuid)))

    def destroy(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM datapackages WHERE uuid = ?", (uuid,))
        return json_response(None, 204)

"""Night logs (created by the server as files arrive, editable by clients) and their frames."""

from __future__ import annotations

import datetime as dt
import sqlite3
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
    not_found,
    now,
    parse_int,
    parse_uuid,
    read_json,
)
from .views_accounts import find_telescope

DUPLICATE = "A night log for this telescope and date already exists."


def parse_date(value: Any, field_name: str = "date") -> str:
    if not isinstance(value, str):
        raise invalid(field_name, "This field is required." if value is None else
                      "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise invalid(
            field_name, "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
        ) from None


def _site(ctx: Context, telescope: str | None, value: Any) -> str | None:
    """The night log's site: its telescope's, else the given one (which must exist)."""
    if telescope is not None:
        return ctx.db.scalar("SELECT site FROM telescopes WHERE uuid = ?", (telescope,))  # type: ignore[return-value]
    if value in (None, ""):
        return None
    uuid = parse_uuid(value, "observing_site")
    if ctx.db.one("SELECT 1 FROM sites WHERE uuid = ?", (uuid,)) is None:
        raise invalid("observing_site", does_not_exist(uuid))
    return uuid


class NightLogs(Resource):
    name = "nightlogs"

    def _get(self, ctx: Context, uuid: str) -> sqlite3.Row:
        return ctx.one_or_not_found(
            f"{s.NIGHTLOG_SELECT} WHERE n.uuid = ? AND n.owner = ?", (uuid, ctx.owner)
        )

    def list(self, ctx: Context) -> Response:
        where, args = ["n.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {
            "date": ("n.date", parse_date),
            "telescope": ("n.telescope", parse_uuid),
            "observing_site": ("n.site", parse_uuid),
        })
        return ctx.paginate(s.NIGHTLOG_SELECT, where, args, "n.date, n.uuid", s.nightlog)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return json_response(s.nightlog(self._get(ctx, uuid)))

    def create(self, ctx: Context) -> Response:
        data = read_json(ctx.request)
        date = parse_date(data.get("date"))
        telescope = find_telescope(ctx, data.get("telescope"))
        site = _site(ctx, telescope, data.get("observing_site"))
        uuid, stamp = new_uuid(), now()
        try:
            with ctx.db.write() as conn:
                conn.execute(
                    "INSERT INTO nightlogs (uuid, owner, date, telescope, site, created, modified)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (uuid, ctx.owner, date, telescope, site, stamp, stamp),
                )
        except sqlite3.IntegrityError:
            raise ApiError(400, {"non_field_errors": [DUPLICATE]}) from None
        return json_response(s.nightlog(self._get(ctx, uuid)), 201)

    def update(self, ctx: Context, uuid: str) -> Response:
        row = self._get(ctx, uuid)
        data = read_json(ctx.request)
        changes: dict[str, Any] = {}
        if "date" in data:
            changes["date"] = parse_date(data["date"])
        telescope = row["telescope"]
        if "telescope" in data:
            telescope = changes["telescope"] = find_telescope(ctx, data["telescope"])
            changes["site"] = _site(ctx, telescope, data.get("observing_site", row["site"]))
        elif "observing_site" in data:
            changes["site"] = _site(ctx, telescope, data["observing_site"])
        if changes:
            changes["modified"] = now()
            sets = ", ".join(f"{key} = ?" for key in changes)
            try:
                with ctx.db.write() as conn:
                    conn.execute(f"UPDATE nightlogs SET {sets} WHERE uuid = ?",
                                 [*changes.values(), uuid])
            except sqlite3.IntegrityError:
                raise ApiError(400, {"non_field_errors": [DUPLICATE]}) from None
        return json_response(s.nightlog(self._get(ctx, uuid)))

    def destroy(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM nightlogs WHERE uuid = ?", (uuid,))
        return json_response(None, 204)


#: The kinds of frame each category holds (the ``kind`` filter's choices).
FRAME_KINDS = {"observation": ("light", "other"), "calibration": ("bias", "dark", "flat")}


def kind_parser(kinds: tuple[str, ...]) -> Any:
    """A filter parser accepting one of ``kinds`` (any case); a 400 for anything else."""
    def parse(value: Any, field_name: str) -> str:
        text = str(value).strip().lower()
        if text not in kinds:
            raise invalid(field_name, f'Select a valid choice. "{value}" is not one of the '
                                      f"available choices: {', '.join(kinds)}.")
        return text
    return parse


class Frames(Resource):
    """Observations or calibrations, read-only; attached by the server to FITS/XISF files."""

    id_kind = "int"

    def __init__(self, name: str, category: str) -> None:
        self.name = name
        self.category = category

    def list(self, ctx: Context) -> Response:
        where, args = ["d.owner = ?", "fr.category = ?"], [ctx.owner, self.category]
        ctx.filter(where, args, {
            "night_log": ("fr.night_log", parse_uuid), "datafile": ("fr.datafile", parse_int),
            "dataset": ("f.dataset", parse_uuid), "target_name": ("fr.target_name", None),
            "kind": ("fr.kind", kind_parser(FRAME_KINDS[self.category])),
        })
        return ctx.paginate(s.FRAME_SELECT, where, args, "fr.id", s.frame)

    def retrieve(self, ctx: Context, frame_id: int) -> Response:
        row = ctx.db.one(
            f"{s.FRAME_SELECT} WHERE fr.id = ? AND fr.category = ? AND d.owner = ?",
            (frame_id, self.category, ctx.owner),
        )
        if row is None:
            raise not_found()
        return json_response(s.frame(row))

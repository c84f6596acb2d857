"""Night plans (ours: the platform publishes no API for them): the slots of one night's
observing, linked to the night log of the same date and telescope when there is one."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from .db import save_row
from .resource import Resource
from .rest import (
    Context,
    does_not_exist,
    invalid,
    json_response,
    new_uuid,
    now,
    organisation_of,
    parse_uuid,
    read_json,
    stored_int,
)
from .views_accounts import find_telescope
from .views_activities import existing
from .views_nightlogs import parse_date

#: The night log a plan describes: the owner's, of the same date and telescope (none = none).
NIGHTLOG_OF_PLAN = (
    "(SELECT n.uuid FROM nightlogs n WHERE n.owner = p.owner AND n.date = p.date"
    " AND COALESCE(n.telescope, '') = COALESCE(p.telescope, '') LIMIT 1)"
)
NIGHTPLAN_SELECT = f"SELECT p.*, {NIGHTLOG_OF_PLAN} AS night_log FROM nightplans p"
#: Each constraint and the range it must lie in.
CONSTRAINTS = {
    "min_altitude": (-90.0, 90.0),
    "max_airmass": (1.0, 100.0),
    "min_moon_separation": (0.0, 180.0),
}


def slot(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "target": row["target"],
        "target_name": row["target_name"],
        "start": row["start"],
        "end": row["end"],
        "altitude_start": row["altitude_start"],
        "altitude_end": row["altitude_end"],
        "exposure_time": row["exposure_time"],
    }


def nightplan(ctx: Context, row: sqlite3.Row) -> dict[str, Any]:
    slots = ctx.db.all("SELECT * FROM nightplan_slots WHERE plan = ? ORDER BY position",
                       (row["uuid"],))
    return {
        "uuid": row["uuid"],
        "date": row["date"],
        "observing_site": row["site"],
        "telescope": row["telescope"],
        "targetlist": row["targetlist"],
        "constraints": {name: None for name in CONSTRAINTS} | json.loads(row["constraints"]),
        "slots": [slot(s) for s in slots],
        "night_log": row["night_log"],
        "organisation": organisation_of(row["owner"]),
        "created": row["created"],
        "modified": row["modified"],
    }


def finite(value: Any, field_name: str, low: float, high: float) -> float | None:
    """A number within [low, high], or None; a 400 for ``field_name`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid(field_name, "A valid number is required.")
    if not low <= value <= high:
        raise invalid(field_name, f"Ensure this value is between {low:g} and {high:g}.")
    return float(value)


def parse_constraints(value: Any) -> dict[str, float | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("constraints", "Expected an object with min_altitude, max_airmass and "
                                     "min_moon_separation.")
    unknown = sorted(set(value) - set(CONSTRAINTS))
    if unknown:
        raise invalid("constraints", f"Unknown constraints: {', '.join(unknown)}.")
    return {name: finite(value[name], "constraints", *CONSTRAINTS[name])
            for name in CONSTRAINTS if name in value}


def parse_time(value: Any, where: str) -> dt.datetime:
    """An ISO 8601 date-time (UTC when it names no offset)."""
    if not isinstance(value, str):
        raise invalid("slots", f"{where}: an ISO 8601 date-time is required.")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise invalid("slots", f"{where}: '{value}' is not an ISO 8601 date-time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_slots(ctx: Context, value: Any) -> list[tuple[Any, ...]]:
    """The slots as rows in time order; a 400 for a malformed slot, an unknown target, a slot
    that does not end after it starts, or two slots that overlap."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("slots", f'Expected a list of items but got type "{type(value).__name__}".')
    parsed = []
    for number, item in enumerate(value, 1):
        where = f"slot {number}"
        if not isinstance(item, dict):
            raise invalid("slots", f"{where}: expected an object.")
        raw = item.get("target")
        pk = None if isinstance(raw, (bool, float)) else stored_int(raw)
        name = ctx.db.scalar("SELECT name FROM targets WHERE id = ? AND owner = ?",
                             (pk, ctx.owner)) if pk is not None else None
        if name is None:
            raise invalid("slots", f"{where}: target {does_not_exist(raw)}")
        start, end = parse_time(item.get("start"), where), parse_time(item.get("end"), where)
        if not start < end:
            raise invalid("slots", f"{where}: the start must be before the end.")
        altitudes = [finite(item.get(key), "slots", -90, 90)
                     for key in ("altitude_start", "altitude_end")]
        exposure = finite(item.get("exposure_time"), "slots", 0, 86400)
        parsed.append((start, end, number, pk, name, *altitudes, exposure))
    parsed.sort()
    for before, after in itertools.pairwise(parsed):
        if after[0] < before[1]:
            raise invalid("slots", f"slots {before[2]} and {after[2]} overlap.")
    return [(pk, name, iso(start), iso(end), *rest)
            for start, end, _n, pk, name, *rest in parsed]


class NightPlans(Resource):
    name = "nightplans"

    def _get(self, ctx: Context, uuid: str) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{NIGHTPLAN_SELECT} WHERE p.uuid = ? AND p.owner = ?",
                                    (uuid, ctx.owner))

    def list(self, ctx: Context) -> Response:
        where, args = ["p.owner = ?"], [ctx.owner]
        ctx.filter(where, args, {
            "date": ("p.date", parse_date),
            "telescope": ("p.telescope", parse_uuid),
            "observing_site": ("p.site", parse_uuid),
            "targetlist": ("p.targetlist", parse_uuid),
        })
        return ctx.paginate(NIGHTPLAN_SELECT, where, args, "p.date, p.created, p.uuid",
                            lambda row: nightplan(ctx, row))

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        return json_response(nightplan(ctx, self._get(ctx, uuid)))

    def _targetlist(self, ctx: Context, value: Any) -> str | None:
        if value in (None, ""):
            return None
        uuid = parse_uuid(value, "targetlist")
        if ctx.db.one("SELECT 1 FROM targetlists WHERE uuid = ? AND owner = ?",
                      (uuid, ctx.owner)) is None:
            raise invalid("targetlist", does_not_exist(uuid))
        return uuid

    def _save(self, ctx: Context, uuid: str, data: dict[str, Any],
              row: sqlite3.Row | None) -> None:
        fields: dict[str, Any] = {}
        if row is None or "date" in data:
            fields["date"] = parse_date(data.get("date"))
        if "telescope" in data:
            fields["telescope"] = find_telescope(ctx, data["telescope"])
        if "observing_site" in data:
            fields["site"] = existing(ctx, "sites", data["observing_site"], "observing_site")
        elif fields.get("telescope") and (row is None or row["site"] is None):
            fields["site"] = ctx.db.scalar("SELECT site FROM telescopes WHERE uuid = ?",
                                           (fields["telescope"],))
        if "targetlist" in data:
            fields["targetlist"] = self._targetlist(ctx, data["targetlist"])
        if "constraints" in data:
            fields["constraints"] = json.dumps(parse_constraints(data["constraints"]))
        slots = parse_slots(ctx, data["slots"]) if "slots" in data else None
        stamp = now()
        with ctx.db.write() as conn:
            save_row(conn, "nightplans", fields, uuid, ctx.owner if row is None else None, stamp)
            if slots is not None:
                conn.execute("DELETE FROM nightplan_slots WHERE plan = ?", (uuid,))
                conn.executemany(
                    'INSERT INTO nightplan_slots (plan, position, target, target_name, start,'
                    ' "end", altitude_start, altitude_end, exposure_time)'
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(uuid, i, *values) for i, values in enumerate(slots)])

    def create(self, ctx: Context) -> Response:
        uuid = new_uuid()
        self._save(ctx, uuid, read_json(ctx.request), None)
        return json_response(nightplan(ctx, self._get(ctx, uuid)), 201)

    def update(self, ctx: Context, uuid: str) -> Response:
        self._save(ctx, uuid, read_json(ctx.request), self._get(ctx, uuid))
        return json_response(nightplan(ctx, self._get(ctx, uuid)))

    def destroy(self, ctx: Context, uuid: str) -> Response:
        self._get(ctx, uuid)
        with ctx.db.write() as conn:
            conn.execute("DELETE FROM nightplans WHERE uuid = ?", (uuid,))
        return json_response(None, 204)

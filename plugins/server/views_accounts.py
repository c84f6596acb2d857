"""Read-only resources: profiles, organisations, observing sites and telescopes."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from . import serializers as s
from .db import Database
from .resource import Resource
from .rest import Context, does_not_exist, forbidden, invalid, json_response, not_found, parse_uuid


def profile_of(db: Database, username: str) -> dict[str, Any] | None:
    row = db.one("SELECT * FROM users WHERE username = ?", (username,))
    if row is None:
        return None
    memberships = db.all(
        "SELECT m.role, o.subdomain, o.name FROM memberships m"
        " JOIN organisations o ON o.subdomain = m.subdomain WHERE m.username = ?"
        " ORDER BY o.subdomain",
        (username,),
    )
    return s.profile(row, memberships)


class Profiles(Resource):
    name = "profiles"
    id_kind = "str"

    def list(self, ctx: Context) -> Response:
        return ctx.paginate(
            "SELECT username FROM users", ["username = ?"], [ctx.username], "username",
            lambda row: profile_of(ctx.db, row["username"]) or {},
        )

    def retrieve(self, ctx: Context, username: str) -> Response:
        if username != ctx.username:
            if ctx.db.one("SELECT 1 FROM users WHERE username = ?", (username,)) is None:
                raise not_found()
            raise forbidden()
        return json_response(profile_of(ctx.db, username))


class Organisations(Resource):
    name = "organisations"
    id_kind = "str"
    prefixable = False

    def list(self, ctx: Context) -> Response:
        """Only the caller's portals: the list is no directory of every portal on the server."""
        member = "subdomain IN (SELECT subdomain FROM memberships WHERE username = ?)"
        return ctx.paginate("SELECT * FROM organisations", [member], [ctx.username], "subdomain",
                            s.organisation)

    def retrieve(self, ctx: Context, subdomain: str) -> Response:
        row = ctx.one_or_not_found("SELECT * FROM organisations WHERE subdomain = ?", (subdomain,))
        return json_response(s.organisation(row))


class ObservingSites(Resource):
    name = "observingsites"

    def list(self, ctx: Context) -> Response:
        where: list[str] = []
        args: list[Any] = []
        ctx.filter(where, args, {"name": ("s.name", None)})
        return ctx.paginate(s.SITE_SELECT, where, args, "s.name, s.uuid", s.site)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        row = ctx.one_or_not_found(f"{s.SITE_SELECT} WHERE s.uuid = ?", (uuid,))
        return json_response(s.site(row))


def visible_telescopes(ctx: Context) -> tuple[str, list[Any]]:
    """A WHERE clause (on alias ``t``) for the telescopes the caller may see and use."""
    if ctx.portal is not None:
        return "(t.owner IS NULL OR t.owner = ?)", [ctx.owner]
    return (
        "(t.owner IS NULL OR t.owner = ? OR t.owner IN"
        " (SELECT 'org:' || subdomain FROM memberships WHERE username = ?))",
        [ctx.owner, ctx.username],
    )


def find_telescope(ctx: Context, value: Any, field_name: str = "telescope") -> str | None:
    """A visible telescope's uuid from a request field (None stays None); 400 otherwise."""
    if value in (None, ""):
        return None
    uuid = parse_uuid(value, field_name)
    clause, params = visible_telescopes(ctx)
    row = ctx.db.one(f"SELECT t.uuid FROM telescopes t WHERE t.uuid = ? AND {clause}",
                     [uuid, *params])
    if row is None:
        raise invalid(field_name, does_not_exist(uuid))
    return str(row["uuid"])


class Telescopes(Resource):
    name = "telescopes"

    def list(self, ctx: Context) -> Response:
        clause, params = visible_telescopes(ctx)
        where, args = [clause], list(params)
        ctx.filter(where, args, {"name": ("t.name", None), "observing_site": ("t.site", parse_uuid)})
        return ctx.paginate(s.TELESCOPE_SELECT, where, args, "t.name, t.uuid", s.telescope)

    def retrieve(self, ctx: Context, uuid: str) -> Response:
        clause, params = visible_telescopes(ctx)
        row = ctx.one_or_not_found(f"{s.TELESCOPE_SELECT} WHERE t.uuid = ? AND {clause}", [uuid, *params])
        return json_response(s.telescope(row))

"""A portal's members: ``<subdomain>/members/``, read by every member, changed by its admins.

Always portal-prefixed (without a prefix the path is not found). A POST for someone already a
member changes their role; the last admin can be neither removed nor made a member (409).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from .resource import Resource
from .rest import ApiError, Context, detail, forbidden, invalid, json_response, not_found, read_json

#: The roles a member may be given: the public client's two, and the embedded server's read-only
#: one (``arcsecond server addportal --member NAME:viewer``).
ROLES = ("member", "admin", "viewer")
MEMBER_SELECT = "SELECT id, username, subdomain, role FROM memberships"
LAST_ADMIN = "A portal needs an admin: {username} is the last admin of {portal}."
ADMINS_ONLY = "Only the admins of this organisation can change its members."


def member(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "username": row["username"], "organisation": row["subdomain"],
            "role": row["role"]}


def _role(data: dict[str, Any]) -> str:
    role = data.get("role", "member")
    if role in (None, ""):
        return "member"
    if role not in ROLES:
        raise invalid("role", f'"{role}" is not a valid choice.')
    return str(role)


def _username(ctx: Context, data: dict[str, Any]) -> str:
    username = data.get("username")
    if username in (None, ""):
        raise invalid("username", "This field is required.")
    if not isinstance(username, str):
        raise invalid("username", "Not a valid string.")
    if ctx.db.one("SELECT 1 FROM users WHERE username = ?", (username,)) is None:
        raise invalid("username", f"Object with username={username} does not exist.")
    return username


def _other_admins(conn: sqlite3.Connection, portal: str, username: str) -> int:
    return int(conn.execute(
        "SELECT COUNT(*) FROM memberships WHERE subdomain = ? AND role = 'admin'"
        " AND username != ?", (portal, username)).fetchone()[0])


class Members(Resource):
    name = "members"
    id_kind = "int"
    portal_only = True

    def _portal(self, ctx: Context) -> str:
        if ctx.portal is None:
            raise not_found("Members belong to a portal: <subdomain>/members/.")
        return ctx.portal

    def _admin(self, ctx: Context) -> str:
        portal = self._portal(ctx)
        if ctx.role != "admin":
            raise forbidden(ADMINS_ONLY)
        return portal

    def _get(self, ctx: Context, member_id: int) -> sqlite3.Row:
        return ctx.one_or_not_found(f"{MEMBER_SELECT} WHERE id = ? AND subdomain = ?",
                                    (member_id, self._portal(ctx)))

    def list(self, ctx: Context) -> Response:
        where, args = ["subdomain = ?"], [self._portal(ctx)]
        ctx.filter(where, args, {"username": ("username", None), "role": ("role", None)})
        return ctx.paginate(MEMBER_SELECT, where, args, "id", member)

    def retrieve(self, ctx: Context, member_id: int) -> Response:
        return json_response(member(self._get(ctx, member_id)))

    def create(self, ctx: Context) -> Response:
        """Add a member (201), or change the role of one already there (200)."""
        portal = self._admin(ctx)
        data = read_json(ctx.request)
        username, role = _username(ctx, data), _role(data)
        with ctx.db.write() as conn:
            existing = conn.execute(f"{MEMBER_SELECT} WHERE username = ? AND subdomain = ?",
                                    (username, portal)).fetchone()
            if existing is None:
                conn.execute("INSERT INTO memberships (username, subdomain, role)"
                             " VALUES (?, ?, ?)", (username, portal, role))
            elif existing["role"] != role:
                if existing["role"] == "admin" and not _other_admins(conn, portal, username):
                    raise detail(409, LAST_ADMIN.format(username=username, portal=portal))
                conn.execute("UPDATE memberships SET role = ? WHERE id = ?",
                             (role, existing["id"]))
        row = ctx.db.one(f"{MEMBER_SELECT} WHERE username = ? AND subdomain = ?",
                         (username, portal))
        if row is None:  # removed by another request meanwhile
            raise ApiError(409, {"detail": "The membership changed meanwhile; try again."})
        return json_response(member(row), 201 if existing is None else 200)

    def destroy(self, ctx: Context, member_id: int) -> Response:
        portal = self._admin(ctx)
        with ctx.db.write() as conn:
            row = conn.execute(f"{MEMBER_SELECT} WHERE id = ? AND subdomain = ?",
                               (member_id, portal)).fetchone()
            if row is None:
                raise not_found()
            if row["role"] == "admin" and not _other_admins(conn, portal, row["username"]):
                raise detail(409, LAST_ADMIN.format(username=row["username"], portal=portal))
            conn.execute("DELETE FROM memberships WHERE id = ?", (member_id,))
        return json_response(None, 204)

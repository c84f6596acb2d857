"""Who is calling and what they may do: API keys, upload-key scope, portal membership, key checks."""

from __future__ import annotations

import hmac
import re

from werkzeug.wrappers import Request, Response

from .db import Database
from .rest import ApiError, Identity, detail, forbidden, invalid, json_response, not_found, read_json
from .throttle import Throttle, keys_for

HEADER = "X-Arcsecond-API-Authorization"
ROLES = ("admin", "member", "viewer")
READ_ONLY_ROLES = {"viewer"}

UPLOAD_SCOPE = {
    ("datasets", "read"),
    ("datasets", "create"),
    ("telescopes", "read"),
    ("organisations", "read"),
    ("profiles", "read"),
    ("datafiles", "create"),
    # a roof computer holding only the upload key sends its all-sky camera's images
    ("allskycameras", "read"),
    ("allskycameras", "create"),
}

_KEY_RE = re.compile(r"^\s*Key\s+(\S+)\s*$", re.IGNORECASE)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, {"detail": message}, {"WWW-Authenticate": "Key"})


def user_for_key(db: Database, key: str) -> Identity | None:
    """The user owning ``key`` and the key's scope, or None."""
    row = db.one(
        "SELECT username, access_key, upload_key FROM users WHERE access_key = ? OR upload_key = ?",
        (key, key),
    )
    if row is None:
        return None
    scope = "access" if hmac.compare_digest(row["access_key"], key) else "upload"
    return Identity(row["username"], scope)


def authenticate(request: Request, db: Database) -> Identity:
    """The caller named by the request's key header; 401 if absent or unknown."""
    header = request.headers.get(HEADER)
    if not header:
        raise unauthorized("Authentication credentials were not provided.")
    match = _KEY_RE.match(header)
    identity = user_for_key(db, match.group(1)) if match else None
    if identity is None:
        raise unauthorized("Invalid key.")
    return identity


def portal_role(db: Database, identity: Identity, subdomain: str) -> str:
    """The caller's role in the portal; 404 if there is no such portal, 403 if not a member."""
    if db.one("SELECT 1 FROM organisations WHERE subdomain = ?", (subdomain,)) is None:
        raise not_found(f"Organisation '{subdomain}' not found.")
    role = db.scalar(
        "SELECT role FROM memberships WHERE username = ? AND subdomain = ?",
        (identity.username, subdomain),
    )
    if role is None:
        raise forbidden("You are not a member of this organisation.")
    return str(role)


def check_scope(identity: Identity, role: str | None, resource: str, action: str) -> None:
    """403 unless the key's scope (and portal role) allow ``action`` on ``resource``."""
    if identity.scope == "upload" and (resource, action) not in UPLOAD_SCOPE:
        raise forbidden("This action is not allowed with an upload key.")
    if role in READ_ONLY_ROLES and action != "read":
        raise forbidden("Your role in this organisation is read-only.")


def _credentials(request: Request) -> tuple[dict, str, str]:
    data = read_json(request)
    errors = {
        name: ["This field is required."]
        for name in ("username", "key")
        if not isinstance(data.get(name), str) or not data.get(name)
    }
    if errors:
        raise ApiError(400, errors)
    return data, data["username"], data["key"]


def _check_key(request: Request, db: Database, throttle: Throttle, username: str,
               key: str) -> Identity:
    """The key's identity; 400 unless it is ``username``'s. Failures are throttled per client
    address only: a key is 160 random bits, and a count per username would let anyone lock a
    user out of ``arcsecond login`` by failing on purpose."""
    with throttle.check(keys_for(request.remote_addr)) as outcome:
        identity = user_for_key(db, key)
        if identity is None or identity.username != username:
            raise detail(400, "Invalid key.")
        outcome[0] = True
    return identity


def verify_key(request: Request, db: Database, throttle: Throttle) -> Response:
    """``POST auth/key/verify/``: 204 when the key (access or upload) belongs to the user."""
    _data, username, key = _credentials(request)
    _check_key(request, db, throttle, username, key)
    return json_response(None, 204)


def verify_organisation(request: Request, db: Database, throttle: Throttle) -> Response:
    """``POST auth/key/verify-organisation/``: 204 when the user is a member of the portal."""
    data, username, key = _credentials(request)
    subdomain = data.get("organisation")
    if not isinstance(subdomain, str) or not subdomain:
        raise invalid("organisation", "This field is required.")
    identity = _check_key(request, db, throttle, username, key)
    portal_role(db, identity, subdomain)
    return json_response(None, 204)

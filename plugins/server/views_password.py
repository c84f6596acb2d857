"""The password flow of older clients: ``auth/token/``, ``auth/registration/`` and token reads.

A token (``Authorization: Token T``) is accepted only on ``profiles/<u>/``, ``apikey/`` and
``uploadkey/``, and only for its own user; everywhere else the key header rules alone.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.wrappers import Request, Response

from arcsecond_core.errors import ArcsecondError

from .admin import USERNAME_RE, add_user
from .auth import HEADER, unauthorized
from .db import Database
from .passwords import check_password, new_token, password_problems, user_for_token
from .rest import ApiError, detail, forbidden, json_response, method_not_allowed, read_json
from .throttle import Throttle, keys_for
from .views_accounts import profile_of

ENDPOINTS = {"token", "registration", "apikey", "uploadkey"}
BAD_CREDENTIALS = "Unable to log in with provided credentials."
REGISTRATION_CLOSED = "Registration is closed on this server."
_TOKEN_RE = re.compile(r"^\s*Token\s+(\S+)\s*$", re.IGNORECASE)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def routes() -> list[tuple[str, str]]:
    """The URL rules (path, endpoint) this module answers."""
    return [
        ("/auth/token/", "token"),
        ("/auth/registration/", "registration"),
        ("/profiles/<username>/apikey/", "apikey"),
        ("/profiles/<username>/uploadkey/", "uploadkey"),
    ]


def answer(endpoint: str, args: dict[str, Any], request: Request, db: Database,
           registration_open: bool, throttle: Throttle) -> Response | None:
    """The response for a password-flow request, or None when the request is not one."""
    if endpoint == "token":
        return _post_only(request) or obtain_token(request, db, throttle)
    if endpoint == "registration":
        return _post_only(request) or register(request, db, registration_open)
    if endpoint in ("apikey", "uploadkey"):
        if request.method not in ("GET", "HEAD"):
            raise method_not_allowed(request.method)
        row = _token_user_row(request, db, args["username"])
        if endpoint == "apikey":
            return json_response({"api_key": row["access_key"]})
        return json_response({"upload_key": row["upload_key"]})
    is_profile = endpoint == "detail" and args.get("resource") == "profiles"
    if is_profile and not request.headers.get(HEADER) and _token(request) is not None:
        if request.method not in ("GET", "HEAD"):
            raise method_not_allowed(request.method)
        _token_user_row(request, db, args["id"])
        return json_response(profile_of(db, args["id"]))
    return None


def _post_only(request: Request) -> None:
    if request.method != "POST":
        raise method_not_allowed(request.method)


def _token(request: Request) -> str | None:
    match = _TOKEN_RE.match(request.headers.get("Authorization", ""))
    return match.group(1) if match else None


def _token_user_row(request: Request, db: Database, username: str) -> Any:
    """The user row of ``username`` when the request's token is theirs; 401/403 otherwise."""
    token = _token(request)
    if token is None:
        raise unauthorized("Authentication credentials were not provided.")
    owner = user_for_token(db, token)
    if owner is None:
        raise unauthorized("Invalid token.")
    if owner != username:
        raise forbidden()
    return db.one("SELECT * FROM users WHERE username = ?", (username,))


def _text_fields(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The named fields as strings; DRF's field errors for missing or blank ones."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for name in names:
        value = data.get(name)
        if value is None:
            errors[name] = ["This field is required."]
        elif not isinstance(value, str):
            errors[name] = ["Not a valid string."]
        elif not value.strip():
            errors[name] = ["This field may not be blank."]
        else:
            values[name] = value
    if errors:
        raise ApiError(400, errors)
    return values


def obtain_token(request: Request, db: Database, throttle: Throttle) -> Response:
    """``POST auth/token/`` ``{"username", "password"}``: ``{"token": T}``; throttled per
    username and per address (429), the same way whether the username exists or not."""
    fields = _text_fields(read_json(request), ("username", "password"))
    with throttle.check(keys_for(request.remote_addr, fields["username"])) as outcome:
        row = db.one("SELECT password_hash FROM users WHERE username = ?", (fields["username"],))
        matches = check_password(fields["password"], row["password_hash"] if row else None)
        if row is None or not matches:
            raise ApiError(400, {"non_field_errors": [BAD_CREDENTIALS]})
        outcome[0] = True
    return json_response({"token": new_token(db, fields["username"])})


def register(request: Request, db: Database, registration_open: bool) -> Response:
    """``POST auth/registration/``: a new account and ``201 {"key": T}``."""
    if not registration_open:
        raise detail(403, REGISTRATION_CLOSED)
    fields = _text_fields(read_json(request), ("username", "email", "password1", "password2"))
    username, email = fields["username"].strip(), fields["email"].strip()
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = ["Enter a valid username. This value may contain only letters, "
                              "numbers, and @/./+/-/_ characters."]
    elif db.one("SELECT 1 FROM users WHERE username = ?", (username,)) is not None:
        errors["username"] = ["A user with that username already exists."]
    if not _EMAIL_RE.match(email):
        errors["email"] = ["Enter a valid email address."]
    elif db.one("SELECT 1 FROM users WHERE lower(email) = lower(?)", (email,)) is not None:
        errors["email"] = ["A user is already registered with this e-mail address."]
    problems = password_problems(fields["password1"], username)
    if problems:
        errors["password1"] = problems
    if errors:
        raise ApiError(400, errors)
    if fields["password1"] != fields["password2"]:
        raise ApiError(400, {"non_field_errors": ["The two password fields didn't match."]})
    try:
        add_user(db, username, email, password=fields["password1"])
    except ArcsecondError:
        raise ApiError(400, {"username": ["A user with that username already exists."]}) from None
    return json_response({"key": new_token(db, username)}, 201)

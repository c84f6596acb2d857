"""Signing in from a browser: a key or a password gives a session cookie that reads HTML pages.

The session token is random; the server keeps only its SHA-256, with the user, the scope of the
key that opened it and an expiry. The cookie is HttpOnly and SameSite=Strict, and it is honoured
for HTML views (GET and HEAD) alone: API writes and JSON reads still need the key header.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from urllib.parse import unquote, urlsplit

from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Request, Response

from .auth import HEADER, user_for_key
from .db import Database
from .rest import Identity

COOKIE = "arcsecond_session"
#: The sign-in and sign-out forms' token: a random value in a cookie of its own (HttpOnly,
#: SameSite=Strict) that the form must repeat. A page of another site can neither read it nor
#: make the browser send it, so it cannot post either form (double-submit, as Django's).
CSRF_COOKIE = "arcsecond_csrf"
CSRF_FIELD = "csrf_token"
_CSRF_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
LIFETIME = dt.timedelta(hours=12)
BAD_CREDENTIALS = "Unable to sign in with the credentials provided."

SCHEMA = """
CREATE TABLE IF NOT EXISTS browser_sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    expires TEXT NOT NULL
);
"""


def install(db: Database) -> None:
    """Create the session table if this data directory does not have it yet."""
    with db.write() as conn:
        conn.execute(SCHEMA)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def open_session(db: Database, identity: Identity) -> str:
    """A new session for ``identity``; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    moment = _now()
    with db.write() as conn:
        conn.execute("DELETE FROM browser_sessions WHERE expires < ?", (moment.isoformat(),))
        conn.execute(
            "INSERT INTO browser_sessions (token_hash, username, scope, expires) VALUES (?, ?, ?, ?)",
            (_hash(token), identity.username, identity.scope, (moment + LIFETIME).isoformat()),
        )
    return token


def close_session(db: Database, token: str | None) -> None:
    if token:
        with db.write() as conn:
            conn.execute("DELETE FROM browser_sessions WHERE token_hash = ?", (_hash(token),))


def session_identity(request: Request, db: Database) -> Identity | None:
    """Who the request's session cookie names, if it is a live session."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    row = db.one("SELECT username, scope, expires FROM browser_sessions WHERE token_hash = ?",
                 (_hash(token),))
    if row is None or row["expires"] < _now().isoformat():
        return None
    return Identity(row["username"], row["scope"])


def has_key_header(request: Request) -> bool:
    return bool(request.headers.get(HEADER))


def password_matches(stored: str | None, given: str) -> bool:
    """Whether ``given`` matches a stored hash: Werkzeug's formats or Django's pbkdf2_sha256."""
    if not stored or not given:
        return False
    if stored.startswith("pbkdf2_sha256$"):
        try:
            _method, iterations, salt, expected = stored.split("$", 3)
            digest = hashlib.pbkdf2_hmac("sha256", given.encode(), salt.encode(), int(iterations))
        except ValueError:
            return False
        return hmac.compare_digest(base64.b64encode(digest).decode(), expected)
    try:
        return check_password_hash(stored, given)
    except (ValueError, TypeError):
        return False


def users_have_passwords(db: Database) -> bool:
    """Whether this server's accounts can carry a password (the ``users.password`` column)."""
    return any(row["name"] == "password" for row in db.all("PRAGMA table_info(users)"))


def check_credentials(db: Database, username: str, key: str, password: str) -> Identity | None:
    """The identity a sign-in form names: by key (any user, or ``username``'s), else by password."""
    if key:
        identity = user_for_key(db, key)
        if identity is None or (username and identity.username != username):
            return None
        return identity
    if username and password and users_have_passwords(db):
        row = db.one("SELECT password FROM users WHERE username = ?", (username,))
        stored = row["password"] if row is not None else None
        # the same work for an unknown user or an account without a password
        if password_matches(stored or _no_password(), password) and stored:
            return Identity(username, "access")
    return None


@functools.cache
def _no_password() -> str:
    """A hash no password matches, checked when there is none to check."""
    return generate_password_hash(secrets.token_urlsafe(32))


def same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (the ``Origin`` header)."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


#: What a path of ours never holds unescaped: characters a browser drops or rewrites (tabs and
#: newlines are removed, so "/\t/evil.example" is read "//evil.example"; a backslash is read as
#: "/"), other controls, spaces, and anything beyond ASCII (a header holds Latin-1 alone).
_UNSAFE_IN_NEXT = re.compile(r"[^\x21-\x7e]|\\")
_DROPPED = re.compile(r"[\x00-\x20\x7f]")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this server, else ``/``.

    A path starts with one ``/`` and names no scheme or host, read as a browser reads it: nothing
    it would drop or rewrite (tabs, newlines, other controls, spaces, backslashes), and no ``//``
    or ``/\\`` at the start once unescaped (``/%2F%2Fevil.example``), for a server that unescapes."""
    if not value or _UNSAFE_IN_NEXT.search(value):
        return "/"
    unescaped = _DROPPED.sub("", unquote(value)).replace("\\", "/")
    for form in (value, unescaped):
        parts = urlsplit(form)
        if not form.startswith("/") or form.startswith("//") or parts.scheme or parts.netloc:
            return "/"
    return value


def csrf_token(request: Request) -> str:
    """The request's form token: its cookie's when it has one, else a new one."""
    token = request.cookies.get(CSRF_COOKIE, "")
    return token if _CSRF_RE.match(token) else secrets.token_urlsafe(32)


def give_csrf_cookie(response: Response, request: Request, token: str) -> None:
    """Set the form token's cookie, unless the request already carries that token."""
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, path="/", httponly=True, samesite="Strict",
                            secure=request.is_secure)


def form_is_ours(request: Request) -> bool:
    """Whether a posted form came from this server's own page: same origin (when the browser
    says), and the form's token is the cookie's."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = request.form.get(CSRF_FIELD, "")
    return (same_origin(request) and bool(_CSRF_RE.match(cookie))
            and hmac.compare_digest(cookie.encode(), given.encode()))


def set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=int(LIFETIME.total_seconds()), path="/",
                        httponly=True, samesite="Strict", secure=request.is_secure)


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict",
                           secure=request.is_secure)

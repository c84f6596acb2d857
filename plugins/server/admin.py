"""Administration of a data directory (users, sites, telescopes, portals), server running or not."""

from __future__ import annotations

import math
import os
import re
import secrets
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from arcsecond_core.errors import ArcsecondError, UsageError

from . import serializers as s
from .auth import ROLES
from .db import Database
from .passwords import hash_password
from .rest import new_uuid, now, organisation_of
from .workdir import private_dir

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{1,150}$")
SUBDOMAIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
RESERVED_SUBDOMAINS = {
    "auth", "web", "api", "admin", "static", "media", "profiles", "organisations",
    "observingsites", "telescopes", "datasets", "datafiles", "nightlogs", "observations",
    "calibrations", "datapackages", "objects", "exoplanets", "activities", "observingruns",
    "instruments", "satellites", "members", "allskycameras",
}
DEMO = {
    "username": "demo",
    "site": "Demo Observatory",
    "telescope": "Demo Telescope",
    "portal": "demo-observatory",
}


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/arcsecond-server``, else ``~/.local/share/arcsecond-server``."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                           "share")
    return Path(base) / "arcsecond-server"


def open_db(data_dir: Path | str | None, create: bool = False) -> Database:
    """The data directory's database; an error if the directory is missing unless ``create``."""
    path = Path(data_dir) if data_dir else default_data_dir()
    try:
        private_dir(path, create)
        return Database(path)
    except (OSError, sqlite3.Error) as error:
        raise ArcsecondError(f"Cannot open the data directory {path}: {error}") from None


def new_key() -> str:
    return secrets.token_hex(20)


def add_user(db: Database, username: str, email: str = "", password: str | None = None,
             first_name: str = "", last_name: str = "") -> dict[str, Any]:
    """A new user with fresh keys; a password, when given, is stored as a salted hash only."""
    if not USERNAME_RE.match(username):
        raise UsageError(f"Invalid username {username!r}: use letters, digits and @.+-_ only.")
    if password is not None and not password:
        raise UsageError("The password may not be empty.")
    password_hash = hash_password(password) if password else None
    try:
        with db.write() as conn:
            conn.execute(
                "INSERT INTO users (username, email, access_key, upload_key, created,"
                " first_name, last_name, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (username, email or "", new_key(), new_key(), now(), first_name or "",
                 last_name or "", password_hash),
            )
    except sqlite3.IntegrityError:
        raise ArcsecondError(f"User {username!r} already exists.") from None
    return user_keys(db, username)


def user_keys(db: Database, username: str) -> dict[str, Any]:
    row = db.one("SELECT * FROM users WHERE username = ?", (username,))
    if row is None:
        raise ArcsecondError(f"No user named {username!r}.")
    return {"username": row["username"], "email": row["email"],
            "access_key": row["access_key"], "upload_key": row["upload_key"],
            "has_password": row["password_hash"] is not None}


def _number(value: float, name: str, low: float, high: float) -> float:
    if not math.isfinite(value) or not low <= value <= high:
        raise UsageError(f"Invalid {name} {value}: expected a number between {low} and {high}.")
    return value


def check_time_zone(time_zone: str | None) -> str | None:
    if not time_zone:
        return None
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"Unknown time zone {time_zone!r}: use an IANA name such as "
                         "'Europe/Paris'.") from None
    return time_zone


def add_site(db: Database, name: str, longitude: float, latitude: float,
             height: float | None = None, time_zone: str | None = None) -> dict[str, Any]:
    if not name.strip():
        raise UsageError("The site name may not be blank.")
    _number(longitude, "longitude", -180.0, 360.0)
    _number(latitude, "latitude", -90.0, 90.0)
    if longitude > 180.0:
        longitude -= 360.0
    if height is not None:
        _number(height, "height", -500.0, 10000.0)
    if db.one("SELECT 1 FROM sites WHERE lower(name) = lower(?)", (name.strip(),)):
        raise ArcsecondError(f"An observing site named {name.strip()!r} already exists: "
                             "choose another name.")
    uuid = new_uuid()
    with db.write() as conn:
        conn.execute(
            "INSERT INTO sites (uuid, name, longitude, latitude, height, time_zone, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (uuid, name.strip(), longitude, latitude, height, check_time_zone(time_zone), now()),
        )
    return s.site(db.one(f"{s.SITE_SELECT} WHERE s.uuid = ?", (uuid,)))  # type: ignore[arg-type]


def find_site(db: Database, site: str) -> str:
    """A site's uuid from its uuid or its (unambiguous) name."""
    rows = db.all("SELECT uuid FROM sites WHERE uuid = ? OR name = ?", (site.lower(), site))
    if not rows:
        raise ArcsecondError(f"No observing site {site!r}.")
    if len(rows) > 1:
        raise ArcsecondError(f"Several observing sites are named {site!r}: give its uuid.")
    return str(rows[0]["uuid"])


def add_telescope(db: Database, name: str, site: str, owner: str | None = None,
                  portal: str | None = None) -> dict[str, Any]:
    if owner and portal:
        raise UsageError("Give --owner or --portal, not both.")
    if not name.strip():
        raise UsageError("The telescope name may not be blank.")
    site_uuid = find_site(db, site)
    owner_key = None
    if owner:
        user_keys(db, owner)
        owner_key = f"user:{owner}"
    elif portal:
        if db.one("SELECT 1 FROM organisations WHERE subdomain = ?", (portal,)) is None:
            raise ArcsecondError(f"No portal {portal!r}.")
        owner_key = f"org:{portal}"
    if db.one("SELECT 1 FROM telescopes WHERE lower(name) = lower(?) AND owner IS ?",
              (name.strip(), owner_key)):
        whose = f"of {owner_key.split(':', 1)[1]}" if owner_key else "without owner"
        raise ArcsecondError(f"A telescope {whose} named {name.strip()!r} already exists: "
                             "choose another name.")
    uuid = new_uuid()
    with db.write() as conn:
        conn.execute(
            "INSERT INTO telescopes (uuid, name, site, owner, created) VALUES (?, ?, ?, ?, ?)",
            (uuid, name.strip(), site_uuid, owner_key, now()),
        )
    return telescope_info(db, uuid)


def telescope_info(db: Database, uuid: str) -> dict[str, Any]:
    row = db.one("SELECT * FROM telescopes WHERE uuid = ?", (uuid,))
    assert row is not None
    owner = row["owner"] or ""
    return {
        **s.telescope(row),
        "owner": owner[5:] if owner.startswith("user:") else None,
        "portal": organisation_of(owner),
    }


def parse_member(text: str) -> tuple[str, str]:
    username, _, role = text.partition(":")
    role = role or "member"
    if role not in ROLES:
        raise UsageError(f"Unknown role {role!r} in {text!r}: use one of {', '.join(ROLES)}.")
    return username, role


def add_portal(db: Database, subdomain: str, name: str | None = None,
               members: list[str] | None = None) -> dict[str, Any]:
    """Create a portal, or add members to (and rename) an existing one."""
    subdomain = subdomain.strip().lower()
    if not SUBDOMAIN_RE.match(subdomain) or subdomain in RESERVED_SUBDOMAINS:
        raise UsageError(f"Invalid portal subdomain {subdomain!r}: use lowercase letters, "
                         "digits and dashes, not a resource name.")
    parsed = [parse_member(member) for member in members or []]
    for username, _role in parsed:
        user_keys(db, username)
    with db.write() as conn:
        exists = conn.execute("SELECT 1 FROM organisations WHERE subdomain = ?",
                              (subdomain,)).fetchone()
        if exists is None:
            conn.execute("INSERT INTO organisations (subdomain, name, created) VALUES (?, ?, ?)",
                         (subdomain, name or subdomain, now()))
        elif name:
            conn.execute("UPDATE organisations SET name = ? WHERE subdomain = ?", (name, subdomain))
        conn.executemany(
            "INSERT INTO memberships (username, subdomain, role) VALUES (?, ?, ?)"
            " ON CONFLICT (username, subdomain) DO UPDATE SET role = excluded.role",
            [(username, subdomain, role) for username, role in parsed],
        )
    return portal_info(db, subdomain)


def portal_info(db: Database, subdomain: str) -> dict[str, Any]:
    row = db.one("SELECT * FROM organisations WHERE subdomain = ?", (subdomain,))
    assert row is not None
    members = db.all("SELECT username, role FROM memberships WHERE subdomain = ?"
                     " ORDER BY username", (subdomain,))
    return {**s.organisation(row),
            "members": [f"{m['username']}:{m['role']}" for m in members]}


def demo(db: Database) -> dict[str, Any]:
    """The demo user, site, telescope and portal: created on the first run, reused afterwards."""
    if db.one("SELECT 1 FROM users WHERE username = ?", (DEMO["username"],)) is None:
        add_user(db, DEMO["username"], "demo@example.org")
    site = db.scalar("SELECT uuid FROM sites WHERE name = ? ORDER BY created LIMIT 1",
                     (DEMO["site"],))
    if site is None:
        site = add_site(db, DEMO["site"], longitude=-70.7375, latitude=-30.2407, height=2715,
                        time_zone="America/Santiago")["uuid"]
    if db.one("SELECT 1 FROM organisations WHERE subdomain = ?", (DEMO["portal"],)) is None:
        add_portal(db, DEMO["portal"], "Demo Observatory", [f"{DEMO['username']}:admin"])
    telescope = db.scalar("SELECT uuid FROM telescopes WHERE name = ? AND owner = ?",
                          (DEMO["telescope"], f"org:{DEMO['portal']}"))
    if telescope is None:
        telescope = add_telescope(db, DEMO["telescope"], str(site), portal=DEMO["portal"])["uuid"]
    keys = user_keys(db, DEMO["username"])
    return {
        "username": keys["username"],
        "access_key": keys["access_key"],
        "upload_key": keys["upload_key"],
        "observing_site": site,
        "telescope": telescope,
        "portal": DEMO["portal"],
    }

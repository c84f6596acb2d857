"""Night logs: the local date of a night (local noon to local noon) and the log a frame joins."""

from __future__ import annotations

import datetime as dt
import sqlite3
from zoneinfo import ZoneInfo

from .rest import new_uuid, now

NOON_SHIFT = dt.timedelta(hours=12)


def local_time(when: dt.datetime, time_zone: str | None, longitude: float | None) -> dt.datetime:
    """``when`` (UTC) as naive local time: the site's zone, else mean solar time, else UTC."""
    when = when.astimezone(dt.timezone.utc) if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    if time_zone:
        return when.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)
    if longitude is not None:
        return (when + dt.timedelta(hours=longitude / 15.0)).replace(tzinfo=None)
    return when.replace(tzinfo=None)


def night_date(when: dt.datetime, time_zone: str | None, longitude: float | None) -> str:
    """The date of the local noon that starts the night containing ``when``."""
    return (local_time(when, time_zone, longitude) - NOON_SHIFT).date().isoformat()


def night_log_for(
    conn: sqlite3.Connection, owner: str, telescope: str | None, when: dt.datetime
) -> str:
    """The uuid of the owner's night log for ``when`` at the telescope's site, created if needed.

    Runs inside the caller's write transaction.
    """
    site_uuid = time_zone = longitude = None
    if telescope is not None:
        row = conn.execute(
            "SELECT s.uuid, s.time_zone, s.longitude FROM telescopes t"
            " JOIN sites s ON s.uuid = t.site WHERE t.uuid = ?",
            (telescope,),
        ).fetchone()
        if row is not None:
            site_uuid, time_zone, longitude = row["uuid"], row["time_zone"], row["longitude"]
    date = night_date(when, time_zone, longitude)
    row = conn.execute(
        "SELECT uuid FROM nightlogs WHERE owner = ? AND COALESCE(telescope, '') = ? AND date = ?",
        (owner, telescope or "", date),
    ).fetchone()
    if row is not None:
        return str(row["uuid"])
    uuid, stamp = new_uuid(), now()
    conn.execute(
        "INSERT INTO nightlogs (uuid, owner, date, telescope, site, created, modified)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (uuid, owner, date, telescope, site_uuid, stamp, stamp),
    )
    return uuid

"""Night logs: the log a frame joins, dated by the local night at its telescope's site."""

from __future__ import annotations

import datetime as dt
import sqlite3

from arcsecond_core.nights import Site, night_date

from .rest import new_uuid, now


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
    date = night_date(when, Site(time_zone, longitude)).isoformat()
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

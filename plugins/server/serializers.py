"""The SELECT behind each resource and the JSON object built from one of its rows."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

SITE_SELECT = (
    "SELECT s.*, (SELECT json_group_array(t.uuid) FROM telescopes t WHERE t.site = s.uuid)"
    " AS telescope_uuids FROM sites s"
)
TELESCOPE_SELECT = "SELECT t.* FROM telescopes t"
DATASET_SELECT = (
    "SELECT d.*, (SELECT COUNT(*) FROM datafiles f WHERE f.dataset = d.uuid) AS files_count"
    " FROM datasets d"
)
NIGHTLOG_SELECT = (
    "SELECT n.*, (SELECT COUNT(*) FROM datafiles f WHERE f.night_log = n.uuid) AS files_count,"
    " (SELECT p.uuid FROM nightplans p WHERE p.owner = n.owner AND p.date = n.date"
    "  AND COALESCE(p.telescope, '') = COALESCE(n.telescope, '')"
    "  ORDER BY p.created DESC, p.uuid LIMIT 1) AS nightplan_uuid"
    " FROM nightlogs n"
)
DATAFILE_SELECT = (
    "SELECT f.*, fr.id AS frame_id, fr.category AS frame_category FROM datafiles f"
    " JOIN datasets d ON d.uuid = f.dataset LEFT JOIN frames fr ON fr.datafile = f.id"
)
FRAME_SELECT = (
    "SELECT fr.* FROM frames fr JOIN datafiles f ON f.id = fr.datafile"
    " JOIN datasets d ON d.uuid = f.dataset"
)
DATAPACKAGE_SELECT = (
    "SELECT p.*,"
    " (SELECT json_group_array(dataset) FROM (SELECT dataset FROM datapackage_datasets"
    "  WHERE package = p.uuid ORDER BY position)) AS dataset_uuids,"
    " (SELECT json_group_array(nightlog) FROM (SELECT nightlog FROM datapackage_nightlogs"
    "  WHERE package = p.uuid ORDER BY position)) AS nightlog_uuids"
    " FROM datapackages p"
)


def _list(value: str | None) -> list[Any]:
    return json.loads(value) if value else []


def profile(db_row: sqlite3.Row, memberships: list[sqlite3.Row]) -> dict[str, Any]:
    return {
        "username": db_row["username"],
        "first_name": db_row["first_name"],
        "last_name": db_row["last_name"],
        "email": db_row["email"],
        "membership_date": db_row["created"],
        "memberships": [
            {
                "role": m["role"],
                "organisation": {"subdomain": m["subdomain"], "name": m["name"]},
            }
            for m in memberships
        ],
    }


def organisation(row: sqlite3.Row) -> dict[str, Any]:
    return {"subdomain": row["subdomain"], "name": row["name"]}


def site(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "longitude": row["longitude"],
        "latitude": row["latitude"],
        "height": row["height"],
        "time_zone": row["time_zone"],
        "telescopes": _list(row["telescope_uuids"]),
    }


def telescope(row: sqlite3.Row) -> dict[str, Any]:
    return {"uuid": row["uuid"], "name": row["name"], "observing_site": row["site"]}


def dataset(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "telescope": row["telescope"],
        "data_files_count": row["files_count"],
        "tags": _list(row["tags"]),
        "created": row["created"],
        "modified": row["modified"],
    }


def nightlog(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "uuid": row["uuid"],
        "date": row["date"],
        "observing_site": row["site"],
        "telescope": row["telescope"],
        "datafiles_count": row["files_count"],
        "nightplan": row["nightplan_uuid"],
        "created": row["created"],
        "modified": row["modified"],
    }


def datafile(row: sqlite3.Row) -> dict[str, Any]:
    category = row["frame_category"]
    return {
        "id": row["id"],
        "dataset": row["dataset"],
        "file_name": row["file_name"],
        "size": row["size"],
        "checksum": row["checksum"],
        "file_type": row["file_type"],
        "compression": row["compression"],
        "is_raw": bool(row["is_raw"]),
        "tags": _list(row["tags"]),
        "night_log": row["night_log"],
        "observation": row["frame_id"] if category == "observation" else None,
        "calibration": row["frame_id"] if category == "calibration" else None,
        "date_obs": row["date_obs"],
        "created": row["created"],
    }


def frame(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "datafile": row["datafile"],
        "night_log": row["night_log"],
        "target_name": row["target_name"],
        "filter": row["filter"],
        "exposure_time": row["exposure_time"],
        "date_obs": row["date_obs"],
        "kind": row["kind"],
    }


def datapackage(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "description": row["description"],
        "datasets": _list(row["dataset_uuids"]),
        "nightlogs": _list(row["nightlog_uuids"]),
        "created": row["created"],
        "modified": row["modified"],
    }

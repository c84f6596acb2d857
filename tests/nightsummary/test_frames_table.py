"""The server's frames table gains its binning column in place, and the server reads it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from arcsecond_plugins.server.db import DB_NAME, Database
from arcsecond_plugins.server.headers import frame_from_headers

OLD_FRAMES = """CREATE TABLE frames (id INTEGER PRIMARY KEY AUTOINCREMENT, category TEXT NOT NULL,
datafile INTEGER NOT NULL, night_log TEXT, target_name TEXT, filter TEXT, exposure_time REAL,
date_obs TEXT, kind TEXT); INSERT INTO frames (category, datafile, kind) VALUES
('calibration', 1, 'bias');"""


def test_an_older_database_gets_the_binning_column(tmp_path: Path) -> None:
    tmp_path.chmod(0o700)
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.executescript(OLD_FRAMES)
    database = Database(tmp_path)
    row = database.one("SELECT kind, binning FROM frames")
    assert row is not None and (row["kind"], row["binning"]) == ("bias", None)
    database.close()


def test_the_server_reads_kind_binning_and_exposure_as_the_summary_does() -> None:
    frame = frame_from_headers({"IMAGETYP": "zero", "EXPOSURE": 0, "CCDXBIN": 2, "CCDYBIN": 2})
    assert (frame["category"], frame["kind"], frame["binning"], frame["exposure_time"]) == (
        "calibration", "bias", "2x2", 0.0)
    focus = frame_from_headers({"IMAGETYP": "Focus", "EXPTIME": 1})
    assert (focus["category"], focus["kind"]) == ("observation", "other")

"""What a failed data-file insert means, told apart on a real database."""

from __future__ import annotations

from pathlib import Path

from arcsecond_plugins.server.db import Database
from arcsecond_plugins.server.rest import Context, Identity
from arcsecond_plugins.server.views_datafiles import DataFiles


def context(db: Database, tmp_path: Path) -> Context:
    return Context(None, db, tmp_path / "files", Identity("ann", "access"), "user:ann")  # type: ignore[arg-type]


def test_conflicts_are_told_apart(tmp_path):
    db = Database(tmp_path / "data")
    with db.write() as conn:
        conn.execute("INSERT INTO datasets (uuid, owner, name, created, modified)"
                     " VALUES ('d1', 'user:ann', 'n', 'now', 'now')")
        conn.execute("INSERT INTO datafiles (dataset, file_name, path, size, checksum, file_type,"
                     " is_raw, created) VALUES ('d1', 'a.fits', 'p', 1, 'c', 'fits', 1, 'now')")
    datafiles = DataFiles(tmp_path / "files", tmp_path / "tmp")
    ctx = context(db, tmp_path)
    taken = datafiles.conflict(ctx, "d1", "a.fits")
    assert taken.status == 400 and "already exists in dataset d1" in taken.body["detail"]
    other = datafiles.conflict(ctx, "d1", "b.fits")
    assert other.status == 409
    with db.write() as conn:
        conn.execute("DELETE FROM datasets WHERE uuid = 'd1'")
    gone = datafiles.conflict(ctx, "d1", "a.fits")
    assert gone.status == 400 and gone.body == {"dataset": ['Invalid pk "d1" - object does not exist.']}
    db.close()

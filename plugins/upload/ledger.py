"""The local ledger: an SQLite file in the config directory remembering what was sent where.

One row per (server, dataset, relative path): the file's size, mtime, sha256 when known, the
name it has on the server and its data file id. A row is written when a file is handed to the
server (``sending``) and when the server confirms it (``sent``), each in its own committed
transaction, so an interrupted run leaves the ledger consistent.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from arcsecond_core.config import config_dir
from arcsecond_core.errors import ArcsecondError
from arcsecond_core.transfer.checksum import sha256_of

LEDGER_FILE = "uploads.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    server TEXT NOT NULL,
    dataset TEXT NOT NULL,
    relative TEXT NOT NULL,
    remote_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    datafile_id INTEGER,
    status TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (server, dataset, relative)
);
CREATE INDEX IF NOT EXISTS files_by_name ON files (server, dataset, remote_name);
"""


@dataclass(frozen=True)
class Entry:
    relative: str
    remote_name: str
    size: int
    mtime_ns: int
    sha256: str | None
    datafile_id: int | None
    status: str

    def same_file(self, size: int, mtime_ns: int) -> bool:
        return self.size == size and self.mtime_ns == mtime_ns


class Ledger:
    """What was sent to one dataset of one server; safe to use from several threads."""

    def __init__(self, server: str, dataset: str, path: Path | None = None) -> None:
        self.server = server
        self.dataset = dataset
        self.path = path or config_dir() / LEDGER_FILE
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ArcsecondError(f"cannot open the upload ledger {self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def entries(self) -> dict[str, Entry]:
        """Every recorded file of this dataset, by relative path."""
        with self._lock:
            rows = self._db.execute(
                "SELECT relative, remote_name, size, mtime_ns, sha256, datafile_id, status"
                " FROM files WHERE server = ? AND dataset = ?",
                (self.server, self.dataset),
            ).fetchall()
        return {row[0]: Entry(*row) for row in rows}

    def record(
        self, relative: str, remote_name: str, size: int, mtime_ns: int, status: str,
        *, sha256: str | None = None, datafile_id: int | None = None,
    ) -> None:
        """Insert or replace the row of ``relative`` (committed at once)."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO files (server, dataset, relative, remote_name, size,"
                " mtime_ns, sha256, datafile_id, status, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self.server, self.dataset, relative, remote_name, size, mtime_ns, sha256,
                 datafile_id, status, time.time()),
            )

    def forget(self, relative: str) -> None:
        with self._lock:
            self._db.execute(
                "DELETE FROM files WHERE server = ? AND dataset = ? AND relative = ?",
                (self.server, self.dataset, relative),
            )

    def checksum(self, path: Path, relative: str, size: int, mtime_ns: int) -> str:
        """The sha256 of a file, from the ledger when it is unchanged, else computed."""
        entry = self.entries_for(relative)
        if entry is not None and entry.sha256 and entry.same_file(size, mtime_ns):
            return entry.sha256
        return sha256_of(path)

    def entries_for(self, relative: str) -> Entry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT relative, remote_name, size, mtime_ns, sha256, datafile_id, status"
                " FROM files WHERE server = ? AND dataset = ? AND relative = ?",
                (self.server, self.dataset, relative),
            ).fetchone()
        return Entry(*row) if row else None

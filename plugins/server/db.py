"""The server's SQLite database: schema, one connection per thread, WAL mode, write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .workdir import private_file

DB_NAME = "arcsecond.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    email TEXT NOT NULL DEFAULT '',
    access_key TEXT NOT NULL UNIQUE,
    upload_key TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
    subdomain TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS memberships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    subdomain TEXT NOT NULL REFERENCES organisations(subdomain) ON DELETE CASCADE,
    role TEXT NOT NULL,
    UNIQUE (username, subdomain)
);
CREATE TABLE IF NOT EXISTS sites (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    longitude REAL NOT NULL,
    latitude REAL NOT NULL,
    height REAL,
    time_zone TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS telescopes (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    site TEXT REFERENCES sites(uuid) ON DELETE SET NULL,
    owner TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    telescope TEXT REFERENCES telescopes(uuid) ON DELETE SET NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS nightlogs (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    date TEXT NOT NULL,
    telescope TEXT REFERENCES telescopes(uuid) ON DELETE SET NULL,
    site TEXT REFERENCES sites(uuid) ON DELETE SET NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS nightlogs_unique
    ON nightlogs (owner, COALESCE(telescope, ''), date);
CREATE TABLE IF NOT EXISTS datafiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset TEXT NOT NULL REFERENCES datasets(uuid) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    file_type TEXT NOT NULL,
    compression TEXT,
    is_raw INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    night_log TEXT REFERENCES nightlogs(uuid) ON DELETE SET NULL,
    date_obs TEXT,
    created TEXT NOT NULL,
    UNIQUE (dataset, file_name)
);
CREATE INDEX IF NOT EXISTS datafiles_night_log ON datafiles (night_log);
CREATE INDEX IF NOT EXISTS datasets_owner ON datasets (owner, created);
CREATE INDEX IF NOT EXISTS nightlogs_owner ON nightlogs (owner, date);
CREATE TABLE IF NOT EXISTS frames (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    category TEXT NOT NULL,
    datafile INTEGER NOT NULL REFERENCES datafiles(id) ON DELETE CASCADE,
    night_log TEXT REFERENCES nightlogs(uuid) ON DELETE SET NULL,
    target_name TEXT,
    filter TEXT,
    exposure_time REAL,
    date_obs TEXT,
    kind TEXT,
    binning TEXT
);
CREATE INDEX IF NOT EXISTS frames_datafile ON frames (datafile);
CREATE TABLE IF NOT EXISTS datapackages (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS datapackages_owner ON datapackages (owner, created);
CREATE TABLE IF NOT EXISTS datapackage_datasets (
    package TEXT NOT NULL REFERENCES datapackages(uuid) ON DELETE CASCADE,
    dataset TEXT NOT NULL REFERENCES datasets(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (package, dataset)
);
CREATE TABLE IF NOT EXISTS datapackage_nightlogs (
    package TEXT NOT NULL REFERENCES datapackages(uuid) ON DELETE CASCADE,
    nightlog TEXT NOT NULL REFERENCES nightlogs(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (package, nightlog)
);
"""

# All-sky cameras and their images (the files are under files/allsky/<camera>/).
ALLSKY_SCHEMA = """
CREATE TABLE IF NOT EXISTS allskycameras (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    site TEXT REFERENCES sites(uuid) ON DELETE SET NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS allskycameras_owner ON allskycameras (owner, created);
CREATE TABLE IF NOT EXISTS allskyimages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera TEXT NOT NULL REFERENCES allskycameras(uuid) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    path TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    utc_timestamp TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS allskyimages_camera ON allskyimages (camera, utc_timestamp);
"""

# Public and older resources (API.md): catalogues the admin imports, activities, observing runs,
# instruments, satellites, and the password flow's hashes and tokens.
LEGACY_SCHEMA = """
CREATE TABLE IF NOT EXISTS custom_objects (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    ra REAL NOT NULL,
    dec REAL NOT NULL,
    object_type TEXT,
    magnitude REAL,
    aliases TEXT NOT NULL DEFAULT '[]',
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS object_aliases (
    alias_key TEXT PRIMARY KEY,
    object_key TEXT NOT NULL REFERENCES custom_objects(key) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS exoplanets (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    star TEXT NOT NULL,
    star_key TEXT NOT NULL,
    ra REAL,
    dec REAL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS exoplanets_star ON exoplanets (star_key, name);
CREATE TABLE IF NOT EXISTS activities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    organisation TEXT REFERENCES organisations(subdomain) ON DELETE SET NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    site TEXT REFERENCES sites(uuid) ON DELETE SET NULL,
    telescope TEXT REFERENCES telescopes(uuid) ON DELETE SET NULL,
    instrument TEXT REFERENCES instruments(uuid) ON DELETE SET NULL,
    target_name TEXT,
    ra REAL,
    dec REAL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS instruments (
    uuid TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    telescope TEXT REFERENCES telescopes(uuid) ON DELETE SET NULL,
    kind TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS observingruns (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    telescope TEXT REFERENCES telescopes(uuid) ON DELETE SET NULL,
    site TEXT REFERENCES sites(uuid) ON DELETE SET NULL,
    start_date TEXT,
    end_date TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS observingruns_owner ON observingruns (owner, created);
CREATE TABLE IF NOT EXISTS observingrun_nightlogs (
    run TEXT NOT NULL REFERENCES observingruns(uuid) ON DELETE CASCADE,
    nightlog TEXT NOT NULL REFERENCES nightlogs(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (run, nightlog)
);
CREATE TABLE IF NOT EXISTS satellites (
    norad_number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    line1 TEXT NOT NULL,
    line2 TEXT NOT NULL,
    epoch TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created TEXT NOT NULL
);
"""
# Planning: targets, target lists and night plans (API.md, "Planning and the night's equipment").
PLANNING_SCHEMA = """
CREATE TABLE IF NOT EXISTS targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    identifier TEXT,
    target_class TEXT NOT NULL,
    mode TEXT NOT NULL,
    object_name TEXT NOT NULL,
    object_ra REAL NOT NULL,
    object_dec REAL NOT NULL,
    ra REAL,
    dec REAL,
    color TEXT,
    notes TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    profile TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS targetlists (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS targetlist_targets (
    list TEXT NOT NULL REFERENCES targetlists(uuid) ON DELETE CASCADE,
    target INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (list, target)
);
CREATE TABLE IF NOT EXISTS nightplans (
    uuid TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    date TEXT NOT NULL,
    site TEXT REFERENCES sites(uuid) ON DELETE SET NULL,
    telescope TEXT REFERENCES telescopes(uuid) ON DELETE SET NULL,
    targetlist TEXT REFERENCES targetlists(uuid) ON DELETE SET NULL,
    constraints TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS nightplans_owner ON nightplans (owner, date);
CREATE TABLE IF NOT EXISTS nightplan_slots (
    plan TEXT NOT NULL REFERENCES nightplans(uuid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    target INTEGER REFERENCES targets(id) ON DELETE SET NULL,
    target_name TEXT NOT NULL,
    start TEXT NOT NULL,
    "end" TEXT NOT NULL,
    altitude_start REAL,
    altitude_end REAL,
    exposure_time REAL,
    PRIMARY KEY (plan, position)
);
"""
# Columns added to the users table after its first release (added in place to older databases).
USER_COLUMNS = {
    "first_name": "TEXT NOT NULL DEFAULT ''",
    "last_name": "TEXT NOT NULL DEFAULT ''",
    "password_hash": "TEXT",
}

# Columns added to the frames table after its first release.
FRAME_COLUMNS = {"binning": "TEXT"}


def add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring an older database's users and frames tables up to date."""
    for table, columns in (("users", USER_COLUMNS), ("frames", FRAME_COLUMNS)):
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column, declaration in columns.items():
            if column not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas every connection needs (WAL, foreign keys, busy timeout)."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def number_memberships(conn: sqlite3.Connection) -> None:
    """Give an older database's memberships their integer ids (the ``members`` resource's), in
    the order they were made; the table is rebuilt in one transaction."""
    def numbered() -> bool:
        return "id" in {row[1] for row in conn.execute("PRAGMA table_info(memberships)")}

    if numbered():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if numbered():  # another server process on this data directory did it meanwhile
            conn.execute("ROLLBACK")
            return
        conn.execute("ALTER TABLE memberships RENAME TO memberships_unnumbered")
        conn.execute(
            "CREATE TABLE memberships (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,"
            " subdomain TEXT NOT NULL REFERENCES organisations(subdomain) ON DELETE CASCADE,"
            " role TEXT NOT NULL, UNIQUE (username, subdomain))"
        )
        conn.execute("INSERT INTO memberships (username, subdomain, role) SELECT username,"
                     " subdomain, role FROM memberships_unnumbered ORDER BY rowid")
        conn.execute("DROP TABLE memberships_unnumbered")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Database:
    """The data directory's database, one connection per thread and one writer at a time."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = self.data_dir / DB_NAME
        private_file(self.path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._pool: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        conn = connect(self.path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(SCHEMA)
        conn.executescript(LEGACY_SCHEMA)
        conn.executescript(PLANNING_SCHEMA)
        add_missing_columns(conn)
        number_memberships(conn)
        conn.executescript(ALLSKY_SCHEMA)
        conn.close()

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, taken from the pool (or opened) on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with self._pool_lock:
                conn = self._pool.pop() if self._pool else None
            if conn is None:
                conn = connect(self.path)
            self._local.conn = conn
        return conn

    def release(self) -> None:
        """Give this thread's connection back to the pool (the server calls it after each request)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with self._pool_lock:
            if len(self._pool) < 16:
                self._pool.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close this thread's connection and every pooled one."""
        self.release()
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()

    def one(self, sql: str, params: tuple | list = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple | list = ()) -> object:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self._write_lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


def save_row(conn: sqlite3.Connection, table: str, fields: dict[str, object], uuid: str,
             owner: str | None, stamp: str) -> None:
    """Insert the row ``uuid`` of ``table`` with ``fields`` (when ``owner`` is given: a new
    object of that owner), else update those fields; ``modified`` is ``stamp`` either way."""
    values = dict(fields, modified=stamp)
    if owner is not None:
        values.update(uuid=uuid, owner=owner, created=stamp)
        conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES"
                     f" ({', '.join('?' for _ in values)})", list(values.values()))
    else:
        sets = ", ".join(f"{key} = ?" for key in values)
        conn.execute(f"UPDATE {table} SET {sets} WHERE uuid = ?", [*values.values(), uuid])

"""Catalogues an admin imports into a data directory: objects (CSV), exoplanets (the NASA
Exoplanet Archive's CSV), satellites (TLE); and instruments added one by one."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

from arcsecond_core.errors import ArcsecondError, UsageError

from .catalogues.coordinates import normalize
from .db import Database
from .rest import new_uuid, now

OBJECT_COLUMNS = ("name", "ra", "dec")
EXOPLANET_NUMBERS = ("ra", "dec", "pl_orbper", "pl_orbsmax", "pl_orbeccen", "pl_orbincl",
                     "pl_bmassj", "pl_radj", "pl_eqt")
MAX_PROBLEMS_SHOWN = 20


def read_text(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ArcsecondError(f"No such file: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ArcsecondError(f"Cannot read {path}: {error}") from None


def _summary(kind: str, count: int, problems: list[str]) -> dict[str, Any]:
    if count == 0:
        shown = "; ".join(problems[:3]) or "the file is empty"
        raise ArcsecondError(f"No {kind} imported: {shown}")
    return {"imported": count, "skipped": len(problems),
            "problems": problems[:MAX_PROBLEMS_SHOWN]}


def _number(text: str | None, column: str) -> float | None:
    if text is None or not text.strip():
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{column}: not a finite number")
    return value


def _angle(text: str, column: str, hours: bool) -> float:
    """Degrees from ``text``: a number of degrees, or sexagesimal (``hh:mm:ss`` for ra)."""
    if any(mark in text for mark in ": hdm"):
        from astropy import units as u
        from astropy.coordinates import Angle

        return float(Angle(text, unit=u.hourangle if hours else u.deg).deg)
    value = _number(text, column)
    if value is None:
        raise ValueError(f"{column} is empty")
    return value


def import_objects(db: Database, path: Path | str) -> dict[str, Any]:
    """CSV columns ``name, ra, dec`` (degrees, or sexagesimal), optional ``type``,
    ``magnitude`` and ``aliases`` (separated by ``;``). A name seen before is replaced."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    missing = [c for c in OBJECT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageError(f"{path}: missing column(s) {', '.join(missing)} (expected name, ra, dec"
                         ", and optionally type, magnitude, aliases)")
    rows, problems = [], []
    for line, record in enumerate(reader, start=2):
        try:
            name = (record.get("name") or "").strip()
            if not normalize(name):
                raise ValueError("name is empty")
            ra = _angle(record["ra"] or "", "ra", hours=True)
            dec = _angle(record["dec"] or "", "dec", hours=False)
            if not (0 <= ra < 360 and -90 <= dec <= 90):
                raise ValueError("ra must be in [0, 360) and dec in [-90, 90] degrees")
            aliases = [a.strip() for a in (record.get("aliases") or "").split(";") if a.strip()]
            rows.append((normalize(name), name, ra, dec, (record.get("type") or "").strip(),
                         _number(record.get("magnitude"), "magnitude"), aliases))
        except (ValueError, TypeError) as error:
            problems.append(f"line {line}: {error}")
    with db.write() as conn:
        for key, name, ra, dec, kind, magnitude, aliases in rows:
            conn.execute("DELETE FROM custom_objects WHERE key = ?", (key,))
            conn.execute(
                "INSERT INTO custom_objects (key, name, ra, dec, object_type, magnitude, aliases,"
                " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, name, ra, dec, kind or None, magnitude, json.dumps(aliases), now()))
            conn.executemany(
                "INSERT OR REPLACE INTO object_aliases (alias_key, object_key) VALUES (?, ?)",
                [(normalize(a), key) for a in aliases if normalize(a) != key])
    return _summary("objects", len(rows), problems)


def _archive_rows(text: str) -> csv.DictReader:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return csv.DictReader(lines)


def import_exoplanets(db: Database, path: Path | str) -> dict[str, Any]:
    """The archive's "Planetary Systems Composite Parameters" CSV (``#`` comment lines)."""
    reader = _archive_rows(read_text(path))
    missing = [c for c in ("pl_name", "hostname") if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageError(f"{path}: missing column(s) {', '.join(missing)}: not a Planetary "
                         "Systems Composite Parameters CSV file")
    numeric = [c for c in reader.fieldnames or []
               if c in EXOPLANET_NUMBERS or c.removesuffix("err1") in EXOPLANET_NUMBERS
               or c.removesuffix("err2") in EXOPLANET_NUMBERS]
    rows, problems = [], []
    for line, record in enumerate(reader, start=1):
        try:
            name, star = (record.get("pl_name") or "").strip(), (record.get("hostname") or "").strip()
            if not normalize(name) or not normalize(star):
                raise ValueError("pl_name and hostname may not be empty")
            data: dict[str, Any] = {c: _number(record.get(c), c) for c in numeric}
            year = (record.get("disc_year") or "").strip()
            data["disc_year"] = int(float(year)) if year else None
            data["discoverymethod"] = (record.get("discoverymethod") or "").strip() or None
            rows.append((normalize(name), name, star, normalize(star), data.get("ra"),
                         data.get("dec"), json.dumps(data)))
        except (ValueError, TypeError) as error:
            problems.append(f"data row {line}: {error}")
    with db.write() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO exoplanets (key, name, star, star_key, ra, dec, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return _summary("exoplanets", len(rows), problems)


def import_satellites(db: Database, path: Path | str) -> dict[str, Any]:
    """Two- or three-line element sets; a NORAD number seen before is replaced."""
    from .catalogues.satellites import MissingSgp4, parse_tle

    try:
        found, problems = parse_tle(read_text(path))
    except MissingSgp4:
        raise ArcsecondError("Importing satellites needs the sgp4 package: "
                             "pip install 'arcsecond-cli[satellites]'") from None
    with db.write() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO satellites (norad_number, name, line1, line2, epoch)"
            " VALUES (?, ?, ?, ?, ?)",
            [(t.norad_number, t.name, t.line1, t.line2, t.epoch) for t in found])
    return _summary("satellites", len(found), problems)


def add_instrument(db: Database, name: str, telescope: str | None = None,
                   kind: str | None = None) -> dict[str, Any]:
    """A new instrument, on a telescope (uuid or unambiguous name) or on none."""
    if not name.strip():
        raise UsageError("The instrument name may not be blank.")
    telescope_uuid = None
    if telescope:
        rows = db.all("SELECT uuid FROM telescopes WHERE uuid = ? OR name = ?",
                      (telescope.lower(), telescope))
        if not rows:
            raise ArcsecondError(f"No telescope {telescope!r}.")
        if len(rows) > 1:
            raise ArcsecondError(f"Several telescopes are named {telescope!r}: give its uuid.")
        telescope_uuid = str(rows[0]["uuid"])
    uuid = new_uuid()
    with db.write() as conn:
        conn.execute("INSERT INTO instruments (uuid, name, telescope, kind, created)"
                     " VALUES (?, ?, ?, ?, ?)", (uuid, name.strip(), telescope_uuid,
                                                 (kind or "").strip() or None, now()))
    return {"uuid": uuid, "name": name.strip(), "telescope": telescope_uuid,
            "kind": (kind or "").strip() or None}

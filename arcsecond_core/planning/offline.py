"""Astronomy with what ships with astropy only: no download, ever, and no warning spam.

astropy would fetch a fresh IERS-A table (Earth orientation) or a JPL ephemeris when asked for
times it does not cover. Planning uses the IERS tables of the installed ``astropy-iers-data``
package and astropy's ``builtin`` ephemeris instead. Past the bundled predictions astropy
extrapolates (UT1-UTC unknown, polar motion from its 50-year mean): an error of about a second
in time, negligible for planning. :func:`accuracy_note` says when a date is past them.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_ready = False


def use_offline_data() -> None:
    """Configure astropy for offline use (idempotent): bundled IERS tables, builtin ephemeris."""
    global _ready
    if _ready:
        return
    from astropy.coordinates import solar_system_ephemeris
    from astropy.utils import iers
    from astropy.utils.data import conf as data_conf

    iers.conf.auto_download = False
    iers.conf.auto_max_age = None
    iers.conf.iers_degraded_accuracy = "ignore"
    data_conf.allow_internet = False
    solar_system_ephemeris.set("builtin")
    with quiet():
        iers.earth_orientation_table.set(bundled_table())
    _ready = True


#: The columns astropy's Earth-orientation lookups read, with their units.
COLUMNS = {"MJD": "d", "UT1_UTC": "s", "UT1Flag": None, "PM_x": "arcsec", "PM_y": "arcsec",
           "PolPMFlag": None, "dX_2000A": "marcsec", "dY_2000A": "marcsec", "NutFlag": None}


def cache_dir() -> Path:
    """Where the parsed tables are kept: ``$XDG_CACHE_HOME/arcsecond`` or ``~/.cache/arcsecond``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "arcsecond"


def bundled_table() -> Any:
    """The bundled IERS-A table (with IERS-B), parsed once and then read from a small cache.

    Parsing the text tables costs most of a second; the cache (numpy arrays, no pickle) is
    keyed by the versions of astropy and astropy-iers-data, and rebuilt when either changes.
    """
    from importlib.metadata import version

    import astropy.units as u
    import numpy as np
    from astropy.utils import iers

    key = f"{version('astropy')}-{version('astropy-iers-data')}"
    path = cache_dir() / f"iers-{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as saved:
            columns = {name: saved[name] * u.Unit(unit) if unit else saved[name]
                       for name, unit in COLUMNS.items()}
            meta = {"predictive_index": int(saved["predictive_index"]),
                    "predictive_mjd": float(saved["predictive_mjd"])}
        return iers.IERS_Auto(columns, meta=meta)
    except (OSError, KeyError, ValueError):
        pass
    table = iers.IERS_Auto.open()
    _save(path, table)
    return table


def _save(path: Path, table: Any) -> None:
    """Keep the table's columns for the next run; a cache that cannot be written is skipped."""
    import numpy as np

    arrays = {name: np.asarray(getattr(table[name], "value", table[name])) for name in COLUMNS}
    arrays["predictive_index"] = np.asarray(table.meta["predictive_index"])
    arrays["predictive_mjd"] = np.asarray(float(getattr(table.meta["predictive_mjd"], "value",
                                                        table.meta["predictive_mjd"])))
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(fd, "wb") as stream:
            np.savez(stream, **arrays)
        os.replace(temporary, path)
    except OSError:
        return


#: astropy's precession-nutation and Earth position, computed every 5 minutes and interpolated
#: between (ErfaAstromInterpolator): the error is far below a milliarcsecond, and transforms of
#: many targets at many different times cost a fraction.
ASTROM_STEP_SECONDS = 300.0


@contextmanager
def quiet() -> Iterator[None]:
    """Transforms with interpolated astrometry, silent about extrapolated Earth orientation.

    astropy warns past the bundled tables; :func:`accuracy_note` says it once instead.
    """
    import astropy.units as u
    from astropy.coordinates.erfa_astrom import ErfaAstromInterpolator, erfa_astrom
    from astropy.utils.exceptions import AstropyWarning
    from erfa import ErfaWarning

    with warnings.catch_warnings(), \
            erfa_astrom.set(ErfaAstromInterpolator(ASTROM_STEP_SECONDS * u.s)):
        warnings.simplefilter("ignore", AstropyWarning)
        warnings.simplefilter("ignore", ErfaWarning)
        yield


def predictions_end() -> dt.date:
    """The last date the bundled Earth-orientation table predicts."""
    from astropy.time import Time
    from astropy.utils import iers

    use_offline_data()
    table = iers.earth_orientation_table.get()
    last = float(table["MJD"][-1].value if hasattr(table["MJD"][-1], "value") else table["MJD"][-1])
    return Time(last, format="mjd").to_datetime().date()


def accuracy_note(date: dt.date) -> str | None:
    """One sentence when ``date`` is past the bundled Earth-orientation predictions, else None."""
    end = predictions_end()
    if date <= end:
        return None
    return (f"note: {date.isoformat()} is past the bundled Earth-orientation predictions "
            f"(to {end.isoformat()}): times may be off by about a second")

"""The OpenNGC catalogue (NGC, IC, Messier and common names) shipped by the ``pyongc`` package."""

from __future__ import annotations

import functools
import math
import re
import sqlite3
from typing import Any

from .coordinates import alias, described, flux, normalize

MAGNITUDE_BANDS = ("B", "V", "J", "H", "K")
SOURCE = "OpenNGC"


def available() -> bool:
    try:
        import pyongc.ongc  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _common_names() -> dict[str, str]:
    """Normalised common name -> OpenNGC name, read once from the package's own database."""
    from pyongc import ongc

    names: dict[str, str] = {}
    conn = sqlite3.connect(f"file:{ongc.DBPATH}?mode=ro", uri=True)
    try:
        for name, common in conn.execute(
                "SELECT name, commonnames FROM objects WHERE commonnames != ''"):
            for one in str(common).split(","):
                names.setdefault(normalize(one), str(name))
    finally:
        conn.close()
    return names


def _candidates(name: str) -> list[str]:
    """The spellings pyongc's identifier patterns may accept for ``name``."""
    spaced = re.sub(r"\s+", " ", name.strip()).upper()
    tight = spaced.replace(" ", "")
    split = re.sub(r"^([A-Z]+)\s*(\d)", r"\1 \2", tight)
    return list(dict.fromkeys([spaced, tight, split]))


def lookup(name: str) -> dict[str, Any] | None:
    """The object ``name`` in OpenNGC, or None."""
    from pyongc import ongc

    found = None
    for candidate in _candidates(name):
        found = ongc.get(candidate)
        if found is not None:
            break
    if found is None:
        official = _common_names().get(normalize(name))
        found = ongc.get(official) if official else None
    if found is None:
        return None
    return _describe(found)


def _describe(dso: Any) -> dict[str, Any]:
    messier, ngc, ic, common, other = dso.identifiers
    names = [dso.name, messier, *(ngc or []), *(ic or []), *(common or []), *(other or [])]
    aliases = [alias(n) for n in dict.fromkeys(n for n in names if n)]
    ra_deg = dec_deg = None
    if dso.rad_coords is not None:
        ra_deg, dec_deg = (math.degrees(float(v)) for v in dso.rad_coords)
    fluxes = [flux(band, float(value))
              for band, value in zip(MAGNITUDE_BANDS, dso.magnitudes, strict=False)
              if value is not None]
    return described(dso.name, ra_deg, dec_deg, source=SOURCE, object_types=[dso.type],
                     aliases=aliases, fluxes=fluxes)

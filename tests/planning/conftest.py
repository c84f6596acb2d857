"""Sites, dates and targets of the planning tests, and astroplan configured offline."""

from __future__ import annotations

import datetime as dt

import pytest

from arcsecond_core.planning.site import Site
from arcsecond_core.planning.targets import SkyTarget

LA_SILLA = Site("La Silla", -29.2567, -70.7377, 2400.0, "America/Santiago")
MAUNA_KEA = Site("Mauna Kea", 19.8207, -155.4681, 4205.0, "Pacific/Honolulu")
TROMSO = Site("Tromsø", 69.6492, 18.9553, 100.0, "Europe/Oslo")
JUNE = dt.date(2026, 6, 21)
DECEMBER = dt.date(2026, 12, 21)

M31 = SkyTarget("M31", 10.6847, 41.2690)
TUC47 = SkyTarget("47 Tuc", 6.0236, -72.0813)  # a southern field
POLARIS = SkyTarget("Polaris", 37.9546, 89.2641)
SIGMA_OCT = SkyTarget("sigma Oct", 317.1954, -88.9565)
JUPITER = SkyTarget("Jupiter", body="jupiter")
MOON = SkyTarget("Moon", body="moon")
FIXED = (M31, TUC47, POLARIS, SIGMA_OCT, SkyTarget("Vega", 279.2347, 38.7837))
ALL = (*FIXED, JUPITER, MOON)


@pytest.fixture(scope="session")
def offline() -> None:
    from arcsecond_core.planning.offline import use_offline_data

    use_offline_data()

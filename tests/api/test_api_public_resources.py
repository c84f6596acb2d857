"""Objects, exoplanets, activities, observing runs, instruments and satellites through the Python
module, against the real embedded server."""

from __future__ import annotations

from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from tests.api.conftest import unique
from tests.server.catalogue_files import EXOPLANETS_CSV, fresh_tle

pytestmark = pytest.mark.e2e


@pytest.fixture
def exoplanets(arcsecond_server: Any) -> None:
    arcsecond_server.admin("import", "exoplanets", str(EXOPLANETS_CSV))


def test_objects_by_name_url_encoded(api: ArcsecondAPI, exoplanets: None) -> None:
    m31 = api.objects.read("M31")
    assert m31["ICRS_coordinates"]["right_ascension"] == pytest.approx(10.6848, abs=1e-3)
    assert api.objects.read("Andromeda Galaxy")["name"] == m31["name"]
    assert api.objects.find("ngc 224")["name"] == m31["name"]
    assert api.objects.read("51 Peg")["planets"] == ["51 Peg b"]
    with pytest.raises(errors.NotFound, match="no object 'No/Such thing'"):
        api.objects.read("No/Such thing")


def test_exoplanets(api: ArcsecondAPI, exoplanets: None) -> None:
    names = [p["name"] for p in api.exoplanets.list(parent_star="TRAPPIST-1")]
    assert names == ["TRAPPIST-1 e", "TRAPPIST-1 f"]
    planet = api.exoplanets.read("51 Peg b")
    assert planet["parent_star"] == "51 Peg" and planet["mass"]["unit"] == "M_jup"
    assert len(list(api.exoplanets.list(page_size=1, limit=3))) == 3


def test_activities_crud(api: ArcsecondAPI) -> None:
    created = api.activities.create(title="Tonight", content="M42",
                                    coordinates={"right_ascension": 83.8, "declination": -5.4})
    assert api.activities.read(created["id"])["title"] == "Tonight"
    assert next(iter(api.activities.list()))["id"] == created["id"]  # newest first
    assert api.activities.update(created["id"], title="Tomorrow")["title"] == "Tomorrow"
    api.activities.delete(created["id"])
    with pytest.raises(errors.NotFound):
        api.activities.read(created["id"])


def test_observing_runs_by_name_and_in_a_portal(api: ArcsecondAPI, arcsecond_client: Any,
                                                 portal: str) -> None:
    name = unique("run")
    run = api.observingruns.create(name=name, start_date="2026-03-01")
    assert api.observingruns.find(name)["uuid"] == run["uuid"]
    with arcsecond_client.api(portal=portal) as inside:
        there = inside.observingruns.create(name=name)
        assert there["organisation"] == portal
        assert [r["uuid"] for r in inside.observingruns.list()] == [there["uuid"]]
    api.observingruns.delete(run["uuid"])


def test_instruments_and_satellites(api: ArcsecondAPI, arcsecond_server: Any,
                                    telescope: dict[str, Any], tmp_path: Any) -> None:
    instrument = arcsecond_server.admin("addinstrument", unique("Cam"), "--telescope",
                                        telescope["uuid"])
    assert api.instruments.find(instrument["name"])["uuid"] == instrument["uuid"]
    tle = tmp_path / "sat.tle"
    tle.write_text(fresh_tle(90777, "APISAT"))
    arcsecond_server.admin("import", "satellites", str(tle))
    satellite = api.satellites.read(90777)
    assert satellite["name"] == "APISAT" and 300 < satellite["position"]["altitude_km"] < 500
    assert 90777 in [s["norad_number"] for s in api.satellites.list()]

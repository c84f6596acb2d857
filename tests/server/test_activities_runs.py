"""End-to-end: activities (newest first, only the author changes them), observing runs (owned like
datasets, linking night logs), instruments and satellites."""

from __future__ import annotations

import uuid

import pytest
from astropy.time import Time

from .catalogue_files import INCLINATION_DEG, STATIONS_TLE, fresh_tle
from .conftest import Api

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(server):
    return server.admin("addsite", "Calar Alto", "--longitude", "-2.546", "--latitude", "37.22")


@pytest.fixture(scope="module")
def telescope(server, site, alice):
    return server.admin("addtelescope", "CAHA 3.5m", "--site", site["uuid"], "--owner",
                        alice[0]["username"])


@pytest.fixture(scope="module")
def instrument(server, telescope):
    return server.admin("addinstrument", "PMAS", "--telescope", telescope["uuid"], "--kind",
                        "spectrograph")


def test_activity_create_read_newest_first(alice, bob, site, telescope, instrument):
    api = alice[1]
    first = api.post("activities/", json={"title": "Flats", "content": "Dusk flats"})
    assert first.status_code == 201, first.text
    second = api.post("activities/", json={
        "title": "Observing M31", "content": "Long exposures", "observing_site": site["uuid"],
        "telescope": telescope["uuid"], "instrument": instrument["uuid"], "target_name": "M31",
        "coordinates": {"right_ascension": 10.68, "declination": 41.27},
    })
    assert second.status_code == 201, second.text
    body = second.json()
    assert body["profile"] == alice[0]["username"] and body["organisation"] is None
    assert body["coordinates"] == {"right_ascension": 10.68, "declination": 41.27}
    assert body["instrument"] == instrument["uuid"] and body["observing_site"] == site["uuid"]
    assert isinstance(body["id"], int) and body["creation_date"].endswith("Z")
    listed = [a["id"] for a in bob[1].get("activities/").json()["results"]]
    assert listed.index(body["id"]) < listed.index(first.json()["id"])
    assert bob[1].get(f"activities/{body['id']}/").json() == body


def test_only_the_author_changes_or_deletes(alice, bob):
    created = alice[1].post("activities/", json={"title": "Mine"}).json()
    path = f"activities/{created['id']}/"
    assert bob[1].patch(path, json={"title": "Theirs"}).status_code == 403
    assert bob[1].delete(path).status_code == 403
    changed = alice[1].patch(path, json={"title": "Still mine", "coordinates": None})
    assert changed.status_code == 200 and changed.json()["title"] == "Still mine"
    assert alice[1].delete(path).status_code == 204
    assert bob[1].get(path).status_code == 404


@pytest.mark.parametrize("body,field", [
    ({}, "title"),
    ({"title": "  "}, "title"),
    ({"title": "x", "telescope": str(uuid.uuid4())}, "telescope"),
    ({"title": "x", "instrument": "not-a-uuid"}, "instrument"),
    ({"title": "x", "coordinates": {"right_ascension": 400, "declination": 0}}, "coordinates"),
    ({"title": "x", "coordinates": "10,20"}, "coordinates"),
])
def test_activity_validation(alice, body, field):
    answer = alice[1].post("activities/", json=body)
    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_activities_in_a_portal_and_upload_key(server, alice):
    portal = f"p{uuid.uuid4().hex[:8]}"
    server.admin("addportal", portal, "--member", f"{alice[0]['username']}:member")
    inside = alice[1].in_portal(portal)
    created = inside.post("activities/", json={"title": "Portal night"}).json()
    assert created["organisation"] == portal
    assert [a["id"] for a in inside.get("activities/").json()["results"]] == [created["id"]]
    upload = Api(server, alice[0]["upload_key"])
    assert upload.get("activities/").status_code == 403


def test_observing_runs_crud_with_nightlogs(alice, bob, telescope, site):
    api = alice[1]
    log = api.post("nightlogs/", json={"date": "2026-01-02"}).json()
    run = api.post("observingruns/", json={
        "name": "January run", "telescope": telescope["uuid"], "observing_site": site["uuid"],
        "start_date": "2026-01-01", "end_date": "2026-01-05", "nightlogs": [log["uuid"]],
    })
    assert run.status_code == 201, run.text
    body = run.json()
    assert body["nightlogs"] == [log["uuid"]] and body["organisation"] is None
    assert body["start_date"] == "2026-01-01"
    path = f"observingruns/{body['uuid']}/"
    assert bob[1].get(path).status_code == 404  # another owner's run is not there
    assert api.get("observingruns/", params={"name": "January run"}).json()["count"] == 1
    updated = api.patch(path, json={"name": "Jan run", "nightlogs": []}).json()
    assert updated["name"] == "Jan run" and updated["nightlogs"] == []
    bad = api.patch(path, json={"end_date": "2025-12-31"})
    assert bad.status_code == 400 and list(bad.json()) == ["end_date"]
    assert api.get(path).json()["end_date"] == "2026-01-05"  # nothing changed
    theirs = bob[1].post("nightlogs/", json={"date": "2026-01-03"}).json()
    assert api.patch(path, json={"nightlogs": [theirs["uuid"]]}).status_code == 400
    assert api.delete(path).status_code == 204
    assert api.get(f"nightlogs/{log['uuid']}/").status_code == 200  # the night log stays


def test_observing_runs_in_a_portal(server, alice):
    portal = f"p{uuid.uuid4().hex[:8]}"
    server.admin("addportal", portal, "--member", f"{alice[0]['username']}:viewer")
    inside = alice[1].in_portal(portal)
    assert inside.post("observingruns/", json={"name": "x"}).status_code == 403
    assert inside.get("observingruns/").json()["count"] == 0
    server.admin("addportal", portal, "--member", f"{alice[0]['username']}:admin")
    created = inside.post("observingruns/", json={"name": "Portal run"}).json()
    assert created["organisation"] == portal
    assert alice[1].get(f"observingruns/{created['uuid']}/").status_code == 404


def test_instruments_read_only_and_visibility(server, alice, bob, instrument, telescope):
    assert alice[1].get(f"instruments/{instrument['uuid']}/").json() == {
        "uuid": instrument["uuid"], "name": "PMAS", "telescope": telescope["uuid"],
        "kind": "spectrograph"}
    assert bob[1].get(f"instruments/{instrument['uuid']}/").status_code == 404
    public = server.admin("addinstrument", "Public camera")
    assert public["telescope"] is None
    assert public["uuid"] in [i["uuid"] for i in bob[1].get("instruments/").json()["results"]]
    assert alice[1].post("instruments/", json={"name": "x"}).status_code == 405
    listed = alice[1].get("instruments/", params={"telescope": telescope["uuid"]}).json()
    assert [i["name"] for i in listed["results"]] == ["PMAS"]


def test_satellites_import_list_and_position_now(server, alice, tmp_path):
    tle = tmp_path / "today.tle"
    tle.write_text(fresh_tle(90001, "TESTSAT") + STATIONS_TLE.read_text())
    summary = server.admin("import", "satellites", str(tle))
    assert summary["imported"] == 3 and summary["skipped"] == 1
    listed = alice[1].get("satellites/").json()
    assert [s["norad_number"] for s in listed["results"]] == [25544, 25545, 90001]
    iss = alice[1].get("satellites/25544/").json()
    assert iss["name"] == "ISS (ZARYA)" and iss["epoch"].startswith("2019-12-09T16:38")
    before = Time.now()
    answer = alice[1].get("satellites/90001/")
    assert answer.status_code == 200, answer.text
    position = answer.json()["position"]
    assert abs((Time(position["time"].rstrip("Z")) - before).sec) < 30
    assert abs(position["latitude"]) <= INCLINATION_DEG + 0.5
    assert -180 <= position["longitude"] <= 180
    assert 300 < position["altitude_km"] < 500
    assert alice[1].get("satellites/12/").status_code == 404
    assert alice[1].get("satellites/abc/").status_code == 404

"""End-to-end: targets (resolved by name, or the user's own coordinates), target lists and night
plans, owned like datasets, and a night log's link to the plan of its night."""

from __future__ import annotations

import uuid

import pytest

from .catalogue_files import EXOPLANETS_CSV
from .conftest import Api, fits_bytes, new_user

pytestmark = pytest.mark.e2e

NIGHT = "2026-03-10"


@pytest.fixture(scope="module")
def imported(server):
    return server.admin("import", "exoplanets", str(EXOPLANETS_CSV))


@pytest.fixture(scope="module")
def telescope(server, alice):
    site = server.admin("addsite", "La Silla", "--longitude", "-70.73", "--latitude", "-29.26",
                        "--time-zone", "America/Santiago")
    return server.admin("addtelescope", "ESO 3.6m", "--site", site["uuid"], "--owner",
                        alice[0]["username"])


def make(api: Api, **body) -> dict:
    answer = api.post("targets/", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def slot(target: int, start: str, end: str, **extra) -> dict:
    return {"target": target, "start": start, "end": end, **extra}


def test_targets_resolved_by_name_infer_their_class(alice, imported):
    api = alice[1]
    m31 = make(api, name="M31", notes="Andromeda", tags=["galaxy"], color="#ff0000")
    assert m31["target_class"] == "AstronomicalObject" and m31["mode"] == "catalogue"
    assert m31["identifier"] == "NGC0224" and m31["coordinates"] is None
    position = m31["object"]["equatorial_coordinates"]
    assert position["right_ascension"] == pytest.approx(10.6848, abs=1e-3)
    assert position["declination"] == pytest.approx(41.2690, abs=1e-3)
    assert (m31["notes"], m31["tags"], m31["color"]) == ("Andromeda", ["galaxy"], "#ff0000")
    assert m31["profile"] == alice[0]["username"] and m31["organisation"] is None
    assert make(api, name="Jupiter")["target_class"] == "SolarSystemPlanet"
    planet = make(api, name="51 Peg b")
    assert planet["target_class"] == "Exoplanet" and planet["identifier"] == "51 Peg b"
    assert planet["object"]["equatorial_coordinates"]["right_ascension"] == pytest.approx(
        344.3665854)
    override = make(api, name="Saturn", target_class="StandardStar")
    assert override["target_class"] == "StandardStar"
    assert api.get(f"targets/{m31['id']}/").json() == m31
    assert [t["name"] for t in api.get("targets/", params={"target_class": "Exoplanet"})
            .json()["results"]] == ["51 Peg b"]
    assert api.get("targets/", params={"name": "M31"}).json()["count"] == 1


def test_manual_targets_keep_the_users_coordinates(alice):
    api = alice[1]
    field = make(api, name="Field é 1", coordinates={"right_ascension": 150.1,
                                                     "declination": -30.5})
    assert field["mode"] == "manual" and field["target_class"] == "AstronomicalObject"
    assert field["coordinates"] == {"right_ascension": 150.1, "declination": -30.5}
    assert field["object"]["equatorial_coordinates"] == field["coordinates"]
    # a name that resolves, with the user's own coordinates: they win, the catalogue is kept
    moved = make(api, name="M33", coordinates={"right_ascension": 23.0, "declination": 30.0})
    assert moved["mode"] == "manual" and moved["coordinates"]["right_ascension"] == 23.0
    assert moved["object"]["equatorial_coordinates"]["right_ascension"] == pytest.approx(
        23.462, abs=1e-2)
    back = api.patch(f"targets/{moved['id']}/", json={"coordinates": None}).json()
    assert back["mode"] == "catalogue" and back["coordinates"] is None
    lost = api.patch(f"targets/{field['id']}/", json={"coordinates": None})
    assert lost.status_code == 400 and list(lost.json()) == ["name"]
    assert api.get(f"targets/{field['id']}/").json() == field  # nothing changed
    renamed = api.patch(f"targets/{field['id']}/", json={"notes": "deep", "tags": "a, b"}).json()
    assert renamed["notes"] == "deep" and renamed["tags"] == ["a", "b"]
    assert renamed["coordinates"] == field["coordinates"]


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": "  "}, "name"),
    ({"name": "Nowhere at all"}, "name"),
    ({"name": "M31", "target_class": "Comet"}, "target_class"),
    ({"name": "x", "coordinates": {"right_ascension": 360, "declination": 0}}, "coordinates"),
    ({"name": "x", "coordinates": {"right_ascension": 10, "declination": 91}}, "coordinates"),
    ({"name": "x", "coordinates": {"right_ascension": "ten", "declination": 0}}, "coordinates"),
    ({"name": "x", "coordinates": [10, 20]}, "coordinates"),
    ({"name": "x", "coordinates": {"right_ascension": 1, "declination": 1}, "tags": 5}, "tags"),
])
def test_target_validation_stores_nothing(alice, body, field):
    api = alice[1]
    before = api.get("targets/").json()["count"]
    answer = api.post("targets/", json=body)
    assert answer.status_code == 400, answer.text
    assert list(answer.json()) == [field]
    assert api.get("targets/").json()["count"] == before


def test_target_names_are_unique_per_owner_and_owners_are_apart(alice, bob):
    name = f"Vega {uuid.uuid4().hex[:6]}"
    coords = {"right_ascension": 279.23, "declination": 38.78}
    mine = make(alice[1], name=name, coordinates=coords)
    twice = alice[1].post("targets/", json={"name": name, "coordinates": coords})
    assert twice.status_code == 400 and list(twice.json()) == ["name"]
    make(bob[1], name=name, coordinates=coords)  # another owner may use the same name
    path = f"targets/{mine['id']}/"
    assert bob[1].get(path).status_code == 404
    assert bob[1].patch(path, json={"notes": "x"}).status_code == 404
    assert bob[1].delete(path).status_code == 404
    assert alice[1].get("targets/abc/").status_code == 404
    assert alice[1].request("PUT", "targets/", json={}).status_code == 405


def test_targets_paginate(server):
    _, api = new_user(server)
    for i in range(5):
        make(api, name=f"T{i}", coordinates={"right_ascension": i, "declination": i})
    first = api.get("targets/", params={"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    last = api.get("targets/", params={"page_size": 2, "page": 3}).json()
    assert [t["name"] for t in last["results"]] == ["T4"] and last["next"] is None
    assert api.get("targets/", params={"page": 9}).status_code == 404


def test_targetlists_embed_and_set_their_targets(alice, bob):
    api = alice[1]
    a = make(api, name=f"A {uuid.uuid4().hex[:6]}", coordinates={"right_ascension": 1,
                                                                 "declination": 2})
    b = make(api, name=f"B {uuid.uuid4().hex[:6]}", coordinates={"right_ascension": 3,
                                                                 "declination": 4})
    created = api.post("targetlists/", json={"name": "Tonight", "targets": [b["id"], a["id"]]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert [t["id"] for t in body["targets"]] == [b["id"], a["id"]]
    assert body["targets"][0] == b and body["organisation"] is None
    path = f"targetlists/{body['uuid']}/"
    assert api.get("targetlists/", params={"name": "Tonight"}).json()["results"] == [body]
    changed = api.patch(path, json={"targets": [a["id"]]}).json()
    assert [t["id"] for t in changed["targets"]] == [a["id"]] and changed["name"] == "Tonight"
    twice = api.post("targetlists/", json={"name": "Tonight"})
    assert twice.status_code == 400 and list(twice.json()) == ["name"]
    theirs = make(bob[1], name=f"Bob's {uuid.uuid4().hex[:6]}",
                  coordinates={"right_ascension": 5, "declination": 6})
    for bad in ([theirs["id"]], [999999], ["x"], "1,2", [True]):
        answer = api.patch(path, json={"targets": bad})
        assert answer.status_code == 400 and list(answer.json()) == ["targets"], bad
    assert [t["id"] for t in api.get(path).json()["targets"]] == [a["id"]]
    assert bob[1].get(path).status_code == 404
    assert bob[1].delete(path).status_code == 404
    assert api.delete(f"targets/{a['id']}/").status_code == 204
    assert api.get(path).json()["targets"] == []  # a deleted target leaves its lists
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.get(f"targets/{b['id']}/").status_code == 200  # the targets stay


def test_planning_in_a_portal(server, alice):
    portal = f"p{uuid.uuid4().hex[:8]}"
    server.admin("addportal", portal, "--member", f"{alice[0]['username']}:viewer")
    inside = alice[1].in_portal(portal)
    coords = {"right_ascension": 10, "declination": 10}
    for resource, body in (("targets/", {"name": "P", "coordinates": coords}),
                           ("targetlists/", {"name": "P"}), ("nightplans/", {"date": NIGHT})):
        assert inside.post(resource, json=body).status_code == 403  # a viewer only reads
        assert inside.get(resource).json()["count"] == 0
    server.admin("addportal", portal, "--member", f"{alice[0]['username']}:member")
    shared = make(inside, name="Portal target", coordinates=coords)
    assert shared["organisation"] == portal
    assert alice[1].get(f"targets/{shared['id']}/").status_code == 404
    mine = make(alice[1], name=f"Mine {uuid.uuid4().hex[:6]}", coordinates=coords)
    mixed = inside.post("targetlists/", json={"name": "P", "targets": [mine["id"]]})
    assert mixed.status_code == 400 and list(mixed.json()) == ["targets"]
    plan = inside.post("nightplans/", json={"date": NIGHT, "slots": [
        slot(shared["id"], f"{NIGHT}T23:00:00Z", f"{NIGHT}T23:30:00Z")]})
    assert plan.status_code == 201 and plan.json()["organisation"] == portal
    upload = Api(server, alice[0]["upload_key"])
    assert upload.get("targets/").status_code == 403


def test_nightplans_crud_validation_and_filters(alice, bob, telescope):
    api = alice[1]
    m = make(api, name=f"P1 {uuid.uuid4().hex[:6]}", coordinates={"right_ascension": 80,
                                                                  "declination": -20})
    n = make(api, name=f"P2 {uuid.uuid4().hex[:6]}", coordinates={"right_ascension": 120,
                                                                  "declination": -40})
    targets = api.post("targetlists/", json={"name": f"L {uuid.uuid4().hex[:6]}",
                                             "targets": [m["id"], n["id"]]}).json()
    body = {
        "date": "2026-01-15", "telescope": telescope["uuid"], "targetlist": targets["uuid"],
        "constraints": {"min_altitude": 30, "max_airmass": 2, "min_moon_separation": 20},
        "slots": [slot(n["id"], "2026-01-16T03:00:00Z", "2026-01-16T04:00:00Z",
                       altitude_start=60, altitude_end=55.5, exposure_time=600),
                  slot(m["id"], "2026-01-16T01:00:00+00:00", "2026-01-16T03:00:00",
                       altitude_start=45, altitude_end=70)],
    }
    created = api.post("nightplans/", json=body)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["observing_site"] == telescope["observing_site"]  # the telescope's site
    assert plan["constraints"] == {"min_altitude": 30, "max_airmass": 2,
                                   "min_moon_separation": 20}
    assert [(s["target"], s["start"], s["end"]) for s in plan["slots"]] == [
        (m["id"], "2026-01-16T01:00:00Z", "2026-01-16T03:00:00Z"),
        (n["id"], "2026-01-16T03:00:00Z", "2026-01-16T04:00:00Z")]  # in time order
    assert plan["slots"][1]["target_name"] == n["name"]
    assert plan["slots"][1]["exposure_time"] == 600 and plan["night_log"] is None
    path = f"nightplans/{plan['uuid']}/"
    assert api.get(path).json() == plan
    for params in ({"date": "2026-01-15"}, {"telescope": telescope["uuid"]},
                   {"targetlist": targets["uuid"]},
                   {"observing_site": telescope["observing_site"]}):
        assert [p["uuid"] for p in api.get("nightplans/", params=params).json()["results"]] \
            == [plan["uuid"]], params
    assert api.get("nightplans/", params={"date": "2026-01-14"}).json()["count"] == 0
    assert api.get("nightplans/", params={"date": "15/01"}).status_code == 400
    changed = api.patch(path, json={"slots": [], "constraints": None}).json()
    assert changed["slots"] == [] and changed["constraints"]["min_altitude"] is None
    assert bob[1].get(path).status_code == 404
    assert bob[1].patch(path, json={"slots": []}).status_code == 404
    assert api.delete(path).status_code == 204 and api.get(path).status_code == 404


@pytest.mark.parametrize("slots,message", [
    ([slot(0, "2026-01-16T01:00:00Z", "2026-01-16T02:00:00Z"),
      slot(0, "2026-01-16T01:30:00Z", "2026-01-16T03:00:00Z")], "overlap"),
    ([slot(0, "2026-01-16T02:00:00Z", "2026-01-16T02:00:00Z")], "before the end"),
    ([slot(0, "2026-01-16T03:00:00Z", "2026-01-16T02:00:00Z")], "before the end"),
    ([slot(0, "tonight", "2026-01-16T02:00:00Z")], "ISO 8601"),
    ([slot(0, None, "2026-01-16T02:00:00Z")], "ISO 8601"),
    ([slot(999999, "2026-01-16T01:00:00Z", "2026-01-16T02:00:00Z")], "does not exist"),
    ([slot(0, "2026-01-16T01:00:00Z", "2026-01-16T02:00:00Z", altitude_start=95)], "between"),
    ([slot(0, "2026-01-16T01:00:00Z", "2026-01-16T02:00:00Z", altitude_end="high")], "number"),
    (["M31"], "object"),
    ("all night", "list"),
])
def test_bad_slots_are_400s(alice, slots, message):
    api = alice[1]
    target = make(api, name=f"S {uuid.uuid4().hex[:6]}", coordinates={"right_ascension": 1,
                                                                      "declination": 1})
    for item in slots if isinstance(slots, list) else []:
        if isinstance(item, dict) and item["target"] == 0:
            item["target"] = target["id"]
    before = api.get("nightplans/").json()["count"]
    answer = api.post("nightplans/", json={"date": "2026-01-15", "slots": slots})
    assert answer.status_code == 400, answer.text
    assert list(answer.json()) == ["slots"] and message in answer.json()["slots"][0]
    assert api.get("nightplans/").json()["count"] == before


@pytest.mark.parametrize("body,field", [
    ({}, "date"),
    ({"date": "2026-02-30"}, "date"),
    ({"date": NIGHT, "telescope": str(uuid.uuid4())}, "telescope"),
    ({"date": NIGHT, "observing_site": "nowhere"}, "observing_site"),
    ({"date": NIGHT, "targetlist": str(uuid.uuid4())}, "targetlist"),
    ({"date": NIGHT, "constraints": {"min_altitude": 100}}, "constraints"),
    ({"date": NIGHT, "constraints": {"max_airmass": 0.5}}, "constraints"),
    ({"date": NIGHT, "constraints": {"seeing": 1}}, "constraints"),
    ({"date": NIGHT, "constraints": "strict"}, "constraints"),
])
def test_bad_nightplans_are_400s(alice, body, field):
    answer = alice[1].post("nightplans/", json=body)
    assert answer.status_code == 400, answer.text
    assert list(answer.json()) == [field]


def test_nightlog_links_to_its_plan_as_files_arrive(server, telescope):
    user, api = new_user(server)
    own = server.admin("addtelescope", "ESO 3.6m", "--site", telescope["observing_site"],
                       "--owner", user["username"])
    target = make(api, name="M42", coordinates={"right_ascension": 83.82, "declination": -5.39})
    plan = api.post("nightplans/", json={"date": NIGHT, "telescope": own["uuid"], "slots": [
        slot(target["id"], f"{NIGHT}T23:00:00Z", "2026-03-11T01:00:00Z")]}).json()
    other = api.post("nightplans/", json={"date": NIGHT, "slots": []}).json()  # no telescope
    assert plan["night_log"] is None
    dataset = api.dataset(telescope=own["uuid"])
    upload = api.upload(dataset["uuid"], "m42.fits", fits_bytes({
        "DATE-OBS": "2026-03-11T00:10:00", "OBJECT": "M42", "IMAGETYP": "Light",
        "EXPTIME": 30.0, "FILTER": "R"}))
    assert upload.status_code == 201, upload.text
    log = api.get(f"nightlogs/{upload.json()['night_log']}/").json()
    assert log["date"] == NIGHT and log["nightplan"] == plan["uuid"]
    assert api.get(f"nightplans/{plan['uuid']}/").json()["night_log"] == log["uuid"]
    assert api.get(f"nightplans/{other['uuid']}/").json()["night_log"] is None
    unplanned = api.post("nightlogs/", json={"date": "2026-03-12"}).json()
    assert unplanned["nightplan"] is None
    page = api.get(f"nightlogs/{log['uuid']}/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert 'id="planned"' in html and 'id="observations"' in html
    planned = html.split('id="planned"')[1].split('id="observations"')[0]
    assert "M42" in planned and "2026-03-10 23:00:00 UTC" in planned
    observed = html.split('id="observations"')[1]
    assert "2026-03-11 00:10:00 UTC" in observed and "30 s" in observed
    plan_page = api.get(f"nightplans/{plan['uuid']}/", headers={"Accept": "text/html"}).text
    assert 'id="slots"' in plan_page and "M42" in plan_page
    assert f'href="/nightlogs/{log["uuid"]}/"' in plan_page
    assert api.delete(f"nightplans/{plan['uuid']}/").status_code == 204
    assert api.get(f"nightlogs/{log['uuid']}/").json()["nightplan"] is None


def test_targetlist_page_lists_its_targets(alice):
    api = alice[1]
    target = make(api, name=f"<b>Odd & {uuid.uuid4().hex[:6]}</b>",
                  coordinates={"right_ascension": 10.5, "declination": -20.25})
    listed = api.post("targetlists/", json={"name": f"Page {uuid.uuid4().hex[:6]}",
                                            "targets": [target["id"]]}).json()
    page = api.get(f"targetlists/{listed['uuid']}/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'id="targets"' in page.text and 'id="chart"' in page.text
    assert "&lt;b&gt;Odd &amp;" in page.text and "<b>Odd" not in page.text
    assert "00:42:00" in page.text and "-20:15:00" in page.text  # sexagesimal coordinates

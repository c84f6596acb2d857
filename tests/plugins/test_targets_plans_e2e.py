"""``target``, ``targetlist`` and ``nightplan`` end to end: the real console script against a
real embedded server of this module, checked against what landed on the server."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing import ArcsecondServer, start_server
from arcsecond_core.testing_client import ArcsecondClient, make_client

from ..server.catalogue_files import EXOPLANETS_CSV
from .conftest import assert_error, fits_bytes, table_rows

pytestmark = pytest.mark.e2e

NIGHT = "2026-03-10"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArcsecondServer]:
    running = start_server(tmp_path_factory.mktemp("planning-server"))
    try:
        running.admin("import", "exoplanets", str(EXOPLANETS_CSV))
        yield running
    finally:
        code = running.stop()
    assert code == 0, running.stderr()
    assert "Traceback" not in running.stderr(), running.stderr()


@pytest.fixture(scope="module")
def client(server: ArcsecondServer, tmp_path_factory: pytest.TempPathFactory) -> ArcsecondClient:
    return make_client(server, tmp_path_factory.mktemp("planning-config"))


@pytest.fixture(scope="module")
def api(client: ArcsecondClient) -> Any:
    return client.api()


def on_server(api: Any, name: str) -> list[dict[str, Any]]:
    return list(api.targets.list(name=name))


def test_create_by_name_resolves_and_infers_the_class(client, api) -> None:
    m31 = client.json("target", "create", "--name", "M31", "--notes", "Andromeda",
                      "--tag", "galaxy", "--tag", "local group", "--color", "#ff8800")
    assert (m31["target_class"], m31["mode"], m31["identifier"]) == (
        "AstronomicalObject", "catalogue", "NGC0224")
    stored = api.targets.read(m31["id"])
    assert stored == m31 and stored["tags"] == ["galaxy", "local group"]
    assert stored["object"]["equatorial_coordinates"]["declination"] == pytest.approx(41.269,
                                                                                      abs=1e-2)
    jupiter = client.json("target", "create", "--name", "Jupiter")
    assert jupiter["target_class"] == "SolarSystemPlanet"
    planet = client.json("target", "create", "--name", "51 Peg b")
    assert planet["target_class"] == "Exoplanet"
    star = client.json("target", "create", "--name", "Vega", "--class", "StandardStar")
    assert api.targets.read(star["id"])["target_class"] == "StandardStar"
    rows = table_rows(client.run("target", "list", check=True).stdout)
    assert rows[0] == ["id", "name", "target_class", "mode", "object", "coordinates"]
    assert [str(m31["id"]), "M31", "AstronomicalObject", "catalogue",
            "NGC0224 00:42:44.4 +41:16:09", ""] in rows
    assert client.json("target", "show", "M31") == m31
    assert [t["name"] for t in client.json("target", "list", "--class", "Exoplanet")] == [
        "51 Peg b"]
    assert client.json("targets") == client.json("target", "list")  # the plural alias


def test_manual_target_with_sexagesimal_coordinates(client, api) -> None:
    made = client.json("target", "create", "--name", "Champ «é» n°1", "--ra", "00:42:44.3",
                       "--dec", "+41:16:09")
    assert made["mode"] == "manual" and made["target_class"] == "AstronomicalObject"
    assert made["coordinates"]["right_ascension"] == pytest.approx(10.68458, abs=1e-5)
    assert made["coordinates"]["declination"] == pytest.approx(41.26917, abs=1e-5)
    other = client.json("target", "create", "--name", "Field 2", "--ra", "05h35m17s",
                        "--dec=-05d23m28s")
    assert api.targets.read(other["id"])["coordinates"] == pytest.approx(
        {"right_ascension": 83.8208, "declination": -5.3911}, abs=1e-3)
    moved = client.json("target", "update", "Field 2", "--ra", "83.9", "--dec", "-5.4",
                        "--notes", "moved")
    assert moved["coordinates"] == {"right_ascension": 83.9, "declination": -5.4}
    assert api.targets.read(other["id"])["notes"] == "moved"


@pytest.mark.parametrize("args,code,fragment", [
    (["--name", "Nowhere-at-all"], 1, "No object, exoplanet or solar-system body"),
    (["--name", "Bad ra", "--ra", "25:61:00", "--dec", "10"], 2, "not a right ascension"),
    (["--name", "One half", "--ra", "10"], 2, "give both --ra and --dec"),
])
def test_bad_creates_say_one_line_and_create_nothing(client, api, args, code, fragment) -> None:
    before = len(list(api.targets.list()))
    assert_error(client.run("target", "create", *args), code, fragment)
    assert len(list(api.targets.list())) == before


def test_import_csv_goes_past_a_bad_row(client, api, tmp_path: Path) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(
        "\ufeffname,ra,dec,notes\n"
        "M42,,,Orion\n"
        "Ōumuamua field,10:00:00,-20:00:00,\"odd, quoted; notes\"\n"
        "Nowhere-in-any-catalogue,,,\n"
        "Half,10,,\n"
        "\n"
        "NGC 7000,,,\"North America\"\n", encoding="utf-8")
    proc = client.run("target", "import", str(path), "-f", "csv")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "2 of 5 failed to import" in proc.stderr
    assert "line 4 ('Nowhere-in-any-catalogue')" in proc.stderr
    assert "line 5 ('Half')" in proc.stderr and "give both --ra and --dec" in proc.stderr
    results = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [(r["name"], r["result"]) for r in results] == [
        ("M42", "created"), ("Ōumuamua field", "created"),
        ("Nowhere-in-any-catalogue", "failed"), ("Half", "failed"), ("NGC 7000", "created")]
    odd = on_server(api, "Ōumuamua field")
    assert len(odd) == 1 and odd[0]["notes"] == "odd, quoted; notes"
    assert odd[0]["coordinates"] == pytest.approx({"right_ascension": 150.0, "declination": -20.0})
    assert on_server(api, "M42")[0]["notes"] == "Orion"
    assert on_server(api, "Nowhere-in-any-catalogue") == [] and on_server(api, "Half") == []
    again = client.run("target", "import", str(path), "-f", "json")
    assert again.returncode == 1 and "5 of 5 failed" in again.stderr  # names stay unique
    assert len(on_server(api, "M42")) == 1
    gone = client.run("target", "delete", "NGC 7000", "--yes", check=True)
    assert "deleted target 'NGC 7000'" in gone.stdout and on_server(api, "NGC 7000") == []
    header = tmp_path / "bad.csv"
    header.write_text("title,ra\nM1,1\n")
    assert_error(client.run("target", "import", str(header)), 2, "no 'name' column")


def test_targetlist_create_add_remove(client, api) -> None:
    m31 = client.json("target", "show", "M31")
    made = client.json("targetlist", "create", "--name", "Autumn", "--target", "M31",
                       "--target", "Saturn", "--target", str(m31["id"]))
    saturn = on_server(api, "Saturn")  # a name not yet a target is created by resolution
    assert len(saturn) == 1 and saturn[0]["target_class"] == "SolarSystemPlanet"
    assert [t["name"] for t in made["targets"]] == ["M31", "Saturn"]
    stored = api.targetlists.find("Autumn")
    assert [t["id"] for t in stored["targets"]] == [m31["id"], saturn[0]["id"]]
    added = client.json("targetlist", "add", "Autumn", "51 Peg b", "M31")
    assert [t["name"] for t in added["targets"]] == ["M31", "Saturn", "51 Peg b"]
    removed = client.json("targetlist", "remove", "Autumn", "Saturn")
    assert [t["name"] for t in removed["targets"]] == ["M31", "51 Peg b"]
    assert [t["name"] for t in api.targetlists.find("Autumn")["targets"]] == ["M31", "51 Peg b"]
    assert on_server(api, "Saturn")  # the target stays
    assert_error(client.run("targetlist", "remove", "Autumn", "Saturn"), 1, "not in the list")
    shown = client.run("targetlist", "show", "Autumn", check=True).stdout
    assert "M31  00:42:44.4 +41:16:09  AstronomicalObject" in shown
    listed = table_rows(client.run("targetlists", check=True).stdout)
    assert ["Autumn", stored["uuid"], "M31, 51 Peg b"] == listed[1][:3]


def test_targetlist_with_an_unresolvable_name_leaves_nothing(client, api) -> None:
    before = len(list(api.targets.list()))
    proc = client.run("targetlist", "create", "--name", "Doomed", "--target", "Mars",
                      "--target", "Nowhere-at-all")
    assert_error(proc, 1, "Nowhere-at-all")
    assert on_server(api, "Mars") == []  # created for the list, then deleted again
    assert len(list(api.targets.list())) == before
    assert list(api.targetlists.list(name="Doomed")) == []


def make_plan(api: Any, **fields: Any) -> dict[str, Any]:
    return api.nightplans.create(**fields)


def test_nightplan_list_show_export_delete(client, api, server) -> None:
    site = server.admin("addsite", "La Silla", "--longitude", "-70.73", "--latitude", "-29.26",
                        "--time-zone", "America/Santiago")
    telescope = server.admin("addtelescope", "ESO 3.6m", "--site", site["uuid"], "--owner",
                             client.username)
    m31, field = api.targets.find("M31"), api.targets.find("Field 2")
    targets = api.targetlists.create(name="Plan list", targets=[m31["id"], field["id"]])
    plan = make_plan(api, date=NIGHT, telescope=telescope["uuid"], targetlist=targets["uuid"],
                     constraints={"min_altitude": 30}, slots=[
                         {"target": m31["id"], "start": f"{NIGHT}T23:30:00Z",
                          "end": "2026-03-11T00:30:00Z", "altitude_start": 35.5,
                          "altitude_end": 31.0, "exposure_time": 300},
                         {"target": field["id"], "start": f"{NIGHT}T23:00:00Z",
                          "end": f"{NIGHT}T23:30:00Z", "altitude_start": 70,
                          "altitude_end": 66}])
    other = make_plan(api, date=NIGHT, slots=[])
    shown = client.json("nightplan", "show", plan["uuid"])
    assert {"uuid", "date", "observing_site", "targetlist", "slots"} <= set(shown)
    assert shown["observing_site"] == site["uuid"] and shown["targetlist"] == targets["uuid"]
    assert [s["target"] for s in shown["slots"]] == [field["id"], m31["id"]]
    assert_error(client.run("nightplan", "show", NIGHT), 1, "2 nightplans are dated",
                 "--telescope")
    table = client.run("nightplan", "show", plan["uuid"], check=True).stdout
    assert "23:00-23:30 UTC  Field 2  70°→66°" in table
    assert {p["uuid"] for p in api.nightplans.list()} == {plan["uuid"], other["uuid"]}
    rows = table_rows(client.run("nightplans", "--telescope", "ESO 3.6m", check=True).stdout)
    assert rows[1][:2] == [NIGHT, plan["uuid"]] and rows[1][4] == "2" and len(rows) == 2
    exported = client.run("nightplan", "export", plan["uuid"], "-f", "csv", check=True).stdout
    lines = list(csv.DictReader(io.StringIO(exported)))
    assert [r["target"] for r in lines] == ["Field 2", "M31"]
    first, second = lines
    assert (first["start"], first["end"]) == (f"{NIGHT}T23:00:00Z", f"{NIGHT}T23:30:00Z")
    assert float(first["right_ascension"]) == pytest.approx(83.9)
    assert first["duration"] == "1800.0" and first["exposure_time"] == ""
    assert second["ra_sexagesimal"] == "00:42:44.4" and second["dec_sexagesimal"] == "+41:16:09"
    assert second["exposure_time"] == "300.0" and second["altitude_start"] == "35.5"
    as_json = client.json("nightplan", "export", NIGHT, "--telescope", "ESO 3.6m")
    assert as_json[1]["target"] == "M31" and as_json[1]["duration"] == 3600.0
    proc = client.run("nightplan", "delete", plan["uuid"], "--yes", check=True)
    assert "deleted night plan" in proc.stdout
    assert [p["uuid"] for p in api.nightplans.list()] == [other["uuid"]]
    assert api.targetlists.read(targets["uuid"])["name"] == "Plan list"  # the list stays
    assert_error(client.run("nightplan", "show", "yesterday"), 2, "neither a night plan's UUID")


def test_night_log_links_to_its_plan_and_its_page_shows_both(client, api, server,
                                                             tmp_path: Path) -> None:
    telescope = next(t for t in api.telescopes.list() if t["name"] == "ESO 3.6m")
    m31 = api.targets.find("M31")
    plan = make_plan(api, date="2026-03-12", telescope=telescope["uuid"], slots=[
        {"target": m31["id"], "start": "2026-03-12T23:30:00Z", "end": "2026-03-13T00:30:00Z"}])
    frame = tmp_path / "m31.fits"
    frame.write_bytes(fits_bytes("2026-03-12T23:40:00", target="M31"))
    client.run("upload", str(tmp_path), "-d", "Planned night", "--telescope", "ESO 3.6m",
               "--yes", check=True)
    logs = client.json("nightlog", "list", "--date", "2026-03-12")
    assert len(logs) == 1 and logs[0]["nightplan"] == plan["uuid"]
    assert client.json("nightplan", "show", plan["uuid"])["night_log"] == logs[0]["uuid"]
    import requests

    page = requests.get(f"{client.url}/nightlogs/{logs[0]['uuid']}/", timeout=30, headers={
        "Accept": "text/html", **server.headers(client.access_key)})
    planned = page.text.split('id="planned"')[1].split('id="observations"')[0]
    assert "M31" in planned and "2026-03-12 23:30:00 UTC" in planned
    assert "2026-03-12 23:40:00 UTC" in page.text.split('id="observations"')[1]
    assert json.loads(client.run("nightlog", "show", logs[0]["uuid"], "-f", "json",
                                 check=True).stdout)["nightplan"] == plan["uuid"]

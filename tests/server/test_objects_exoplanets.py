"""End-to-end: ``objects/<name>/`` resolved offline, ``exoplanets/`` imported from the archive's
CSV, and the admin's ``server import`` commands."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from arcsecond_core.testing import arcsecond_script, start_server

from .catalogue_files import EXOPLANETS_CSV, OBJECTS_CSV

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def imported(server):
    return {
        "exoplanets": server.admin("import", "exoplanets", str(EXOPLANETS_CSV)),
        "objects": server.admin("import", "objects", str(OBJECTS_CSV)),
    }


def coordinates_of(answer) -> tuple[float, float]:
    body = answer.json()
    assert body["coordinates"] == body["ICRS_coordinates"]
    coords = body["coordinates"]
    assert coords["system"] == "ICRS"
    assert coords["right_ascension_units"] == coords["declination_units"] == "degrees"
    return coords["right_ascension"], coords["declination"]


@pytest.mark.parametrize("name", ["M31", "m 31", "M  31", "NGC 224", "ngc224", "Andromeda Galaxy",
                                  "andromeda   galaxy"])
def test_m31_under_every_spelling(alice, name):
    answer = alice[1].get(f"objects/{name}/")
    assert answer.status_code == 200, answer.text
    ra, dec = coordinates_of(answer)
    assert ra == pytest.approx(10.6848, abs=1e-3) and dec == pytest.approx(41.2691, abs=1e-3)
    body = answer.json()
    assert body["name"] == "NGC0224"
    assert {"M031", "Andromeda Galaxy", "PGC 002557"} <= {a["name"] for a in body["aliases"]}
    assert body["object_types"] == [{"value": "Galaxy"}]
    assert {f["name"]: f["value"] for f in body["fluxes"]}["V"] == pytest.approx(3.44)
    assert body["ra_sexagesimal"].startswith("00:42:44")
    assert body["dec_sexagesimal"].startswith("+41:16:0")
    assert body["constellation"] == "Andromeda"
    assert body["coordinates"]["epoch"] == 2451545


def test_bright_star(alice):
    answer = alice[1].get("objects/sirius/")
    ra, dec = coordinates_of(answer)
    assert ra == pytest.approx(101.287, abs=0.01) and dec == pytest.approx(-16.716, abs=0.01)
    assert answer.json()["name"] == "Sirius"
    assert answer.json()["object_types"] == [{"value": "Star"}]
    assert answer.json()["fluxes"][0]["value"] == pytest.approx(-1.44, abs=0.05)


def test_solar_system_body_is_placed_now(alice):
    from astropy.time import Time

    before = Time.now().jd
    answer = alice[1].get("objects/Jupiter/")
    after = Time.now().jd
    ra, dec = coordinates_of(answer)
    body = answer.json()
    assert before <= body["coordinates"]["epoch"] <= after
    assert 0 <= ra < 360 and abs(dec) <= 24  # near the ecliptic
    assert 3.9 < body["distance_au"] < 6.5
    assert body["object_types"] == [{"value": "Planet"}]


def test_unknown_name_is_404_with_message(alice):
    answer = alice[1].get("objects/Nothing%20Such%2042/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No object named 'Nothing Such 42' in this server's "
                                       "catalogues."}


def test_objects_need_a_key(server):
    import requests

    assert requests.get(server.endpoint("objects/M31/"), timeout=10).status_code == 401


def test_imported_objects_and_their_aliases(alice, imported):
    assert imported["objects"]["imported"] == 2
    assert imported["objects"]["skipped"] == 2
    assert any("line 4" in p for p in imported["objects"]["problems"])
    for name in ("My Nebula", "my-nebula", "MN 1", "backyard nebula"):
        answer = alice[1].get(f"objects/{name}/")
        assert answer.status_code == 200, name
        assert answer.json()["name"] == "My Nebula"
        assert answer.json()["source"] == "imported"
    comet = alice[1].get("objects/Comet Target/").json()
    assert comet["coordinates"]["right_ascension"] == pytest.approx(83.822, abs=1e-3)
    assert comet["coordinates"]["declination"] == pytest.approx(-5.391, abs=1e-3)


def test_object_lists_the_planets_of_its_star(alice, imported):
    peg = alice[1].get("objects/51 Peg/").json()
    assert peg["planets"] == ["51 Peg b"]
    assert peg["coordinates"]["right_ascension"] == pytest.approx(344.3666)
    trappist = alice[1].get("objects/trappist-1/").json()
    assert trappist["planets"] == ["TRAPPIST-1 e", "TRAPPIST-1 f"]
    assert alice[1].get("objects/M31/").json()["planets"] == []


def test_exoplanet_detail(alice, imported):
    assert imported["exoplanets"]["imported"] == 4
    assert imported["exoplanets"]["skipped"] == 2
    answer = alice[1].get("exoplanets/51%20Peg%20b/")
    assert answer.status_code == 200
    planet = answer.json()
    assert planet["name"] == "51 Peg b" and planet["parent_star"] == "51 Peg"
    assert planet["coordinates"]["epoch"] == 2451545
    assert planet["coordinates"]["right_ascension"] == pytest.approx(344.3665854)
    assert planet["mass"] == {"value": 0.46, "unit": "M_jup", "error_max": 0.06,
                              "error_min": -0.06, "bibcode": None}
    assert planet["orbital_period"]["unit"] == "days"
    assert planet["semi_major_axis"]["unit"] == "AU"
    assert planet["radius"] == {"value": 1.2, "unit": "R_jup", "error_max": None,
                                "error_min": None, "bibcode": None}
    assert planet["eccentricity"]["unit"] is None
    assert planet["inclination"]["unit"] == "deg"
    assert planet["detection_method"] == "Radial Velocity"
    assert planet["discovery_year"] == 1995
    assert planet["equilibrium_temperature"]["value"] == 1284
    assert alice[1].get("exoplanets/51pegb/").json()["name"] == "51 Peg b"


def test_exoplanet_list_paginated_and_filtered(alice, imported):
    everything = alice[1].get("exoplanets/", params={"page_size": 3}).json()
    assert everything["count"] == 4 and len(everything["results"]) == 3
    assert "page=2" in everything["next"]
    rest = alice[1].get(everything["next"]).json()
    assert len(rest["results"]) == 1
    names = [p["name"] for p in alice[1].get("exoplanets/",
                                             params={"parent_star": "trappist 1"}).json()["results"]]
    assert names == ["TRAPPIST-1 e", "TRAPPIST-1 f"]
    assert alice[1].get("exoplanets/", params={"parent_star": "Nobody"}).json()["count"] == 0


def test_unknown_exoplanet_and_read_only(alice, imported):
    answer = alice[1].get("exoplanets/Vulcan/")
    assert answer.status_code == 404
    assert "No exoplanet named 'Vulcan'" in answer.json()["detail"]
    assert alice[1].post("exoplanets/", json={"name": "x"}).status_code == 405
    assert alice[1].delete("objects/M31/").status_code == 405


def test_reimport_replaces_rows(server, alice, imported, tmp_path):
    lines = EXOPLANETS_CSV.read_text().replace("51 Peg b,51 Peg,1,Radial Velocity,1995",
                                               "51 Peg b,51 Peg,1,Imaging,1995")
    changed = tmp_path / "changed.csv"
    changed.write_text(lines)
    server.admin("import", "exoplanets", str(changed))
    assert alice[1].get("exoplanets/51 Peg b/").json()["detection_method"] == "Imaging"
    assert alice[1].get("exoplanets/").json()["count"] == 4


def run_admin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([arcsecond_script(), "server", *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})


def test_import_errors_are_one_line(tmp_path):
    (tmp_path / "data").mkdir(mode=0o700)
    data = ["--data-dir", str(tmp_path / "data")]
    not_archive = tmp_path / "x.csv"
    not_archive.write_text("a,b\n1,2\n")
    empty_rows = tmp_path / "empty.csv"
    empty_rows.write_text("# only comments\npl_name,hostname\n,\n")
    for args, code in [
        (("import", "exoplanets", str(tmp_path / "missing.csv")), 1),
        (("import", "exoplanets", str(not_archive)), 2),
        (("import", "exoplanets", str(empty_rows)), 1),
        (("import", "objects", str(not_archive)), 2),
        (("import", "satellites", str(not_archive)), 1),
    ]:
        proc = run_admin(*args, *data)
        assert proc.returncode == code, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def blocking_path(tmp_path: Path, *modules: str) -> str:
    """A PYTHONPATH entry whose modules shadow ``modules`` and fail to import."""
    folder = tmp_path / "blocked"
    folder.mkdir(exist_ok=True)
    for module in modules:
        (folder / f"{module}.py").write_text(f"raise ImportError('{module} is not installed')\n")
    return str(folder)


def test_missing_catalogue_packages_are_named(tmp_path):
    env = {"PYTHONPATH": blocking_path(tmp_path, "pyongc", "ephem", "sgp4")}
    server = start_server(tmp_path / "data", env=env)
    try:
        user = server.add_user("lonely")
        import requests

        headers = server.headers(user["access_key"])
        answer = requests.get(server.endpoint("objects/M31/"), headers=headers, timeout=30)
        assert answer.status_code == 404
        detail = answer.json()["detail"]
        assert "OpenNGC (pyongc)" in detail and "bright stars (ephem)" in detail
        assert "pip install 'arcsecond-cli[objects]'" in detail
        jupiter = requests.get(server.endpoint("objects/jupiter/"), headers=headers, timeout=30)
        assert jupiter.status_code == 200  # astropy alone places the planets
        tle = tmp_path / "one.tle"
        tle.write_text("X\n1 25544U\n2 25544\n")
        (tmp_path / "d2").mkdir(mode=0o700)
        proc = run_admin("import", "satellites", str(tle), "--data-dir", str(tmp_path / "d2"),
                         env=env)
        assert proc.returncode == 1
        assert proc.stderr.strip() == ("error: Importing satellites needs the sgp4 package: "
                                       "pip install 'arcsecond-cli[satellites]'")
    finally:
        assert server.stop() == 0
    assert "Traceback" not in server.stderr()


def test_import_output_is_json(tmp_path):
    proc = run_admin("import", "exoplanets", str(EXOPLANETS_CSV), "--data-dir",
                     str(tmp_path), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["imported"] == 4

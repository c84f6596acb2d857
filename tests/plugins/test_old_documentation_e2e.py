"""Every command of the older CLI's documentation, run literally against the embedded server,
next to its modern ``<noun> <verb> -f json`` form; and what happens to commands that are gone."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.config import Config
from arcsecond_core.testing_client import ArcsecondClient
from tests.plugins.conftest import assert_error, fits_bytes
from tests.server.catalogue_files import EXOPLANETS_CSV

pytestmark = pytest.mark.e2e
PASSWORD = "Orion-Trapezium-7"


@pytest.fixture(scope="module")
def catalogues(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """HD 5980 (not in OpenNGC nor the bright star list) imported by the admin, and exoplanets."""
    objects = tmp_path_factory.mktemp("catalogues") / "objects.csv"
    objects.write_text("name,ra,dec,type,magnitude,aliases\n"
                       "HD 5980,00:59:26.57,-72:09:53.9,Wolf-Rayet star,11.31,AzV 229\n")
    arcsecond_server.admin("import", "objects", str(objects))
    arcsecond_server.admin("import", "exoplanets", str(EXOPLANETS_CSV))


@pytest.fixture
def browser(tmp_path: Path) -> tuple[dict[str, str], Path]:
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser"
    script.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    script.chmod(0o755)
    return {"BROWSER": str(script)}, opened


def ok(client: ArcsecondClient, *args: str, **kwargs: Any) -> str:
    return client.run(*args, check=True, **kwargs).stdout


def saved(client: ArcsecondClient) -> Any:
    return Config(client.config_dir).server("local")


# -- login and register ------------------------------------------------------------------------

@pytest.mark.parametrize("flag,key_type", [
    ("--upload_key", "upload"), ("--upload-key", "upload"), ("--access_key", "access"),
    ("--access-key", "access"), ("--api_key", "access"), ("--api-key", "access"),
])
def test_login_with_the_old_key_options(arcsecond_client: ArcsecondClient, flag: str,
                                        key_type: str) -> None:
    client = arcsecond_client
    client.run("logout", check=True)
    key = client.upload_key if key_type == "upload" else client.access_key
    out = ok(client, "login", "--username", client.username, flag, key)
    assert "logged in as" in out and key not in out
    assert saved(client).key_type == key_type
    assert client.json("whoami")["key_type"] == key_type


def test_login_with_a_password(arcsecond_server: Any, arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    user = arcsecond_server.admin("adduser", f"pw{uuid.uuid4().hex[:8]}", "--password", PASSWORD)
    out = ok(client, "login", "--username", user["username"], "--password", PASSWORD)
    assert user["access_key"] not in out and PASSWORD not in out
    profile = saved(client)
    assert (profile.username, profile.access_key, profile.upload_key) == (
        user["username"], user["access_key"], user["upload_key"])
    text = (client.config_dir / "config.ini").read_text()
    assert PASSWORD not in text and "token" not in text
    assert client.json("whoami")["username"] == user["username"]
    # --password without a value reads it from the pipe
    client.run("logout", check=True)
    ok(client, "login", "--username", user["username"], "--password", input=f"{PASSWORD}\n")
    assert saved(client).access_key == user["access_key"]


def test_login_with_a_wrong_password_saves_nothing(arcsecond_server: Any,
                                                   arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    before = (client.config_dir / "config.ini").read_text()
    proc = client.run("login", "--username", client.username, "--password", "wrong-one")
    assert_error(proc, 1, "Unable to log in with provided credentials", "nothing was saved")
    assert (client.config_dir / "config.ini").read_text() == before


def test_register(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    name = f"new{uuid.uuid4().hex[:8]}"
    answers = f"{name}\n{name}@example.org\n{PASSWORD}\n{PASSWORD}\ny\n"
    out = ok(client, "register", input=answers)
    assert f"registered and logged in as {name}" in out
    assert client.json("me")["username"] == name
    refused = client.run("register", input=f"{name}\n{name}@example.org\n{PASSWORD}\n{PASSWORD}\ny\n")
    assert_error(refused, 1, "A user with that username already exists")
    declined = client.run("register", input=f"x{name}\nx@example.org\n{PASSWORD}\n{PASSWORD}\nn\n")
    assert_error(declined, 2, "terms of use must be accepted")


# -- datasets, night logs, activities, runs: verb after the plural -----------------------------

def test_datasets_old_forms(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    name = f"old-{uuid.uuid4().hex[:6]}"
    assert f" {name} " in ok(client, "datasets", "create", "--name", name)
    made = client.json("dataset", "show", name)
    assert name in ok(client, "datasets")
    assert name in ok(client, "datasets", "list")
    assert name in ok(client, "datasets", "read")
    assert made["uuid"] in ok(client, "datasets", "read", made["uuid"])
    assert client.json("datasets", "read", made["uuid"]) == made
    assert [d["uuid"] for d in client.json("datasets")] == [made["uuid"]]
    ok(client, "datasets", "update", made["uuid"], "--name", f"{name}-2")
    assert client.json("dataset", "show", made["uuid"])["name"] == f"{name}-2"
    assert "deleted dataset" in ok(client, "datasets", "delete", made["uuid"])
    assert client.json("dataset", "list") == []


def test_nightlogs_and_logs_old_forms(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    ok(client, "nightlogs", "create", "--date", "2026-02-03")
    log = client.json("nightlog", "show", "2026-02-03")
    assert client.json("logs", "read", log["uuid"])["date"] == "2026-02-03"
    assert [n["uuid"] for n in client.json("nightlogs", "list")] == [log["uuid"]]
    ok(client, "logs", "delete", log["uuid"])
    assert client.json("nightlog", "list") == []


def test_activities_old_forms_with_underscored_options(arcsecond_server: Any,
                                                       arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    site = arcsecond_server.admin("addsite", f"Site-{uuid.uuid4().hex[:6]}", "--longitude", "10",
                                  "--latitude", "45")
    out = ok(client, "activities", "create", "--title", "Observing M31", "--content", "Long night",
             "--observing_site", site["uuid"], "--target_name", "M31")
    assert "Observing M31" in out
    newest = client.json("activity", "list", "--limit", "1")[0]
    assert (newest["title"], newest["target_name"], newest["observing_site"]) == (
        "Observing M31", "M31", site["uuid"])
    assert newest["profile"] == client.username
    assert client.json("activities", "read", str(newest["id"]))["content"] == "Long night"
    ok(client, "activities", "update", str(newest["id"]), "--title", "M31 again")
    assert client.json("activity", "show", str(newest["id"]))["title"] == "M31 again"
    ok(client, "activities", "delete", str(newest["id"]))
    assert_error(client.run("activity", "show", str(newest["id"])), 1, "no activity")


@pytest.mark.parametrize("plural", ["observingruns", "runs"])
def test_observing_runs_old_forms(arcsecond_client: ArcsecondClient, plural: str) -> None:
    client = arcsecond_client
    ok(client, "nightlog", "create", "--date", "2026-04-01")
    ok(client, plural, "create", "--name", "April run", "--night-log", "2026-04-01")
    run = client.json("observingrun", "show", "April run")
    assert len(run["nightlogs"]) == 1
    assert client.json(plural, "read", run["uuid"]) == run
    assert [r["name"] for r in client.json(plural)] == ["April run"]
    ok(client, plural, "update", run["uuid"], "--name", "May run")
    assert client.json("observingrun", "list")[0]["name"] == "May run"
    ok(client, plural, "delete", run["uuid"])
    assert client.json("observingrun", "list") == []


def test_sites_telescopes_and_instruments_old_forms(arcsecond_server: Any,
                                                    arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    site = arcsecond_server.admin("addsite", f"Old-{uuid.uuid4().hex[:6]}", "--longitude", "5",
                                  "--latitude", "44")
    scope = arcsecond_server.admin("addtelescope", f"T-{uuid.uuid4().hex[:6]}", "--site",
                                   site["uuid"], "--owner", client.username)
    camera = arcsecond_server.admin("addinstrument", f"Cam-{uuid.uuid4().hex[:6]}", "--telescope",
                                    scope["uuid"])
    for plural in ("observingsites", "sites"):
        assert site["uuid"] in [s["uuid"] for s in client.json(plural)]
        assert client.json(plural, "read", site["uuid"])["name"] == site["name"]
    assert site["uuid"] in ok(client, "observingsites")
    assert [t["uuid"] for t in client.json("telescopes")] == [scope["uuid"]]
    assert client.json("telescopes", scope["uuid"])["name"] == scope["name"]
    assert client.json("instruments", "read", camera["uuid"]) == client.json(
        "instrument", "show", camera["name"])
    assert_error(client.run("telescopes", "create", "--name", "x"), 2, "telescope --help")


# -- data files into a dataset -----------------------------------------------------------------

@pytest.mark.parametrize("plural", ["fitsfiles", "datafiles"])
def test_data_files_old_forms(arcsecond_client: ArcsecondClient, tmp_path: Path,
                              plural: str) -> None:
    client = arcsecond_client
    dataset = client.json("dataset", "create", "--name", f"files-{plural}")
    path = tmp_path / "night 1.fits"
    path.write_bytes(fits_bytes("2026-01-10T22:00:00"))
    out = ok(client, plural, dataset["uuid"], "create", "--file", str(path))
    assert "night 1.fits" in out
    files = client.json("datafile", "list", "--dataset", dataset["uuid"])
    assert [f["file_name"] for f in files] == ["night 1.fits"]
    assert files[0]["size"] == path.stat().st_size
    assert client.json(plural, dataset["uuid"]) == files
    assert client.json(plural, dataset["uuid"], "read") == files
    assert client.json(plural, dataset["uuid"], "read", str(files[0]["id"]))["id"] == files[0]["id"]
    ok(client, plural, dataset["uuid"], "delete", str(files[0]["id"]))
    assert client.json("datafile", "list", "--dataset", dataset["uuid"]) == []
    missing = client.run(plural, dataset["uuid"], "create", "--file", str(tmp_path / "nope.fits"))
    assert_error(missing, 2, "no such file")


def test_one_file_with_the_modern_command(arcsecond_client: ArcsecondClient, tmp_path: Path) -> None:
    client = arcsecond_client
    dataset = client.json("dataset", "create", "--name", "single")
    path = tmp_path / "one.fits"
    path.write_bytes(fits_bytes("2026-01-11T22:00:00"))
    created = client.json("datafile", "create", "--dataset", "single", "--file", str(path),
                          "--tag", "a", "--no-raw")
    assert created["dataset"] == dataset["uuid"] and created["tags"] == ["a"]
    assert created["is_raw"] is False and created["file_type"] == "fits"


# -- public resources --------------------------------------------------------------------------

def test_me(arcsecond_client: ArcsecondClient) -> None:
    me = arcsecond_client.json("me")
    assert me["username"] == arcsecond_client.username
    assert {"first_name", "last_name", "membership_date", "memberships"} <= set(me)
    assert arcsecond_client.json("profile", "show", arcsecond_client.username) == me


def test_objects_old_form_with_open(arcsecond_client: ArcsecondClient, catalogues: None,
                                    browser: tuple[dict[str, str], Path]) -> None:
    env, opened = browser
    client = arcsecond_client
    proc = client.run("objects", "HD 5980", "--open", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "HD 5980" in proc.stdout
    assert opened.read_text().split() == [f"{client.url}/objects/HD%205980/"]
    star = client.json("object", "show", "HD 5980")
    assert star["coordinates"]["right_ascension"] == pytest.approx(14.8607, abs=1e-3)
    assert star["coordinates"]["declination"] == pytest.approx(-72.1650, abs=1e-3)
    assert client.json("objects", "HD", "5980") == star  # the unquoted older form
    assert client.json("objects", "azv229")["name"] == "HD 5980"


def test_exoplanets_old_form(arcsecond_client: ArcsecondClient, catalogues: None) -> None:
    client = arcsecond_client
    assert "51 Peg" in ok(client, "exoplanets", "51 Peg b")
    planet = client.json("exoplanet", "show", "51 Peg b")
    assert client.json("exoplanets", "51 Peg b") == planet
    assert planet["coordinates"]["right_ascension"] == pytest.approx(344.3665854)
    assert planet["parent_star"] == "51 Peg" and planet["orbital_period"]["unit"] == "days"
    assert [p["name"] for p in client.json("exoplanet", "list", "--star", "TRAPPIST-1")] == [
        "TRAPPIST-1 e", "TRAPPIST-1 f"]
    assert client.json("object", "show", "51 Peg")["planets"] == ["51 Peg b"]


@pytest.mark.parametrize("name,ra,dec", [("M31", 10.6848, 41.2691), ("Sirius", 101.2872, -16.7161)])
def test_object_show_gives_coordinates(arcsecond_client: ArcsecondClient, name: str, ra: float,
                                       dec: float) -> None:
    found = arcsecond_client.json("object", "show", name)
    assert found["ICRS_coordinates"]["right_ascension"] == pytest.approx(ra, abs=1e-3)
    assert found["ICRS_coordinates"]["declination"] == pytest.approx(dec, abs=1e-3)


def test_object_show_jupiter_now(arcsecond_client: ArcsecondClient) -> None:
    out = ok(arcsecond_client, "object", "show", "Jupiter")
    assert "right_ascension" in out and "Jupiter" in out
    jupiter = arcsecond_client.json("object", "show", "jupiter")
    assert jupiter["object_types"] == [{"value": "Planet"}]


def test_unknown_object_is_one_line(arcsecond_client: ArcsecondClient) -> None:
    proc = arcsecond_client.run("object", "show", "Planet Nine")
    assert_error(proc, 1, "no object 'Planet Nine'",
                 "No object named 'Planet Nine' in this server's catalogues")
    assert_error(arcsecond_client.run("objects", "Planet", "Nine"), 1, "Planet Nine")


def test_satellite_commands(arcsecond_server: Any, arcsecond_client: ArcsecondClient,
                            tmp_path: Path) -> None:
    from tests.server.catalogue_files import fresh_tle

    tle = tmp_path / "sat.tle"
    tle.write_text(fresh_tle(90555, "CLISAT"))
    arcsecond_server.admin("import", "satellites", str(tle))
    assert 90555 in [s["norad_number"] for s in arcsecond_client.json("satellite", "list")]
    shown = arcsecond_client.json("satellite", "show", "90555")
    assert shown["name"] == "CLISAT" and 300 < shown["position"]["altitude_km"] < 500
    assert_error(arcsecond_client.run("satellite", "show", "abc"), 2, "not an identifier")


# -- what is gone, and a clean --help ----------------------------------------------------------

@pytest.mark.parametrize("args,expected", [
    (("fitsfiles", "D", "frobnicate"), "'fitsfiles' is now 'datafile' (arcsecond datafile --help)"),
    (("datafiles", "D", "upload"), "'datafiles' is now 'datafile' (arcsecond datafile --help)"),
    (("o", "M31"), "'o' is now 'object show' (arcsecond object --help)"),
    (("findingcharts", "M31"), "'findingcharts' is no longer available"),
    (("objects",), "'objects' is now 'object' (arcsecond object --help)"),
])
def test_gone_commands_name_their_replacement(arcsecond_client: ArcsecondClient,
                                              args: tuple[str, ...], expected: str) -> None:
    proc = arcsecond_client.run(*args)
    assert proc.returncode == 2
    assert expected in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_help_stays_clean(arcsecond_client: ArcsecondClient) -> None:
    listing = ok(arcsecond_client, "--help")
    commands = [line.split()[0] for line in listing.split("Commands:")[1].splitlines()
                if line.startswith("  ")]
    for alias in ("datasets", "fitsfiles", "datafiles", "objects", "exoplanets", "runs", "logs",
                  "sites", "telescopes", "observingsites", "activities", "observingruns"):
        assert alias not in commands
    for new in ("object", "exoplanet", "activity", "observingrun", "instrument", "satellite",
                "register", "me", "profile"):
        assert new in commands
    create_help = ok(arcsecond_client, "activity", "create", "--help")
    assert "--observing-site" in create_help and "--target-name" in create_help
    assert "--observing_site" not in create_help and "--target_name" not in create_help
    login_help = ok(arcsecond_client, "login", "--help")
    assert "--password" in login_help and "upload_key" not in login_help
    assert "upload-key" not in login_help

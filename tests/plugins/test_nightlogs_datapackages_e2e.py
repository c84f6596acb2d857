"""``arcsecond nightlog ...`` and ``arcsecond datapackage ...`` against the embedded server."""

from __future__ import annotations

import uuid

import pytest

from arcsecond_core.testing_client import ArcsecondClient

from .conftest import World, assert_error, table_rows

pytestmark = pytest.mark.e2e

NIGHTLOG_HEADER = ["date", "uuid", "telescope", "observing_site", "datafiles_count"]
PACKAGE_HEADER = ["name", "uuid", "description", "created"]


def test_empty_lists(stranger: ArcsecondClient) -> None:
    assert stranger.json("nightlog", "list") == []
    assert table_rows(stranger.run("nightlog", "list", check=True).stdout) == [NIGHTLOG_HEADER]
    assert stranger.json("datapackage", "list") == []
    assert table_rows(stranger.run("datapackage", "list", check=True).stdout) == [PACKAGE_HEADER]


def test_nightlogs_made_by_the_server_list_and_filter(world: World) -> None:
    client = world.client
    t1, twin = world.telescopes["t1"]["uuid"], world.telescopes["twin-a"]["uuid"]
    logs = client.json("nightlog", "list")
    assert sorted((log["date"], log["telescope"]) for log in logs) == sorted(
        [("2024-03-10", t1), ("2024-03-10", twin)])
    by_uuid = {log["uuid"]: log for log in logs}
    assert by_uuid[world.files["light"]["night_log"]]["observing_site"] == world.sites["paris"]["uuid"]
    rows = table_rows(client.run("nightlog", "list", check=True).stdout)
    assert rows[0] == NIGHTLOG_HEADER and len(rows) == 3 and all(r[4] == "1" for r in rows[1:])
    only_t1 = client.json("nightlog", "list", "--telescope", f"T1-{world.suffix}")
    assert [log["uuid"] for log in only_t1] == [world.files["light"]["night_log"]]
    at_paris = client.json("nightlog", "list", "--observing-site", f"Paris-{world.suffix}")
    assert [log["telescope"] for log in at_paris] == [t1]
    assert len(client.json("nightlog", "list", "--date", "2024-03-10")) == 2
    assert client.json("nightlog", "list", "--date", "2024-03-11") == []
    in_portal = client.json("nightlog", "list", "-p", world.portal)
    assert [log["uuid"] for log in in_portal] == [world.files["portal"]["night_log"]]
    assert_error(client.run("nightlog", "list", "--date", "10/03/2024"), 2, "is not a date")


def test_nightlog_show_by_uuid_or_by_date_when_unique(world: World) -> None:
    client = world.client
    light_log = world.files["light"]["night_log"]
    fields = {r[0]: r[1] for r in table_rows(client.run("nightlog", "show", light_log,
                                                        check=True).stdout)[1:]}
    assert fields["date"] == "2024-03-10" and fields["datafiles_count"] == "1"
    assert_error(client.run("nightlog", "show", "2024-03-10"), 1,
                 "2 nightlogs are dated '2024-03-10'", light_log, "--telescope or --site")
    shown = client.json("nightlog", "show", "2024-03-10", "-p", world.portal)
    assert shown["uuid"] == world.files["portal"]["night_log"]
    assert_error(client.run("nightlog", "show", "1999-01-01"), 1, "no night log dated '1999-01-01'")


def test_nightlog_create_update_delete(arcsecond_client: ArcsecondClient, world: World) -> None:
    client = arcsecond_client
    made = client.json("nightlog", "create", "--date", "2024-01-01",
                       "--observing-site", f"Paris-{world.suffix}")
    assert made["date"] == "2024-01-01" and made["observing_site"] == world.sites["paris"]["uuid"]
    assert_error(client.run("nightlog", "create", "--date", "2024-01-01",
                            "--observing-site", world.sites["paris"]["uuid"]), 1, "already exists")
    assert_error(client.run("nightlog", "create"), 2, "--date")
    moved = client.json("nightlog", "update", "2024-01-01", "--date", "2024-01-02")
    assert moved["uuid"] == made["uuid"] and moved["date"] == "2024-01-02"
    rows = table_rows(client.run("nightlog", "list", check=True).stdout)
    assert [r[:2] for r in rows[1:]] == [["2024-01-02", made["uuid"]]]
    proc = client.run("nightlog", "delete", "2024-01-02", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"deleted night log '2024-01-02' ({made['uuid']})\n"
    assert client.json("nightlog", "list") == []


def test_nightlog_in_a_portal(world: World) -> None:
    client = world.client
    day = f"2023-0{1 + uuid.uuid4().int % 9}-1{uuid.uuid4().int % 9}"
    made = client.json("nightlog", "create", "--date", day, "-p", world.portal,
                       "--telescope", f"PT-{world.suffix}")
    assert made["telescope"] == world.telescopes["portal"]["uuid"]
    assert made["observing_site"] == world.sites["paris"]["uuid"]
    assert day not in [log["date"] for log in client.json("nightlog", "list")]
    assert client.run("nightlog", "delete", made["uuid"], "-p", world.portal, "-y").returncode == 0
    assert_error(client.run("nightlog", "show", made["uuid"], "-p", world.portal), 1, "no night log")


def test_upload_key_cannot_touch_nightlogs_or_packages(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    client.login("upload")
    assert_error(client.run("nightlog", "list"), 1, "not allowed with an upload key")
    assert_error(client.run("nightlog", "create", "--date", "2024-01-01"), 1, "upload key")
    assert_error(client.run("datapackage", "list"), 1, "upload key")


def test_datapackage_cycle(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    api = client.api()
    first, second = api.datasets.create(name="First"), api.datasets.create(name="Second")
    log = api.nightlogs.create(date="2024-02-03")
    made = client.json("datapackage", "create", "--name", "Release 1", "--description", "all of it",
                       "--dataset", "First", "--dataset", second["uuid"], "--nightlog", "2024-02-03")
    assert made["datasets"] == [first["uuid"], second["uuid"]] and made["nightlogs"] == [log["uuid"]]
    rows = table_rows(client.run("datapackage", "list", check=True).stdout)
    assert rows == [PACKAGE_HEADER, ["Release 1", made["uuid"], "all of it", made["created"]]]
    fields = {r[0]: r[1] for r in table_rows(
        client.run("datapackage", "show", "Release 1", check=True).stdout)[1:]}
    assert fields["datasets"] == f"{first['uuid']}, {second['uuid']}"
    patched = client.json("datapackage", "update", "Release 1", "--description", "v2")
    assert patched["description"] == "v2" and patched["datasets"] == made["datasets"]
    replaced = client.json("datapackage", "update", made["uuid"], "--dataset", "Second")
    assert replaced["datasets"] == [second["uuid"]] and replaced["nightlogs"] == [log["uuid"]]
    assert_error(client.run("datapackage", "create", "--name", "Bad", "--dataset", "Third"), 1,
                 "no dataset named 'Third'")
    other = client.json("datapackage", "create", "--name", "Release 1")
    assert_error(client.run("datapackage", "show", "Release 1"), 1,
                 "2 datapackages are named 'Release 1'", other["uuid"])
    assert_error(client.run("datapackage", "delete", "Release 1"), 1, "are named 'Release 1'")
    proc = client.run("datapackage", "delete", made["uuid"], other["uuid"], "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("deleted data package 'Release 1'") == 2
    assert client.json("datapackage", "list") == []
    assert [d["name"] for d in client.json("dataset", "list")] == ["First", "Second"]
    assert_error(client.run("datapackage", "show", made["uuid"]), 1, "no data package")


def test_datapackage_in_a_portal(world: World) -> None:
    client = world.client
    name = f"pkg-{uuid.uuid4().hex[:6]}"
    made = client.json("datapackage", "create", "--name", name, "--dataset", "M31", "-p", world.portal)
    assert made["datasets"] == [world.datasets["portal-m31"]["uuid"]]
    assert name not in [p["name"] for p in client.json("datapackage", "list")]
    assert client.json("datapackage", "show", name, "-p", world.portal)["uuid"] == made["uuid"]
    assert client.run("datapackage", "delete", name, "-p", world.portal, "--yes").returncode == 0

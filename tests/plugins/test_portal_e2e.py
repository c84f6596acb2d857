"""Every changing command inside a portal, in table form (the JSON forms are tested elsewhere)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from .conftest import World, assert_error, table_rows

pytestmark = pytest.mark.e2e


def fields(output: str) -> dict[str, str]:
    rows = table_rows(output)
    assert rows[0] == ["Field", "Value"], output
    return {row[0]: row[1] for row in rows[1:]}


def test_life_in_a_portal(world: World, tmp_path: Path) -> None:
    client, portal, sfx = world.client, world.portal, uuid.uuid4().hex[:6]
    p = ("-p", portal)
    name = f"Portal set {sfx}"
    made = fields(client.run("dataset", "create", "--name", name, *p, check=True).stdout)
    assert made["name"] == name and made["data_files_count"] == "0"
    changed = fields(client.run("dataset", "update", name, "--tag", "shared", *p, check=True).stdout)
    assert changed["uuid"] == made["uuid"] and changed["tags"] == "shared"
    assert_error(client.run("dataset", "update", name, "--tag", "x"), 1, f"no dataset named '{name}'")

    upload = tmp_path / "portal-notes.txt"
    upload.write_text("seeing 0.8 arcsec\n")
    file_id = str(client.api(portal).datafiles.upload(upload, made["uuid"])["id"])
    rows = table_rows(client.run("datafile", "list", "--dataset", name, *p, check=True).stdout)
    assert [row[:2] for row in rows[1:]] == [[file_id, "portal-notes.txt"]]
    tagged = fields(client.run("datafile", "update", file_id, "--tag", "log", *p, check=True).stdout)
    assert tagged["tags"] == "log"
    assert_error(client.run("datafile", "delete", file_id, "--yes"), 1, f"no data file '{file_id}'")
    assert client.run("datafile", "delete", file_id, *p, "--yes", check=True).stdout == (
        f"deleted data file {file_id}\n")

    day = f"2022-0{1 + uuid.uuid4().int % 9}-2{uuid.uuid4().int % 9}"
    log = fields(client.run("nightlog", "create", "--date", day, *p, check=True).stdout)
    assert log["telescope"] == ""
    log = fields(client.run("nightlog", "update", day, "--telescope", f"PT-{world.suffix}", *p,
                            check=True).stdout)
    assert log["telescope"] == f"PT-{world.suffix} ({world.telescopes['portal']['uuid']})"
    assert fields(client.run("nightlog", "show", day, *p, check=True).stdout)["uuid"] == log["uuid"]
    rows = table_rows(client.run("nightlog", "list", "--date", day, *p, check=True).stdout)
    assert [row[:2] for row in rows[1:]] == [[day, log["uuid"]]]

    package = fields(client.run("datapackage", "create", "--name", f"pkg {sfx}", "--dataset", name,
                                "--nightlog", day, *p, check=True).stdout)
    assert package["datasets"] == made["uuid"] and package["nightlogs"] == log["uuid"]
    renamed = fields(client.run("datapackage", "update", f"pkg {sfx}", "--name", f"pkg2 {sfx}", *p,
                                check=True).stdout)
    assert renamed["uuid"] == package["uuid"] and renamed["datasets"] == made["uuid"]
    rows = table_rows(client.run("datapackage", "list", "--name", f"pkg2 {sfx}", *p, check=True).stdout)
    assert [row[:2] for row in rows[1:]] == [[f"pkg2 {sfx}", package["uuid"]]]

    assert client.run("datapackage", "delete", f"pkg2 {sfx}", *p, "-y", check=True).returncode == 0
    assert client.run("nightlog", "delete", log["uuid"], *p, "-y", check=True).returncode == 0
    proc = client.run("dataset", "delete", name, "--yes", *p, check=True)
    assert proc.stdout == f"deleted dataset '{name}' ({made['uuid']})\n"
    assert name not in [d["name"] for d in client.json("dataset", "list", *p)]


def test_read_only_resources_in_a_portal(world: World) -> None:
    client, p = world.client, ("-p", world.portal)
    shown = fields(client.run("telescope", "show", f"PT-{world.suffix}", *p, check=True).stdout)
    assert shown["uuid"] == world.telescopes["portal"]["uuid"]
    assert_error(client.run("telescope", "show", f"T1-{world.suffix}", *p), 1,
                 f"no telescope named 'T1-{world.suffix}' in portal '{world.portal}'")
    sites = client.json("observingsite", "list", *p)
    assert world.sites["paris"]["uuid"] in {s["uuid"] for s in sites}
    rows = table_rows(client.run("observingsite", "list", *p, check=True).stdout)
    assert world.sites["paris"]["uuid"] in {row[1] for row in rows[1:]}

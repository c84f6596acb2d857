"""``telescope``, ``telescopes``, ``observingsite``, ``portal list`` and ``--open``, end to end."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests

from arcsecond_core.testing_client import ArcsecondClient

from .conftest import World, assert_error, table_rows

pytestmark = pytest.mark.e2e


def test_telescope_list_table_json_alias_and_filters(world: World) -> None:
    client = world.client
    mine = {world.telescopes[k]["uuid"] for k in ("t1", "twin-a", "twin-b", "portal")}
    listed = client.json("telescope", "list")
    assert mine <= {t["uuid"] for t in listed}
    assert set(listed[0]) == {"uuid", "name", "observing_site"}
    assert client.json("telescopes") == listed
    rows = table_rows(client.run("telescopes", check=True).stdout)
    assert rows[0] == ["name", "uuid", "observing_site"]
    # tables name the site; JSON keeps its UUID
    assert [f"T1-{world.suffix}", world.telescopes["t1"]["uuid"], f"Paris-{world.suffix}"] in rows
    twins = client.json("telescope", "list", "--name", f"Twin-{world.suffix}")
    assert {t["observing_site"] for t in twins} == {world.sites["twin-a"]["uuid"],
                                                     world.sites["twin-b"]["uuid"]}
    at_paris = client.json("telescope", "list", "--observing-site", world.sites["paris"]["uuid"])
    assert {t["name"] for t in at_paris} >= {f"T1-{world.suffix}", f"PT-{world.suffix}"}
    in_portal = {t["uuid"] for t in client.json("telescope", "list", "-p", world.portal)}
    assert world.telescopes["portal"]["uuid"] in in_portal
    assert world.telescopes["t1"]["uuid"] not in in_portal


def test_private_telescopes_stay_private(world: World, stranger: ArcsecondClient) -> None:
    seen = {t["uuid"] for t in stranger.json("telescope", "list")}
    assert not seen & {t["uuid"] for t in world.telescopes.values()}
    assert_error(stranger.run("telescope", "show", world.telescopes["t1"]["uuid"]), 1, "no telescope")


def test_telescope_show_and_ambiguous_names(world: World) -> None:
    client = world.client
    fields = {r[0]: r[1] for r in table_rows(
        client.run("telescope", "show", f"T1-{world.suffix}", check=True).stdout)[1:]}
    assert fields == {"uuid": world.telescopes["t1"]["uuid"], "name": f"T1-{world.suffix}",
                      "observing_site": f"Paris-{world.suffix} ({world.sites['paris']['uuid']})"}
    twin_b = world.telescopes["twin-b"]["uuid"]
    assert_error(client.run("telescope", "show", f"Twin-{world.suffix}"), 1,
                 f"2 telescopes are named 'Twin-{world.suffix}'", twin_b)
    assert client.json("telescope", "show", twin_b)["observing_site"] == world.sites["twin-b"]["uuid"]
    assert_error(client.run("telescope", "show", "Hubble"), 1, "no telescope named 'Hubble'")


def test_telescopes_are_readable_with_an_upload_key(arcsecond_client: ArcsecondClient) -> None:
    arcsecond_client.login("upload")
    proc = arcsecond_client.run("telescope", "list", "-f", "json")
    assert proc.returncode == 0, proc.stderr


def test_observing_sites(world: World) -> None:
    client = world.client
    sites = {s["uuid"]: s for s in client.json("observingsite", "list")}
    paris = sites[world.sites["paris"]["uuid"]]
    assert paris["time_zone"] == "Europe/Paris" and paris["longitude"] == pytest.approx(2.35)
    assert sorted(paris["telescopes"]) == sorted([world.telescopes["t1"]["uuid"],
                                                  world.telescopes["portal"]["uuid"]])
    rows = table_rows(client.run("observingsite", "list", check=True).stdout)
    assert rows[0] == ["name", "uuid", "longitude", "latitude", "height", "time_zone"]
    assert any(r[:2] == [f"Paris-{world.suffix}", paris["uuid"]] for r in rows)
    shown = client.json("observingsite", "show", f"Paris-{world.suffix}")
    assert shown == paris
    fields = {r[0]: r[1] for r in table_rows(
        client.run("observingsite", "show", paris["uuid"], "-p", world.portal, check=True).stdout)[1:]}
    assert fields["name"] == f"Paris-{world.suffix}"
    assert client.json("observingsite", "show", f"Twin site A-{world.suffix}")["uuid"] == \
        world.sites["twin-a"]["uuid"]
    assert_error(client.run("observingsite", "show", str(uuid.uuid4())), 1, "no observing site")


def test_portal_list(world: World, stranger: ArcsecondClient) -> None:
    assert world.client.json("portal", "list") == [
        {"subdomain": world.portal, "name": "Plateau Observatory", "role": "admin"}
    ]
    rows = table_rows(world.client.run("portal", "list", check=True).stdout)
    assert rows == [["subdomain", "name", "role"], [world.portal, "Plateau Observatory", "admin"]]
    assert stranger.json("portal", "list") == []
    assert table_rows(stranger.run("portal", "list", check=True).stdout) == [["subdomain", "name", "role"]]
    assert_error(world.client.run("portal", "list", "-p", world.portal), 2, "unrecognized arguments")


def test_portal_list_with_an_upload_key(arcsecond_client: ArcsecondClient) -> None:
    arcsecond_client.login("upload")
    assert arcsecond_client.json("portal", "list") == []


def test_open_opens_the_object_page(world: World, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    browser.chmod(0o755)
    env = {"BROWSER": str(browser)}
    m31 = world.datasets["m31"]["uuid"]
    proc = world.client.run("dataset", "show", "M31", "--open", "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    url = f"{world.client.url}/datasets/{m31}/"
    assert opened.read_text().split() == [url]
    assert proc.stderr == f"opening {url}\n"
    key = {"X-Arcsecond-API-Authorization": f"Key {world.client.access_key}"}
    page = requests.get(url, headers={**key, "Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert f"<h1>{world.datasets['m31']['name']}</h1>" in page.text
    proc = world.client.run("telescope", "list", "--open", "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert opened.read_text().split()[-1] == f"{world.client.url}/telescopes/"
    # In a portal, the page of the portal's object: the file, its dataset's name, its night.
    portal_file = world.files["portal"]["id"]
    proc = world.client.run("datafile", "show", str(portal_file), "-p", world.portal, "--open",
                            "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    url = f"{world.client.url}/{world.portal}/datafiles/{portal_file}/"
    assert opened.read_text().split()[-1] == url
    page = requests.get(url, headers={**key, "Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "p-light.fits" in page.text
    assert f'href="/{world.portal}/datasets/{world.datasets["portal-m31"]["uuid"]}/"' in page.text

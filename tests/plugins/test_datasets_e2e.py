"""``arcsecond dataset ...`` and ``arcsecond datasets``, run as the console script on the server."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from arcsecond_core.testing_client import ArcsecondClient

from .conftest import World, assert_error, create_datasets, run_on_terminal, table_rows

pytestmark = pytest.mark.e2e


def test_empty_list_is_an_empty_table_and_an_empty_json_list(stranger: ArcsecondClient) -> None:
    proc = stranger.run("dataset", "list")
    assert proc.returncode == 0, proc.stderr
    assert table_rows(proc.stdout) == [["name", "uuid", "data_files_count", "telescope", "created"]]
    assert stranger.json("dataset", "list") == []
    assert stranger.json("datasets") == []


def test_list_table_and_json_without_and_with_a_portal(world: World) -> None:
    client = world.client
    rows = table_rows(client.run("dataset", "list", check=True).stdout)
    assert rows[0] == ["name", "uuid", "data_files_count", "telescope", "created"]
    assert sorted(row[:3] for row in rows[1:]) == [
        ["M31", world.datasets["m31"]["uuid"], "2"], ["M42", world.datasets["m42"]["uuid"], "1"]
    ]
    items = client.json("dataset", "list")
    assert {d["uuid"] for d in items} == {world.datasets["m31"]["uuid"], world.datasets["m42"]["uuid"]}
    assert set(items[0]) == {"uuid", "name", "telescope", "data_files_count", "tags", "created",
                             "modified"}
    in_portal = client.json("dataset", "list", "-p", world.portal)
    assert [d["uuid"] for d in in_portal] == [world.datasets["portal-m31"]["uuid"]]
    rows = table_rows(client.run("dataset", "list", "--portal", world.portal, check=True).stdout)
    assert [row[1] for row in rows[1:]] == [world.datasets["portal-m31"]["uuid"]]


def test_filters_by_name_and_by_telescope_name(world: World) -> None:
    client = world.client
    assert [d["name"] for d in client.json("dataset", "list", "--name", "M42")] == ["M42"]
    by_telescope = client.json("dataset", "list", "--telescope", f"T1-{world.suffix}")
    assert [d["uuid"] for d in by_telescope] == [world.datasets["m31"]["uuid"]]
    proc = client.run("dataset", "list", "--telescope", f"Twin-{world.suffix}")
    assert_error(proc, 1, f"2 telescopes are named 'Twin-{world.suffix}'",
                 world.telescopes["twin-a"]["uuid"], "use the uuid")


def test_one_name_in_two_scopes_is_resolved_in_each_scope(world: World) -> None:
    client = world.client
    mine = client.json("dataset", "show", "M31")
    theirs = client.json("dataset", "show", "M31", "-p", world.portal)
    assert mine["uuid"] == world.datasets["m31"]["uuid"]
    assert theirs["uuid"] == world.datasets["portal-m31"]["uuid"]
    assert theirs["telescope"] == world.telescopes["portal"]["uuid"]


def test_show_table_by_name_and_by_uuid(world: World) -> None:
    client = world.client
    rows = table_rows(client.run("dataset", "show", "M42", check=True).stdout)
    assert rows[0] == ["Field", "Value"]
    assert dict((r[0], r[1]) for r in rows[1:])["uuid"] == world.datasets["m42"]["uuid"]
    shown = client.json("dataset", "show", world.datasets["m42"]["uuid"], "-c", "name", "-c", "tags")
    assert shown == {"name": "M42", "tags": []}


def test_not_found(world: World) -> None:
    client = world.client
    assert_error(client.run("dataset", "show", "NGC 9999"), 1, "no dataset named 'NGC 9999'")
    missing = str(uuid.uuid4())
    assert_error(client.run("dataset", "show", missing), 1, f"no dataset '{missing}'")
    assert_error(client.run("dataset", "show", "M42", "-p", world.portal), 1,
                 f"no dataset named 'M42' in portal '{world.portal}'")
    assert_error(client.run("dataset", "delete", "NGC 9999", "--yes"), 1, "no dataset named")


def test_portals_one_is_not_in_or_that_do_not_exist(world: World, stranger: ArcsecondClient) -> None:
    assert_error(stranger.run("dataset", "list", "-p", world.portal), 1, "not a member", "403")
    assert_error(world.client.run("dataset", "list", "-p", "no-such-portal"), 1,
                 "Organisation 'no-such-portal' not found")


def test_unknown_column_is_a_usage_error(world: World) -> None:
    proc = world.client.run("dataset", "list", "-c", "colour")
    assert_error(proc, 2, "unknown column 'colour'")


def test_create_update_delete_cycle(arcsecond_client: ArcsecondClient, world: World) -> None:
    client = arcsecond_client
    proc = client.run("dataset", "create", "--name", "Pleiades", "--tag", "open", "--tag", "cluster")
    assert proc.returncode == 0, proc.stderr
    fields = {row[0]: row[1] for row in table_rows(proc.stdout)[1:]}
    assert fields["name"] == "Pleiades" and fields["tags"] == "open, cluster"
    assert_error(client.run("dataset", "create", "--name", "Pleiades"), 1, "already exists")
    assert_error(client.run("dataset", "create"), 2, "--name")
    updated = client.json("dataset", "update", "Pleiades", "--name", "M45")
    assert updated["uuid"] == fields["uuid"] and updated["name"] == "M45"
    assert updated["tags"] == ["open", "cluster"]
    assert_error(client.run("dataset", "update", "M45"), 2, "nothing to update")
    assert_error(client.run("dataset", "update", "M45", "--telescope", "nope"), 1,
                 "no telescope named 'nope'")
    # a telescope of another user's is not to be found
    assert_error(client.run("dataset", "update", "M45", "--telescope", f"T1-{world.suffix}"), 1,
                 "no telescope named")
    proc = client.run("dataset", "delete", "M45", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"deleted dataset 'M45' ({fields['uuid']})\n"
    assert client.json("dataset", "list") == []


def test_create_in_a_portal_with_its_telescope(world: World) -> None:
    client = world.client
    name = f"portal-{uuid.uuid4().hex[:6]}"
    made = client.json("dataset", "create", "--name", name, "-p", world.portal,
                       "--telescope", f"PT-{world.suffix}")
    assert made["telescope"] == world.telescopes["portal"]["uuid"]
    assert name not in [d["name"] for d in client.json("dataset", "list")]
    assert client.run("dataset", "delete", name, "-p", world.portal, "--yes").returncode == 0


def test_delete_asks_on_a_terminal_and_refuses_without_one(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    made = client.json("dataset", "create", "--name", "Keep me")
    proc = client.run("dataset", "delete", "Keep me")
    assert_error(proc, 2, "standard input is not a terminal: pass --yes")
    code, out, err = run_on_terminal(client, "dataset", "delete", "Keep me", answer="n\n")
    assert code == 1
    assert f"Delete dataset 'Keep me' ({made['uuid']}) and its 0 data file(s)? [y/N]" in err
    assert "not deleted" in err and out == ""
    assert [d["name"] for d in client.json("dataset", "list")] == ["Keep me"]
    code, out, err = run_on_terminal(client, "dataset", "delete", made["uuid"], answer="y\n")
    assert code == 0, err
    assert out.startswith("deleted dataset 'Keep me'")
    assert client.json("dataset", "list") == []


def test_upload_key_may_list_and_create_but_not_delete(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    client.json("dataset", "create", "--name", "Mine")
    client.login("upload")
    assert [d["name"] for d in client.json("dataset", "list")] == ["Mine"]
    assert client.json("dataset", "create", "--name", "By upload key")["name"] == "By upload key"
    assert_error(client.run("dataset", "delete", "Mine", "--yes"), 1,
                 "not allowed with an upload key", "arcsecond login --type access")
    assert_error(client.run("dataset", "update", "Mine", "--name", "x"), 1, "upload key")


def test_pagination_limit_page_size_sorting_and_alias(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    names = create_datasets(client, 230)
    everything = client.json("dataset", "list")
    assert sorted(d["name"] for d in everything) == names
    proc = client.run("--debug", "dataset", "list", "-f", "json", "--page-size", "100")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 230
    requests = re.findall(r"GET (\S+/datasets/\S*) -> 200", proc.stderr)
    assert len(requests) == 3 and "page=3" in requests[-1]
    proc = client.run("--debug", "dataset", "list", "-f", "json", "--limit", "7")
    in_order = [d["name"] for d in everything]  # the server's order (creation)
    assert [d["name"] for d in json.loads(proc.stdout)] == in_order[:7]
    assert len(re.findall(r"GET \S+/datasets/\S* -> 200", proc.stderr)) == 1
    proc = client.run("datasets", "-f", "value", "-c", "name", "--sort-column", "name",
                      "--sort-descending", "--limit", "3", check=True)
    assert proc.stdout.split() == sorted(in_order[:3], reverse=True)
    rows = table_rows(client.run("datasets", "--limit", "2", check=True).stdout)
    assert [row[0] for row in rows] == ["name", *in_order[:2]]


def test_alias_is_listed_once_in_help(world: World) -> None:
    proc = world.client.run("--help")
    commands = [line.split("  ")[1].strip() for line in proc.stdout.splitlines()
                if line.startswith("  ") and not line.startswith("   ")]
    assert "dataset list" in commands and "telescope list" in commands
    assert "datasets" not in commands and "telescopes" not in commands


def test_commands_run_in_the_interactive_shell(world: World) -> None:
    script = "dataset list -f json -c name\ndatasets -f value -c name --limit 1\ndataset show nope\nquit\n"
    proc = world.client.run(input=script)
    assert proc.returncode == 0, proc.stderr
    assert '"name": "M42"' in proc.stdout and '"name": "M31"' in proc.stdout
    assert "no dataset named 'nope'" in proc.stderr and "Traceback" not in proc.stderr

"""One behaviour everywhere: deletes, plural aliases, group listings, unambiguous names, --debug,
401 advice and red errors, run as the console script against the embedded server."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from arcsecond_core.config import Config
from arcsecond_core.testing import arcsecond_script
from arcsecond_core.testing_client import ArcsecondClient
from tests.core.scripted_server import Answer, Seen, scripted_server

from .conftest import World, assert_error, fits_bytes, run_on_terminal, table_rows

pytestmark = pytest.mark.e2e


# -- deletes ---------------------------------------------------------------------------------------


def _upload(client: ArcsecondClient, tmp_path: Path, dataset: str, count: int) -> list[str]:
    api = client.api()
    made = api.datasets.create(name=dataset)
    ids = []
    for i in range(count):
        path = tmp_path / f"{dataset}-{i}.fits"
        path.write_bytes(fits_bytes(f"2024-04-0{i + 1}T22:00:00"))
        ids.append(str(api.datafiles.upload(path, made["uuid"])["id"]))
    return ids


def test_every_delete_accepts_yes_and_refuses_without_a_terminal(
    arcsecond_client: ArcsecondClient, tmp_path: Path
) -> None:
    client = arcsecond_client
    api = client.api()
    file_id = _upload(client, tmp_path, "Deletes", 1)[0]
    log = api.nightlogs.create(date="2024-06-01")
    package = api.datapackages.create(name="Pack")
    targets = [("datafile", file_id), ("nightlog", log["uuid"]), ("datapackage", "Pack"),
               ("dataset", "Deletes")]
    for group, target in targets:  # no terminal, no --yes: refused, nothing deleted
        assert_error(client.run(group, "delete", target), 2, "not a terminal", "--yes")
    assert api.datafiles.read(file_id)["id"] == int(file_id)
    assert api.nightlogs.read(log["uuid"])["uuid"] == log["uuid"]
    assert api.datapackages.read(package["uuid"])["name"] == "Pack"
    for group, target in targets:
        proc = client.run(group, "delete", target, "--yes")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("deleted ")
    assert client.json("datafile", "list") == [] and client.json("dataset", "list") == []
    assert log["uuid"] not in [n["uuid"] for n in client.json("nightlog", "list")]
    assert client.json("datapackage", "list") == []


def test_delete_asks_on_a_terminal_and_help_says_what_is_destroyed(
    arcsecond_client: ArcsecondClient, tmp_path: Path
) -> None:
    client = arcsecond_client
    file_id = _upload(client, tmp_path, "Asked", 1)[0]
    code, out, screen = run_on_terminal(client, "datafile", "delete", file_id, answer="n\n")
    assert code == 1 and out == ""
    assert f"Delete data file {file_id} (Asked-0.fits)? [y/N]" in screen
    assert [f["id"] for f in client.json("datafile", "list")] == [int(file_id)]
    code, out, _screen = run_on_terminal(client, "datafile", "delete", file_id, answer="y\n")
    assert code == 0 and out == f"deleted data file {file_id}\n"
    helps = {group: client.run(group, "delete", "--help", check=True).stdout
             for group in ("dataset", "datafile", "nightlog", "datapackage")}
    assert "destroying all their data files" in helps["dataset"]
    assert "destroying the stored files" in helps["datafile"]
    assert "data files stay" in helps["nightlog"]
    assert "datasets and night logs stay" in helps["datapackage"]
    assert all("--yes" in text for text in helps.values())


def test_delete_of_several_goes_on_past_a_missing_one(
    arcsecond_client: ArcsecondClient, tmp_path: Path
) -> None:
    client = arcsecond_client
    first, second = _upload(client, tmp_path, "Several", 2)
    proc = client.run("datafile", "delete", first, "987654", second, "--yes")
    assert proc.returncode == 1
    assert proc.stdout == f"deleted data file {first}\ndeleted data file {second}\n"
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert errors == ["error: no data file '987654' on " + client.url,
                      "error: 1 of 3 failed to delete"]
    assert client.json("datafile", "list") == []


def _proxy_refusing(real: str, refused_path: str) -> Any:
    """A server in front of ``real`` that answers 400 to ``DELETE refused_path``."""

    def respond(seen: Seen) -> Answer:
        if seen.method == "DELETE" and seen.path == refused_path:
            return Answer(400, {"detail": "This dataset is locked."})
        headers = {k: v for k, v in seen.headers.items() if k.lower().startswith("x-arcsecond")}
        headers["Content-Type"] = "application/json"
        answer = requests.request(seen.method, real + seen.path, data=seen.body or None,
                                  headers=headers, timeout=30)
        body = answer.json() if answer.content else None
        return Answer(answer.status_code, body)

    return scripted_server(respond)


def test_delete_of_several_goes_on_past_a_server_error(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    api = client.api()
    names = ["Keep A", "Locked", "Keep B"]
    made = {name: api.datasets.create(name=name) for name in names}
    locked = f"/datasets/{made['Locked']['uuid']}/"
    with _proxy_refusing(client.url, locked) as proxy:
        client.run("api", "add", "proxy", proxy.url, check=True)
        Config(client.config_dir).save_key("proxy", client.username, "access", client.access_key)
        proc = client.run("--api", "proxy", "dataset", "delete", *names, "--yes")
    assert proc.returncode == 1, proc.stderr
    assert "deleted dataset 'Keep A'" in proc.stdout and "deleted dataset 'Keep B'" in proc.stdout
    assert "This dataset is locked." in proc.stderr
    assert proc.stderr.splitlines()[-1] == "error: 1 of 3 failed to delete"
    assert [d["name"] for d in client.json("dataset", "list")] == ["Locked"]


# -- aliases and groups -----------------------------------------------------------------------------


PLURALS = {"datasets": "dataset", "datafiles": "datafile", "nightlogs": "nightlog",
           "datapackages": "datapackage", "observingsites": "observingsite",
           "telescopes": "telescope", "portals": "portal"}


def test_plural_aliases_list_and_stay_hidden(world: World) -> None:
    client = world.client
    for plural, singular in PLURALS.items():
        assert client.json(plural) == client.json(singular, "list"), plural
    help_text = client.run("--help", check=True).stdout
    for plural in PLURALS:
        assert f"  {plural} " not in help_text, plural
    assert "  nightlog list" in help_text


@pytest.mark.parametrize("group", ["dataset", "datafile", "nightlog", "datapackage", "telescope",
                                   "observingsite", "portal", "api", "server"])
def test_a_bare_group_name_lists_its_commands(world: World, group: str) -> None:
    proc = world.client.run(group)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"Commands of 'arcsecond {group}':"
    listed = [line.split()[:2] for line in lines[1:] if line.startswith("  ")]
    assert listed and all(words[0] == group for words in listed)
    assert [group, "list"] in listed or group == "server"
    assert table_rows(proc.stdout) == []  # nothing listed from the server
    helped = world.client.run("help", group)
    assert helped.returncode == 0 and proc.stdout in helped.stdout


def test_a_group_and_an_unknown_word_is_not_a_command(world: World) -> None:
    proc = world.client.run("nightlog", "bogus")
    assert proc.returncode == 2 and "Commands of" not in proc.stdout


# -- names that identify things ---------------------------------------------------------------------


def test_server_refuses_a_second_site_or_telescope_of_one_name(arcsecond_server: Any) -> None:
    name = f"La Silla {uuid.uuid4().hex[:6]}"
    site = arcsecond_server.admin("addsite", name, "--longitude", "-70.7", "--latitude", "-29.3")
    proc = subprocess.run(
        [arcsecond_script(), "server", "addsite", name.upper(), "--longitude", "1", "--latitude", "2",
         "--data-dir", str(arcsecond_server.data_dir)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert_error(proc, 1, f"observing site named '{name.upper()}' already exists")
    user = arcsecond_server.add_user(f"u{uuid.uuid4().hex[:8]}")["username"]
    arcsecond_server.admin("addtelescope", "T1", "--site", name, "--owner", user)
    proc = subprocess.run(
        [arcsecond_script(), "server", "addtelescope", "T1", "--site", site["uuid"], "--owner", user,
         "--data-dir", str(arcsecond_server.data_dir)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert_error(proc, 1, f"telescope of {user} named 'T1' already exists")
    # --site NAME stays usable: exactly one site has it
    assert arcsecond_server.admin("addtelescope", "T2", "--site", name)["observing_site"] == site["uuid"]


def test_nightlog_show_date_picks_by_telescope_or_site(world: World) -> None:
    client = world.client
    t1_log = world.files["light"]["night_log"]
    twin_log = world.files["twin"]["night_log"]
    assert_error(client.run("nightlog", "show", "2024-03-10"), 1,
                 "2 nightlogs are dated '2024-03-10'", "--telescope or --site")
    by_telescope = client.json("nightlog", "show", "2024-03-10", "--telescope", f"T1-{world.suffix}")
    assert by_telescope["uuid"] == t1_log
    by_site = client.json("nightlog", "show", "2024-03-10", "--site", f"Twin site A-{world.suffix}")
    assert by_site["uuid"] == twin_log
    assert_error(client.run("nightlog", "show", "2024-03-10", "--site", f"Paris-{world.suffix}",
                            "--telescope", f"Twin-{world.suffix}"), 1, "2 telescopes are named")
    assert_error(client.run("nightlog", "show", "1999-01-01", "--telescope", f"T1-{world.suffix}"), 1,
                 "no night log dated '1999-01-01'")
    assert_error(client.run("nightlog", "show", "yesterday"), 2, "'yesterday' is not a date")


# -- --debug, 401, --name, colours ------------------------------------------------------------------


def test_debug_logs_the_full_url_with_its_query_string(world: World) -> None:
    proc = world.client.run("--debug", "dataset", "list", "--name", "M42", "--limit", "5")
    assert proc.returncode == 0, proc.stderr
    assert f"GET {world.client.url}/datasets/?name=M42&page_size=5 -> 200" in proc.stderr
    assert world.client.access_key not in proc.stderr


def test_a_401_says_to_log_in(arcsecond_client: ArcsecondClient) -> None:
    Config(arcsecond_client.config_dir).save_key("local", arcsecond_client.username, "access",
                                                 "0" * 40)
    proc = arcsecond_client.run("dataset", "list")
    assert_error(proc, 1)
    assert proc.stderr.rstrip().endswith("run 'arcsecond login'")


def test_dataset_list_name_is_exact(world: World) -> None:
    client = world.client
    assert [d["name"] for d in client.json("dataset", "list", "--name", "M31")] == ["M31"]
    assert client.json("dataset", "list", "--name", "M3") == []
    assert client.json("dataset", "list", "--name", "m31") == []


def test_errors_are_red_on_a_colour_terminal_only(world: World) -> None:
    client = world.client
    _code, _out, screen = run_on_terminal(client, "dataset", "show", "NGC 404", stderr_tty=True)
    assert "\x1b[31merror: no dataset named 'NGC 404'\x1b[0m" in screen
    no_color = {**client.env, "NO_COLOR": "1"}
    plain = ArcsecondClient(client.url, client.config_dir, client.username, client.access_key,
                            client.upload_key, client.server, no_color)
    _code, _out, screen = run_on_terminal(plain, "dataset", "show", "NGC 404", stderr_tty=True)
    assert "error: no dataset named 'NGC 404'" in screen and "\x1b[" not in screen
    piped = client.run("dataset", "show", "NGC 404")
    assert piped.stderr == "error: no dataset named 'NGC 404'\n"

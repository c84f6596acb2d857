"""The core commands, run as the real console script against the embedded server."""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import pytest

from arcsecond_core.testing_client import ArcsecondClient

pytestmark = pytest.mark.e2e


def logged_out(client: ArcsecondClient) -> ArcsecondClient:
    assert client.run("logout").returncode == 0
    return client


def saved(client: ArcsecondClient) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read(client.config_dir / "config.ini")
    return parser


def test_login_with_a_good_key_saves_it_and_masks_it(arcsecond_client: ArcsecondClient) -> None:
    client = logged_out(arcsecond_client)
    proc = client.run("login", "--username", client.username, "--key", client.access_key)
    assert proc.returncode == 0, proc.stderr
    assert client.access_key not in proc.stdout + proc.stderr
    assert client.access_key[:3] + "********" in proc.stdout
    assert saved(client)["local"]["access_key"] == client.access_key


def test_login_reads_the_key_from_a_pipe(arcsecond_client: ArcsecondClient) -> None:
    client = logged_out(arcsecond_client)
    proc = client.run("login", "-u", client.username, "--type", "upload", input=client.upload_key + "\n")
    assert proc.returncode == 0, proc.stderr
    assert saved(client)["local"]["upload_key"] == client.upload_key


@pytest.mark.parametrize("wrong", ["user", "key"])
def test_login_failure_is_one_line_exit_1_and_changes_nothing(
    arcsecond_client: ArcsecondClient, wrong: str
) -> None:
    client = arcsecond_client
    before = (client.config_dir / "config.ini").read_bytes()
    username = "nobody-here" if wrong == "user" else client.username
    key = "0" * 40 if wrong == "key" else client.access_key
    proc = client.run("login", "--username", username, "--key", key)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: login failed on local")
    assert "nothing was saved" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert (client.config_dir / "config.ini").read_bytes() == before


def test_login_without_a_terminal_and_without_a_username_is_a_usage_error(
    arcsecond_client: ArcsecondClient,
) -> None:
    proc = arcsecond_client.run("login", "--key", "x")
    assert proc.returncode == 2 and "username missing" in proc.stderr


def test_whoami_shows_user_server_key_type_and_masked_key(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    shown = client.json("whoami")
    assert shown["username"] == client.username
    assert shown["server"] == "local" and shown["api_server"] == client.url
    assert shown["key_type"] == "access"
    assert shown["key"] == client.access_key[:3] + "********"
    assert "memberships" in shown

    client.login("upload")
    shown = client.json("whoami")
    assert shown["key_type"] == "upload" and shown["key"] == client.upload_key[:3] + "********"


def test_whoami_lists_portal_memberships(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    subdomain = f"obs{client.username[-6:]}"
    client.server.admin("addportal", subdomain, "--member", f"{client.username}:admin")
    assert {"portal": subdomain, "role": "admin"} in client.json("whoami")["memberships"]
    assert f"| memberships | {subdomain} (admin)" in client.run("whoami", check=True).stdout


def test_logout_forgets_keys_and_whoami_then_fails_cleanly(arcsecond_client: ArcsecondClient) -> None:
    client = logged_out(arcsecond_client)
    assert "access_key" not in saved(client)["local"]
    proc = client.run("whoami")
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: not logged in on local ({client.url}): run 'arcsecond login'"


def test_api_servers_add_use_list_remove(arcsecond_client: ArcsecondClient, tmp_path: Path) -> None:
    client = arcsecond_client
    assert client.run("api", "add", "other", client.url + "/").returncode == 0
    listed = {row["name"]: row for row in client.json("api", "list")}
    assert listed["other"]["api_server"] == client.url and listed["local"]["current"] is True
    assert listed["local"]["key"] == client.access_key[:3] + "********"
    assert client.access_key not in json.dumps(listed)

    assert client.run("api", "use", "other").returncode == 0
    assert client.json("api", "list", "-c", "name", "-c", "current") == [
        {"name": "cloud", "current": False}, {"name": "local", "current": False},
        {"name": "other", "current": True},
    ]
    assert client.run("api", "remove", "other").returncode == 0
    assert [row["name"] for row in client.json("api", "list")] == ["cloud", "local"]


def test_api_use_refuses_a_server_that_does_not_answer(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    client.run("api", "add", "dead", "http://127.0.0.1:9", check=True)
    proc = client.run("api", "use", "dead")
    assert proc.returncode == 1 and "cannot reach http://127.0.0.1:9" in proc.stderr
    assert saved(client)["cli"]["api"] == "local"


def test_global_api_option_and_environment_pick_the_server(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    assert client.json("--api", "cloud", "api", "list", "-c", "name", "-c", "current")[0] == {
        "name": "cloud", "current": True,
    }
    proc = client.run("whoami", env={"ARCSECOND_API": "cloud"})
    assert proc.returncode == 1 and "not logged in on cloud" in proc.stderr
    proc = client.run("--api", "nowhere", "whoami")
    assert proc.returncode == 1 and "no API server named 'nowhere'" in proc.stderr


def test_debug_logs_requests_with_the_key_masked(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    log_file = client.config_dir / "debug.log"
    proc = client.run("--debug", "--log-file", str(log_file), "whoami")
    assert proc.returncode == 0
    assert f"GET {client.url}/profiles/{client.username}/ -> 200" in proc.stderr
    everything = proc.stdout + proc.stderr + log_file.read_text()
    assert client.access_key not in everything
    assert client.access_key[:3] + "********" in everything


def test_usage_errors_exit_2_and_unknown_commands_suggest(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    proc = client.run("api", "add", "only-a-name")
    assert proc.returncode == 2 and "usage:" in proc.stderr
    proc = client.run("ap", "lust")
    assert proc.returncode == 2
    assert "'ap lust' is not an arcsecond command" in proc.stderr and "api list" in proc.stderr
    assert client.run("--no-such-option").returncode == 2


def test_a_corrupt_config_is_one_clear_line_and_is_left_alone(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    path = client.config_dir / "config.ini"
    path.write_text("[local]\napi_server = x\ngarbage line\n")
    proc = client.run("api", "list")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"error: corrupt configuration file {path}, line 3: not a valid INI line; "
        "fix or remove it (it was not changed)"
    )
    assert path.read_text() == "[local]\napi_server = x\ngarbage line\n"


def test_version_and_help(arcsecond_client: ArcsecondClient) -> None:
    from arcsecond_core import __version__

    proc = arcsecond_client.run("--version")
    assert (proc.returncode, proc.stdout.strip()) == (0, f"arcsecond {__version__}")
    proc = arcsecond_client.run("--help")
    assert proc.returncode == 0
    for command in ("api add", "login", "logout", "whoami", "plugin list", "server start"):
        assert f"  {command} " in proc.stdout
    proc = arcsecond_client.run("help", "login")
    assert proc.returncode == 0 and "--username" in proc.stdout

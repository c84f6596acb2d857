"""Readable output: names in tables, human sizes, tables that fit the terminal, clean CSV and
JSON, and the upload report through cliff's formatters; the console script on a real server."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import signal
import struct
import subprocess
import termios
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from arcsecond_core.testing import arcsecond_script, finish
from arcsecond_core.testing_client import ArcsecondClient

from .conftest import World, fits_bytes, table_rows

pytestmark = pytest.mark.e2e
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def on_terminal(client: ArcsecondClient, columns: int, *args: str) -> tuple[int, str]:
    """Run ``arcsecond ARGS`` with stdin, stdout and stderr on a pseudo-terminal ``columns``
    wide; returns the exit code and the screen's lines joined by newlines."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen([arcsecond_script(), *args], stdin=slave, stdout=slave, stderr=slave,
                            env=client.env)
    os.close(slave)
    shown = bytearray()
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown.extend(chunk)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        os.close(master)
    return code, shown.decode(errors="replace").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def long_names(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A user whose site, telescope, dataset and files have long names; night logs from headers."""
    from arcsecond_core.testing_client import make_client

    client = make_client(arcsecond_server, tmp_path_factory.mktemp("long-names-config"))
    sfx = uuid.uuid4().hex[:6]
    site = arcsecond_server.admin("addsite", f"Observatoire de Haute-Provence {sfx}",
                                  "--longitude", "5.71", "--latitude", "43.93",
                                  "--time-zone", "Europe/Paris")
    telescope = arcsecond_server.admin("addtelescope", f"Telescope de 193 cm du plateau {sfx}",
                                       "--site", site["uuid"], "--owner", client.username)
    api = client.api()
    dataset = api.datasets.create(name="Andromeda galaxy deep field, second season, all filters",
                                  telescope=telescope["uuid"])
    folder = tmp_path_factory.mktemp("long-names-files")
    files = []
    for night in ("2024-09-01", "2024-09-02"):
        path = folder / f"andromeda_deep_field_luminance_{night}_0001.fits"
        path.write_bytes(fits_bytes(f"{night}T22:00:00"))
        files.append(api.datafiles.upload(path, dataset["uuid"]))
    return {"client": client, "site": site, "telescope": telescope, "dataset": dataset,
            "files": files, "logs": list(api.nightlogs.list())}


@pytest.mark.parametrize("columns", [60, 120])
@pytest.mark.parametrize("group", ["dataset", "datafile", "nightlog"])
def test_tables_fit_the_terminal_without_breaking_identifiers(
    long_names: dict[str, Any], group: str, columns: int
) -> None:
    code, screen = on_terminal(long_names["client"], columns, group, "list")
    assert code == 0, screen
    lines = screen.splitlines()
    assert lines and lines[0].startswith("+")
    assert max(len(line) for line in lines) <= columns, screen
    shown = {
        "dataset": [long_names["dataset"]["uuid"]],
        "datafile": [str(f["id"]) for f in long_names["files"]],
        "nightlog": [n["uuid"] for n in long_names["logs"]] + [n["date"] for n in long_names["logs"]],
    }[group]
    for value in shown:  # always there, each on one line
        assert value in screen, (value, screen)
    times = [f["date_obs"] for f in long_names["files"]] + [f["created"] for f in long_names["files"]]
    for when in times if group == "datafile" else []:
        if when[:10] in screen:  # a time shown is shown whole: day and time on one line
            assert re.search(re.escape(when[:10]) + r"[T ]\d\d:\d\d", screen), (when, screen)
    for found in UUID.finditer(screen.replace("\n", " ")):
        assert found.group() in screen
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f-]{0,20}\s*\|\s*\n", screen)  # no UUID cut short
    if columns == 120:
        assert group != "datafile" or "| date_obs" in lines[1]
        if group == "nightlog":  # the telescope's and site's names, not their UUIDs
            assert "| telescope" in lines[1] and "| observing_site" in lines[1]
            assert long_names["telescope"]["uuid"] not in screen
            assert long_names["site"]["uuid"] not in screen


def test_piped_tables_keep_every_column_and_full_values(long_names: dict[str, Any]) -> None:
    client = long_names["client"]
    rows = table_rows(client.run("datafile", "list", check=True).stdout)
    assert rows[0] == ["id", "file_name", "size", "file_type", "is_raw", "date_obs", "created"]
    by_name = {row[1]: row for row in rows[1:]}
    made = long_names["files"][0]
    assert by_name[made["file_name"]][6] == made["created"]
    rows = table_rows(client.run("nightlog", "list", check=True).stdout)
    assert rows[0] == ["date", "uuid", "telescope", "observing_site", "datafiles_count"]
    assert {tuple(row[2:4]) for row in rows[1:]} == {
        (long_names["telescope"]["name"], long_names["site"]["name"])}
    # JSON keeps the API's fields: identifiers, not names
    logs = client.json("nightlog", "list")
    assert {log["telescope"] for log in logs} == {long_names["telescope"]["uuid"]}
    assert {log["observing_site"] for log in logs} == {long_names["site"]["uuid"]}


def test_sizes_read_for_people_and_exact_for_machines(world: World) -> None:
    client = world.client
    notes = world.files["notes"]
    size = len(world.contents["notes"])  # 2000 bytes
    rows = {row[1]: row for row in table_rows(client.run("datafile", "list", check=True).stdout)}
    assert rows["notes.txt"][2] == "2.0 KB"
    shown = {r[0]: r[1] for r in table_rows(
        client.run("datafile", "show", str(notes["id"]), check=True).stdout)[1:]}
    assert shown["size"] == "2.0 KB"
    assert client.json("datafile", "show", str(notes["id"]))["size"] == size
    listed = {f["file_name"]: f for f in client.json("datafile", "list")}
    assert listed["notes.txt"]["size"] == size
    value = client.run("datafile", "show", str(notes["id"]), "-c", "size", "-f", "value", check=True)
    assert value.stdout == f"{size}\n"
    text = client.run("datafile", "list", "-f", "csv", check=True).stdout
    by_name = {row["file_name"]: row for row in csv.DictReader(io.StringIO(text))}
    assert by_name["notes.txt"]["size"] == str(size)
    assert by_name["notes.txt"]["is_raw"] == "true"  # booleans as CSV readers expect
    assert yaml.safe_load(client.run("datafile", "list", "-f", "yaml", check=True).stdout)[0][
        "is_raw"] is True


def test_api_list_shows_blanks_and_whoami_json_has_a_list(world: World) -> None:
    client = world.client
    rows = table_rows(client.run("api", "list", check=True).stdout)
    cloud = next(row for row in rows[1:] if row[0] == "cloud")
    assert cloud[3:] == ["", "", ""] and "None" not in client.run("api", "list").stdout
    assert client.json("api", "list")[0]["username"] is None
    memberships = client.json("whoami")["memberships"]
    assert memberships == [{"portal": world.portal, "role": "admin"}]


def test_addportal_shows_members_as_a_list(arcsecond_server: Any) -> None:
    users = [arcsecond_server.add_user(f"m{uuid.uuid4().hex[:8]}")["username"] for _ in range(2)]
    portal = f"members-{uuid.uuid4().hex[:6]}"
    made = arcsecond_server.admin("addportal", portal, "--member", f"{users[0]}:admin",
                                  "--member", users[1])
    assert made["members"] == sorted([f"{users[0]}:admin", f"{users[1]}:member"])
    proc = subprocess.run(
        [arcsecond_script(), "server", "addportal", portal, "--member", f"{users[1]}:viewer",
         "--data-dir", str(arcsecond_server.data_dir)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=True)
    fields = {r[0]: r[1] for r in table_rows(proc.stdout)[1:]}
    assert fields["members"] == ", ".join(sorted([f"{users[0]}:admin", f"{users[1]}:viewer"]))


# -- the upload report -----------------------------------------------------------------------------


def _night(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"frame_{i:03d}.fits").write_bytes(fits_bytes(f"2024-10-0{1 + i % 3}T22:00:00"))
    return folder


def test_upload_report_in_every_cliff_format(arcsecond_client: ArcsecondClient, tmp_path: Path) -> None:
    client = arcsecond_client
    folder = _night(tmp_path / "night", 3)
    first = client.run("upload", str(folder), "-d", "Formats", "--yes", "-f", "csv")
    assert first.returncode == 0, first.stderr
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    assert sorted(row["status"] for row in rows) == ["uploaded"] * 3
    assert all(row["bytes"] == str((folder / row["path"]).stat().st_size) for row in rows)
    assert re.search(r"dataset 'Formats' \(\S+\): 3 uploaded \(\d+\.\d KB sent\)", first.stderr)
    (folder / "frame_999.fits").write_bytes(fits_bytes("2024-10-05T22:00:00"))
    again = client.run("upload", str(folder), "-d", "Formats", "--yes")
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1].endswith("1 uploaded, 3 already on the server (5.8 KB sent)")
    assert "skipped into" not in again.stdout + again.stderr
    as_yaml = yaml.safe_load(client.run("upload", str(folder), "-d", "Formats", "--yes", "-f",
                                        "yaml", check=True).stdout)
    assert {row["status"] for row in as_yaml} == {"skipped"}
    value = client.run("upload", str(folder), "-d", "Formats", "--yes", "-f", "value", "-c", "path",
                       check=True).stdout
    assert sorted(value.split()) == sorted(p.name for p in folder.iterdir())
    as_json = json.loads(client.run("upload", str(folder), "-d", "Formats", "--yes", "--dry-run",
                                    "-f", "json", check=True).stdout)
    assert {row["action"] for row in as_json} == {"skip"} and len(as_json) == 4
    dry = client.run("upload", str(folder), "-d", "Formats", "--dry-run", "-f", "csv", check=True)
    assert next(csv.reader(io.StringIO(dry.stdout)))[:3] == ["path", "file_name", "type"]


def test_an_interrupted_upload_says_so_once(arcsecond_client: ArcsecondClient, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(150):
        (folder / f"frame_{i:03d}.dat").write_bytes(os.urandom(100_000))
    proc = subprocess.Popen([arcsecond_script(), "upload", str(folder), "-d", "Stopped", "--yes",
                             "--jobs", "1"], env=arcsecond_client.env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if sum("uploaded frame" in item for item in seen) >= 5:
            break
    proc.send_signal(signal.SIGINT)
    out, err = finish(proc, 60)
    said = "".join(seen) + err + out
    assert proc.returncode == 130, said
    assert said.count("interrupted") == 1, said
    assert "interrupted: dataset 'Stopped'" in out
    assert "run the same command again" in err

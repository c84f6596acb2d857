"""``arcsecond datafile ...`` run as the console script against the embedded server."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from arcsecond_core.testing_client import ArcsecondClient

from .conftest import World, assert_error, fits_bytes, run_on_terminal, table_rows

pytestmark = pytest.mark.e2e

HEADER = ["id", "file_name", "size", "file_type", "is_raw", "date_obs", "created"]


def test_empty_list(stranger: ArcsecondClient) -> None:
    assert stranger.json("datafile", "list") == []
    assert table_rows(stranger.run("datafile", "list", check=True).stdout) == [HEADER]


def test_list_table_and_json_without_and_with_a_portal(world: World) -> None:
    client = world.client
    mine = {world.files[k]["id"] for k in ("light", "notes", "twin")}
    rows = table_rows(client.run("datafile", "list", check=True).stdout)
    assert rows[0] == HEADER
    assert {int(row[0]) for row in rows[1:]} == mine
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["notes.txt"][2:5] == ["2.0 KB", "other", "True"]  # 2000 bytes
    assert by_name["light.fits"][3] == "fits"
    items = client.json("datafile", "list")
    assert {f["id"] for f in items} == mine
    assert {f["file_name"]: f["size"] for f in items}["notes.txt"] == len(world.contents["notes"])
    assert {"checksum", "night_log", "observation", "calibration", "tags"} <= set(items[0])
    in_portal = client.json("datafile", "list", "-p", world.portal)
    assert [f["id"] for f in in_portal] == [world.files["portal"]["id"]]


def test_list_filters_by_dataset_and_night_log(world: World) -> None:
    client = world.client
    m31 = client.json("datafile", "list", "--dataset", "M31", "-c", "file_name")
    assert sorted(f["file_name"] for f in m31) == ["light.fits", "notes.txt"]
    portal = client.json("datafile", "list", "--dataset", "M31", "-p", world.portal)
    assert [f["file_name"] for f in portal] == ["p-light.fits"]
    night_log = world.files["light"]["night_log"]
    assert night_log is not None
    by_log = client.json("datafile", "list", "--night-log", night_log)
    assert [f["id"] for f in by_log] == [world.files["light"]["id"]]
    # two of this user's telescopes observed on the night of 2024-03-10: a date is not enough
    assert_error(client.run("datafile", "list", "--night-log", "2024-03-10"), 1,
                 "are dated '2024-03-10'", "use the uuid")
    assert_error(client.run("datafile", "list", "--dataset", "M99"), 1, "no dataset named 'M99'")


def test_show_table_and_json_and_not_found(world: World) -> None:
    client = world.client
    light = world.files["light"]
    fields = {row[0]: row[1] for row in table_rows(
        client.run("datafile", "show", str(light["id"]), check=True).stdout)[1:]}
    assert fields["file_name"] == "light.fits" and fields["checksum"] == light["checksum"]
    assert client.json("datafile", "show", str(light["id"])) == light
    portal_id = str(world.files["portal"]["id"])
    assert client.json("datafile", "show", portal_id, "-p", world.portal)["file_name"] == "p-light.fits"
    assert_error(client.run("datafile", "show", portal_id), 1, f"no data file '{portal_id}'")
    assert_error(client.run("datafile", "show", "987654"), 1, "no data file '987654'")
    assert_error(client.run("datafile", "show", "light.fits"), 2, "is not an identifier")


def test_download_to_a_directory_a_file_and_overwriting(world: World, tmp_path: Path) -> None:
    client = world.client
    light_id = str(world.files["light"]["id"])
    proc = client.run("datafile", "download", light_id, "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    saved = tmp_path / "light.fits"
    assert saved.read_bytes() == world.contents["light"]
    assert saved.stat().st_size == 5760
    assert proc.stdout == f"downloaded data file {light_id} (5.8 KB) to {saved}\n"
    assert proc.stderr == ""  # no progress bar without a terminal
    assert stat.S_IMODE(saved.stat().st_mode) & 0o044  # not the temporary file's 0600
    assert_error(client.run("datafile", "download", light_id, "-o", str(tmp_path)), 1,
                 "already exists: pass --force")
    saved.write_bytes(b"stale")
    assert client.run("datafile", "download", light_id, "-o", str(tmp_path), "--force").returncode == 0
    assert saved.read_bytes() == world.contents["light"]
    other = tmp_path / "sub" / "renamed.txt"
    notes_id = str(world.files["notes"]["id"])
    assert client.run("datafile", "download", notes_id, "-o", str(other)).returncode == 0
    assert other.read_bytes() == world.contents["notes"]
    portal_id = str(world.files["portal"]["id"])
    proc = client.run("datafile", "download", portal_id, "-p", world.portal, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "p-light.fits").read_bytes() == world.contents["portal"]
    assert_error(client.run("datafile", "download", "987654", cwd=tmp_path), 1, "no data file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["light.fits", "p-light.fits", "sub"]


def test_download_shows_progress_on_a_terminal(world: World, tmp_path: Path) -> None:
    twin_id = str(world.files["twin"]["id"])
    code, out, screen = run_on_terminal(world.client, "datafile", "download", twin_id,
                                        "-o", str(tmp_path), stderr_tty=True)
    assert code == 0, screen
    assert "orion.fits" in screen and "100%" in screen
    assert out.startswith(f"downloaded data file {twin_id} ")
    assert (tmp_path / "orion.fits").read_bytes() == world.contents["twin"]


def test_update_and_delete(arcsecond_client: ArcsecondClient, tmp_path: Path) -> None:
    client = arcsecond_client
    api = client.api()
    dataset = api.datasets.create(name="Files")
    path = tmp_path / "flat.fits"
    path.write_bytes(fits_bytes("2024-05-01T03:00:00", imagetyp="Flat Field"))
    made = api.datafiles.upload(path, dataset["uuid"], is_raw=True)
    file_id = str(made["id"])
    assert made["calibration"] is not None
    updated = client.json("datafile", "update", file_id, "--tag", "dusty", "--tag", "v2", "--no-raw")
    assert updated["tags"] == ["dusty", "v2"] and updated["is_raw"] is False
    proc = client.run("datafile", "update", file_id, "--raw", "-c", "is_raw", "-c", "tags")
    assert table_rows(proc.stdout)[1:] == [["is_raw", "True"], ["tags", "dusty, v2"]]
    assert_error(client.run("datafile", "update", file_id), 2, "nothing to update")
    assert_error(client.run("datafile", "update", "987654", "--raw"), 1, "no data file")
    proc = client.run("datafile", "delete", file_id, "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"deleted data file {file_id}\n"
    assert_error(client.run("datafile", "show", file_id), 1, f"no data file '{file_id}'")
    assert client.json("dataset", "show", "Files")["data_files_count"] == 0


def test_upload_key_cannot_read_data_files(arcsecond_client: ArcsecondClient) -> None:
    client = arcsecond_client
    client.login("upload")
    assert_error(client.run("datafile", "list"), 1, "not allowed with an upload key", "--type access")
    assert_error(client.run("datafile", "download", "1"), 1, "upload key")

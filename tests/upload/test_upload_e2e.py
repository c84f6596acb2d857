"""``arcsecond upload`` end to end: the real console script against the embedded server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import checksums, dataset_names, local_checksums, report, server_files
from .samples import night_tree, write_fits

pytestmark = pytest.mark.e2e


def test_folder_tree_lands_once_with_types_tags_and_raw(arcsecond_client: Any, tmp_path: Path
                                                        ) -> None:
    root = tmp_path / "night"
    night_tree(root)
    (root / "deep" / "loop").symlink_to(root)
    (root / "dangling.fits").symlink_to(tmp_path / "nowhere")
    proc = arcsecond_client.run("upload", str(root), "-d", "M31 night", "--yes", "--tags", "a, b",
                                "--tags", "c", "--no-raw", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    rows = report(proc)
    assert rows["empty.fits"]["status"] == "ignored"
    assert (rows["deep/loop"]["status"], rows["deep/loop"]["error"]) == ("ignored", "symlink loop")
    assert rows["dangling.fits"]["error"] == "broken symlink"
    assert ".hidden.fits" not in rows and ".cache/x.fits" not in rows
    sent = {path: row for path, row in rows.items() if row["status"] == "uploaded"}
    assert len(sent) == 8 and all(row["id"] for row in sent.values())
    assert checksums(arcsecond_client, "M31 night") == local_checksums(root)
    by_name = {f["file_name"]: f for f in server_files(arcsecond_client, "M31 night")}
    kinds = {name: (f["file_type"], f["compression"]) for name, f in by_name.items()}
    assert kinds == {
        "a.fits": ("fits", None), "b.fits": ("fits", None), "flat1.fit": ("fits", None),
        "c.fits.gz": ("fits", "gzip"), "d.fits.bz2": ("fits", "bzip2"), "e.zip": ("fits", "zip"),
        "m42.xisf": ("xisf", None), "notes.txt": ("other", None),
    }
    assert all(f["tags"] == ["a", "b", "c"] and f["is_raw"] is False for f in by_name.values())
    assert by_name["flat1.fit"]["calibration"] and by_name["a.fits"]["observation"]
    assert "Traceback" not in proc.stderr


def test_rerun_uploads_nothing_even_without_the_ledger(arcsecond_client: Any, tmp_path: Path
                                                        ) -> None:
    root = tmp_path / "night"
    night_tree(root)
    first = arcsecond_client.run("upload", str(root), "-d", "rerun", "--yes")
    assert first.returncode == 0, first.stderr
    before = server_files(arcsecond_client, "rerun")
    second = arcsecond_client.run("upload", str(root), "-d", "rerun", "-f", "json")
    assert second.returncode == 0, second.stderr
    assert {row["status"] for row in report(second).values()} == {"skipped", "ignored"}
    assert "on server: 8 already there" in second.stderr
    (arcsecond_client.config_dir / "uploads.sqlite3").unlink()
    third = arcsecond_client.run("upload", str(root), "-d", "rerun", "--yes", "-f", "json")
    assert third.returncode == 0 and "uploaded" not in {r["status"] for r in report(third).values()}
    assert server_files(arcsecond_client, "rerun") == before


def test_dataset_by_uuid_and_by_folder_name(arcsecond_client: Any, tmp_path: Path) -> None:
    root = tmp_path / "2024-05-01"
    write_fits(root / "x.fits")
    with arcsecond_client.api() as api:
        dataset = api.datasets.create(name="existing")
    proc = arcsecond_client.run("upload", str(root), "-d", dataset["uuid"], "--yes")
    assert proc.returncode == 0, proc.stderr
    assert f"existing, {dataset['uuid']}" in proc.stderr
    assert list(checksums(arcsecond_client, dataset["uuid"])) == ["x.fits"]
    proc = arcsecond_client.run("upload", str(root), "--yes")
    assert proc.returncode == 0, proc.stderr
    assert list(checksums(arcsecond_client, "2024-05-01")) == ["x.fits"]


def test_unknown_uuid_is_an_error_before_anything_is_sent(arcsecond_client: Any, tmp_path: Path
                                                          ) -> None:
    write_fits(tmp_path / "d" / "x.fits")
    proc = arcsecond_client.run("upload", str(tmp_path / "d"), "-d",
                                "00000000-0000-4000-8000-000000000000", "--yes")
    assert proc.returncode == 1
    assert "error: no dataset '00000000-0000-4000-8000-000000000000'" in proc.stderr
    assert "nothing was sent" in proc.stderr and "Traceback" not in proc.stderr
    assert dataset_names(arcsecond_client) == []


def test_portal_upload_and_non_member(arcsecond_client: Any, arcsecond_server: Any,
                                      tmp_path: Path, unique: str) -> None:
    portal = f"obs-{unique}"
    arcsecond_server.admin("addportal", portal, "--name", "Cerro Obs", "--member",
                           arcsecond_client.username)
    root = tmp_path / "n"
    write_fits(root / "x.fits")
    proc = arcsecond_client.run("upload", str(root), "-d", "P", "-p", portal, "--yes")
    assert proc.returncode == 0, proc.stderr
    assert f"portal:    {portal} (Cerro Obs)" in proc.stderr
    assert list(checksums(arcsecond_client, "P", portal)) == ["x.fits"]
    assert "P" not in dataset_names(arcsecond_client)
    other = f"other-{unique}"
    arcsecond_server.admin("addportal", other, "--member", arcsecond_server.add_user(
        f"u{unique}")["username"])
    proc = arcsecond_client.run("upload", str(root), "-d", "Q", "-p", other, "--yes")
    assert proc.returncode == 1 and f"not a member of portal {other!r}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_dry_run_lists_headers_and_night_logs_and_sends_nothing(
    arcsecond_client: Any, arcsecond_server: Any, tmp_path: Path, unique: str
) -> None:
    site = arcsecond_server.admin("addsite", f"Paranal {unique}", "--longitude", "-70.4",
                                  "--latitude", "-24.6", "--time-zone", "America/Santiago")
    telescope = arcsecond_server.admin("addtelescope", f"UT1 {unique}", "--site", site["uuid"],
                                       "--owner", arcsecond_client.username)
    root = tmp_path / "night"
    night_tree(root)
    proc = arcsecond_client.run("upload", str(root), "-d", "dry", "-t", telescope["uuid"],
                                "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "dry run: nothing was sent" in proc.stderr
    cells = [[cell.strip() for cell in line.strip("|").split("|")]
             for line in proc.stdout.splitlines() if line.startswith("|")]
    assert cells[0] == ["path", "type", "compression", "date_obs", "object", "imagetyp",
                        "night_log", "action", "note"]
    lines = {row[0]: row[1:8] for row in cells[1:]}
    assert {row[8] for row in cells[1:]} == {""}  # nothing to note on good files
    # 2024-05-02T02:00 UTC is 22:00 on the 1st in Chile; 03:30 UTC is 23:30.
    assert lines["b.fits"] == ["fits", "", "2024-05-02T02:00:00", "M31", "Light Frame",
                               "2024-05-01", "send"]
    assert lines["c.fits.gz"][1] == "gzip" and lines["c.fits.gz"][5] == "2024-05-01"
    assert lines["m42.xisf"] == ["xisf", "", "2024-05-02T03:30:00", "M42", "Dark Frame",
                                 "2024-05-01", "send"]
    assert lines["deep/er/notes.txt"] == ["other", "", "", "", "", "", "send"]
    as_json = {row["path"]: row for row in arcsecond_client.json(
        "upload", str(root), "-d", "dry", "-t", telescope["uuid"], "--dry-run")}
    assert as_json["flats/flat1.fit"]["imagetyp"] == "Flat Field"
    assert as_json["e.zip"]["compression"] == "zip" and as_json["e.zip"]["type"] == "fits"
    assert as_json["a.fits"]["night_log"] == "2024-05-01"
    assert "dry" not in dataset_names(arcsecond_client)
    # The night log the server files it under is the one announced.
    proc = arcsecond_client.run("upload", str(root), "-d", "dry", "-t", telescope["uuid"], "--yes")
    assert proc.returncode == 0, proc.stderr
    with arcsecond_client.api() as api:
        files = {f["file_name"]: f for f in server_files(arcsecond_client, "dry")}
        log = api.nightlogs.read(files["b.fits"]["night_log"])
    assert log["date"] == "2024-05-01"


def test_duplicate_names_refused_or_renamed(arcsecond_client: Any, tmp_path: Path) -> None:
    root = tmp_path / "night"
    write_fits(root / "n1" / "img.fits", seed=1)
    write_fits(root / "n2" / "img.fits", seed=2)
    write_fits(root / "img.fits", seed=3)
    proc = arcsecond_client.run("upload", str(root), "-d", "dups", "--yes")
    assert proc.returncode == 2
    assert "n1/img.fits" in proc.stderr and "--rename-duplicates" in proc.stderr
    assert "dups" not in dataset_names(arcsecond_client)
    proc = arcsecond_client.run("upload", str(root), "-d", "dups", "--yes", "--rename-duplicates")
    assert proc.returncode == 0, proc.stderr
    names = {"n1/img.fits": "n1__img.fits", "n2/img.fits": "n2__img.fits"}
    assert checksums(arcsecond_client, "dups") == local_checksums(root, names)


def test_confirmation_needed_without_a_terminal(arcsecond_client: Any, tmp_path: Path) -> None:
    write_fits(tmp_path / "n" / "x.fits")
    proc = arcsecond_client.run("upload", str(tmp_path / "n"), "-d", "ask")
    assert proc.returncode == 2 and "--yes" in proc.stderr
    assert "server:" in proc.stderr and "ask" not in dataset_names(arcsecond_client)


def test_upload_key_and_a_conflict_exits_1(arcsecond_client: Any, tmp_path: Path) -> None:
    arcsecond_client.login("upload")
    root = tmp_path / "n"
    write_fits(root / "x.fits")
    write_fits(root / "y.fits", seed=1)
    proc = arcsecond_client.run("upload", str(root), "-d", "keys", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "(upload key " in proc.stderr and arcsecond_client.upload_key not in proc.stderr
    (root / "x.fits").write_bytes(b"changed content")
    proc = arcsecond_client.run("upload", str(root), "-d", "keys", "--yes", "-f", "json")
    assert proc.returncode == 1
    rows = report(proc)
    assert rows["x.fits"]["status"] == "conflict" and "changed since" in rows["x.fits"]["error"]
    assert rows["y.fits"]["status"] == "skipped"
    assert "by the local ledger" in proc.stderr and "Traceback" not in proc.stderr
    arcsecond_client.login("access")
    proc = arcsecond_client.run("upload", str(root), "-d", "keys", "--yes", "-f", "json")
    assert proc.returncode == 1
    assert "different file named 'x.fits'" in report(proc)["x.fits"]["error"]
    assert len(server_files(arcsecond_client, "keys")) == 2


def test_python_api_upload(arcsecond_client: Any, tmp_path: Path) -> None:
    root = tmp_path / "n"
    write_fits(root / "x.fits")
    with arcsecond_client.api() as api:
        rows = api.upload(root, dataset="py", dry_run=True)
        assert [row["path"] for row in rows] == ["x.fits"]
        result = api.upload(root, dataset="py", tags="t1,t2")
    assert result.ok and [f["status"] for f in result.files()] == ["uploaded"]
    files = server_files(arcsecond_client, "py")
    assert files[0]["tags"] == ["t1", "t2"]
    assert json.dumps(result.files())

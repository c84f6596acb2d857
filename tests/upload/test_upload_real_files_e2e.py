"""``arcsecond upload`` end to end with what observatories really have: fpack frames, corrupt
archives, very deep trees; the dry run shows what the server records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import checksums, local_checksums, report, server_files
from .samples import corrupt_archives, deep_tree, remove_deep_tree, write_fits, write_fpack

pytestmark = pytest.mark.e2e


def observations(client: Any, files: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    with client.api() as api:
        return {f["file_name"]: dict(api.resource("observations").read(f["observation"]))
                for f in files if f.get("observation")}


def test_an_fpack_night_gets_headers_observations_and_night_logs(arcsecond_client: Any,
                                                                 tmp_path: Path) -> None:
    root = tmp_path / "fz"
    write_fpack(root / "m31-1.fits.fz", date_obs="2024-05-01T22:00:00", target="M31", seed=1)
    write_fpack(root / "m31-2.fits.fz", date_obs="2024-05-02T03:00:00", target="M31", seed=2)
    write_fpack(root / "next.fits.fz", date_obs="2024-05-02T22:00:00", target="M51", seed=3)
    write_fpack(root / "flat.fz", date_obs="2024-05-01T20:00:00", target=None,
                imagetyp="Flat Field", seed=4)

    dry = arcsecond_client.run("upload", str(root), "-d", "fpack", "--dry-run", "-f", "json")
    assert dry.returncode == 0, dry.stderr
    rows = report(dry)
    assert {path: (r["type"], r["compression"], r["date_obs"], r["object"], r["imagetyp"],
                   r["night_log"]) for path, r in rows.items()} == {
        "m31-1.fits.fz": ("fits", "fpack", "2024-05-01T22:00:00", "M31", "Light Frame",
                          "2024-05-01"),
        "m31-2.fits.fz": ("fits", "fpack", "2024-05-02T03:00:00", "M31", "Light Frame",
                          "2024-05-01"),
        "next.fits.fz": ("fits", "fpack", "2024-05-02T22:00:00", "M51", "Light Frame",
                         "2024-05-02"),
        "flat.fz": ("fits", "fpack", "2024-05-01T20:00:00", None, "Flat Field", "2024-05-01"),
    }
    assert "FITS (fpack) 4" in dry.stderr

    proc = arcsecond_client.run("upload", str(root), "-d", "fpack", "--yes")
    assert proc.returncode == 0, proc.stderr
    files = {f["file_name"]: f for f in server_files(arcsecond_client, "fpack")}
    assert {(f["file_type"], f["compression"]) for f in files.values()} == {("fits", "fpack")}
    assert files["flat.fz"]["calibration"] and not files["flat.fz"]["observation"]
    found = observations(arcsecond_client, list(files.values()))
    assert {name: o["target_name"] for name, o in found.items()} == {
        "m31-1.fits.fz": "M31", "m31-2.fits.fz": "M31", "next.fits.fz": "M51"}
    with arcsecond_client.api() as api:
        logs = {log["uuid"]: log["date"] for log in api.resource("nightlogs").list()}
    assert {name: logs[f["night_log"]] for name, f in files.items()} == {
        name: rows[name]["night_log"] for name in files}


def test_corrupt_archives_beside_good_files_are_all_uploaded(arcsecond_client: Any,
                                                            tmp_path: Path) -> None:
    root = tmp_path / "mixed"
    broken = corrupt_archives(root)
    write_fits(root / "good.fits", seed=1)
    write_fits(root / "good.fits.gz", "gzip", seed=2)
    (root / "broken.fits").write_text("this is not FITS\n")

    dry = arcsecond_client.run("upload", str(root), "-d", "corrupt", "--dry-run", "-f", "json")
    assert dry.returncode == 0, dry.stderr
    rows = report(dry)
    for name in ("garbled.fits.gz", "cut.fits.bz2", "cut.fits.zip", "truncated.fits",
                 "broken.fits"):
        assert rows[name]["note"].startswith("headers unreadable"), name
    assert rows["good.fits.gz"]["object"] == "M31" and rows["good.fits.gz"]["note"] is None

    proc = arcsecond_client.run("upload", str(root), "-d", "corrupt", "--yes", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert {row["status"] for row in report(proc).values()} == {"uploaded"}
    assert checksums(arcsecond_client, "corrupt") == local_checksums(root)
    assert len(broken) + 3 == len(rows)
    # The dry run showed exactly what the server recorded.
    recorded = {f["file_name"]: (f["file_type"], f["compression"])
                for f in server_files(arcsecond_client, "corrupt")}
    assert recorded == {name: (r["type"], r["compression"]) for name, r in rows.items()}
    assert recorded["broken.fits"] == ("fits", None)
    unreadable = {f["file_name"]: f for f in server_files(arcsecond_client, "corrupt")}
    assert unreadable["truncated.fits"]["observation"] is None
    assert unreadable["garbled.fits.gz"]["date_obs"] is None


def test_a_tree_1500_folders_deep(arcsecond_client: Any, tmp_path: Path) -> None:
    root = tmp_path / "deep"
    root.mkdir()
    bottom = deep_tree(root, 1500)
    try:
        write_fits(bottom / "bottom.fits", seed=1)
        write_fits(root / "top.fits", seed=2)
        proc = arcsecond_client.run("upload", str(root), "-d", "deep", "--yes", "-f", "json")
        assert proc.returncode == 0, proc.stderr
        assert "RecursionError" not in proc.stderr
        paths = [row["path"] for row in json.loads(proc.stdout)]
        assert len(paths) == 2 and paths[0].count("/") == 1500
        assert set(checksums(arcsecond_client, "deep")) == {"bottom.fits", "top.fits"}
        again = arcsecond_client.run("upload", str(root), "-d", "deep", "--yes", "-f", "json")
        assert again.returncode == 0 and {r["status"] for r in report(again).values()} == {
            "skipped"}
    finally:
        remove_deep_tree(root, 1500)

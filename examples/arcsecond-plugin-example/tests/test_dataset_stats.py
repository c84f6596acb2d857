"""``arcsecond dataset stats`` run through the real console script against a real server."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def dataset(arcsecond_client, fits_file, tmp_path: Path) -> dict:
    """A dataset with two FITS files from one night, one from the next, and a text file."""
    api = arcsecond_client.api()
    dataset = api.datasets.create(name="M31")
    for name, date_obs in (("a.fits", "2024-03-05T22:00:00"), ("b.fits", "2024-03-06T03:00:00"),
                           ("c.fits", "2024-03-07T01:00:00")):
        api.datafiles.upload(fits_file(name, OBJECT="M31", DATE_OBS=date_obs), dataset["uuid"])
    notes = tmp_path / "notes.txt"
    notes.write_text("seeing 1.2 arcsec\n")
    api.datafiles.upload(notes, dataset["uuid"])
    return dataset


def test_counts_per_file_type_and_night(arcsecond_client, dataset) -> None:
    rows = arcsecond_client.json("dataset", "stats", "M31")
    by = {(row["group"], row["key"]): row for row in rows}
    assert by["file_type", "fits"]["files"] == 3
    assert by["file_type", "other"]["files"] == 1
    assert by["file_type", "other"]["bytes"] == len("seeing 1.2 arcsec\n")
    assert by["night_log", "2024-03-05"]["files"] == 2
    assert by["night_log", "2024-03-06"]["files"] == 1
    assert by["night_log", None]["files"] == 1
    total = by["total", "M31"]
    assert total["files"] == 4
    sizes = [f["size"] for f in arcsecond_client.api().datafiles.list(dataset=dataset["uuid"])]
    assert total["bytes"] == sum(sizes)


def test_dataset_by_uuid_and_one_grouping(arcsecond_client, dataset) -> None:
    rows = arcsecond_client.json("dataset", "stats", dataset["uuid"], "--by", "file_type")
    assert [row["group"] for row in rows] == ["file_type", "file_type", "total"]


def test_global_size_unit_option(arcsecond_client, dataset) -> None:
    rows = arcsecond_client.json("--size-unit", "KiB", "dataset", "stats", "M31")
    assert all(row["size"].endswith(" KiB") for row in rows)


def test_table_output(arcsecond_client, dataset) -> None:
    proc = arcsecond_client.run("dataset", "stats", "M31", check=True)
    assert "| file_type | fits" in proc.stdout
    assert "2024-03-05" in proc.stdout


def test_unknown_dataset(arcsecond_client) -> None:
    proc = arcsecond_client.run("dataset", "stats", "nothing-here")
    assert proc.returncode == 1
    assert "no dataset named 'nothing-here'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_inside_a_portal(arcsecond_server, arcsecond_client, fits_file) -> None:
    portal = f"obs-{arcsecond_client.username[-8:]}"
    arcsecond_server.admin("addportal", portal, "--member", f"{arcsecond_client.username}:admin")
    api = arcsecond_client.api(portal=portal)
    dataset = api.datasets.create(name="Portal night")
    path = fits_file("p.fits", DATE_OBS="2024-01-01T23:00:00")
    api.datafiles.upload(path, dataset["uuid"])
    rows = arcsecond_client.json("dataset", "stats", "Portal night", "-p", portal)
    assert rows[-1] == {"group": "total", "key": "Portal night", "files": 1,
                        "bytes": path.stat().st_size}
    outside = arcsecond_client.run("dataset", "stats", "Portal night")
    assert outside.returncode == 1

"""``arcsecond upload`` end to end: a changed file is never silently kept stale, names survive
the round trip, files and several paths, the real console script against the embedded server."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from .conftest import checksums, dataset_names, local_checksums, report, server_files
from .samples import fits_bytes, write_fits

pytestmark = pytest.mark.e2e


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_rewritten_same_size_file_is_a_conflict_until_replaced(arcsecond_client: Any,
                                                                tmp_path: Path) -> None:
    root = tmp_path / "night"
    frame = write_fits(root / "frame.fits", seed=0)
    write_fits(root / "other.fits", seed=5)
    first = arcsecond_client.run("upload", str(root), "-d", "reduced", "--yes")
    assert first.returncode == 0, first.stderr
    old_sum = checksums(arcsecond_client, "reduced")["frame.fits"]
    size = frame.stat().st_size
    frame.write_bytes(fits_bytes(seed=1))  # re-reduced: same shape, same size, other pixels
    assert frame.stat().st_size == size and sha(frame) != old_sum

    for extra in ((), ("--verify",)):
        proc = arcsecond_client.run("upload", str(root), "-d", "reduced", "--yes", "-f", "json",
                                    *extra)
        assert proc.returncode == 1, proc.stderr
        rows = report(proc)
        assert rows["frame.fits"]["status"] == "conflict"
        assert "same size, other sha256" in rows["frame.fits"]["error"]
        assert "--replace" in rows["frame.fits"]["error"]
        assert rows["other.fits"]["status"] == "skipped"
        assert "conflicts: 1 names" in proc.stderr
        assert checksums(arcsecond_client, "reduced")["frame.fits"] == old_sum

    dry = arcsecond_client.run("upload", str(root), "-d", "reduced", "--dry-run", "--replace",
                               "-f", "json")
    assert dry.returncode == 0, dry.stderr
    assert {row["path"]: row["action"] for row in report(dry).values()} == {
        "frame.fits": "replace", "other.fits": "skip"}

    proc = arcsecond_client.run("upload", str(root), "-d", "reduced", "--yes", "--replace",
                                "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert report(proc)["frame.fits"]["status"] == "uploaded"
    assert checksums(arcsecond_client, "reduced") == local_checksums(root)
    assert len(server_files(arcsecond_client, "reduced")) == 2

    again = arcsecond_client.run("upload", str(root), "-d", "reduced", "--yes", "-f", "json")
    assert again.returncode == 0 and {r["status"] for r in report(again).values()} == {"skipped"}


def test_conflicts_are_the_same_with_an_upload_key(arcsecond_client: Any, tmp_path: Path) -> None:
    root = tmp_path / "night"
    frame = write_fits(root / "frame.fits", seed=0)
    arcsecond_client.login("upload")
    first = arcsecond_client.run("upload", str(root), "-d", "keyed", "--yes")
    assert first.returncode == 0, first.stderr
    old_sum = sha(frame)
    frame.write_bytes(fits_bytes(seed=1))

    by_ledger = arcsecond_client.run("upload", str(root), "-d", "keyed", "--yes", "-f", "json")
    assert by_ledger.returncode == 1
    assert report(by_ledger)["frame.fits"]["status"] == "conflict"

    # Without the ledger, the server's refusal of the name says what it holds.
    (arcsecond_client.config_dir / "uploads.sqlite3").unlink()
    by_server = arcsecond_client.run("upload", str(root), "-d", "keyed", "--yes", "-f", "json")
    assert by_server.returncode == 1, by_server.stderr
    row = report(by_server)["frame.fits"]
    assert row["status"] == "conflict" and "same size, other sha256" in row["error"]

    replace = arcsecond_client.run("upload", str(root), "-d", "keyed", "--yes", "--replace",
                                   "-f", "json")
    assert replace.returncode == 1
    row = report(replace)["frame.fits"]
    assert row["status"] == "failed" and "may not delete data files" in row["error"]
    assert "Traceback" not in replace.stderr
    arcsecond_client.login("access")
    assert checksums(arcsecond_client, "keyed") == {"frame.fits": old_sum}

    # The same file, unchanged, is recognised through the server's answer too.
    frame.write_bytes(fits_bytes(seed=0))
    arcsecond_client.login("upload")
    (arcsecond_client.config_dir / "uploads.sqlite3").unlink()
    same = arcsecond_client.run("upload", str(root), "-d", "keyed", "--yes", "-f", "json")
    assert same.returncode == 0, same.stderr
    assert report(same)["frame.fits"]["status"] == "skipped"


ODD_NAMES = ["back\\slash.fits", "new\nline.fits", 'say "cheese".fits', "it's.fits",
             "semi;colon.fits", "été ✶ 天体.fits", "two  spaces.fits", "100%.fits",
             "a%22b.fits"]


def test_odd_names_arrive_exactly_and_a_rerun_skips_them(arcsecond_client: Any,
                                                        tmp_path: Path) -> None:
    root = tmp_path / "odd"
    for seed, name in enumerate(ODD_NAMES):
        write_fits(root / name, seed=seed)
    proc = arcsecond_client.run("upload", str(root), "-d", "odd", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert checksums(arcsecond_client, "odd") == local_checksums(root)
    (arcsecond_client.config_dir / "uploads.sqlite3").unlink()  # the server's names alone
    again = arcsecond_client.run("upload", str(root), "-d", "odd", "--yes", "-f", "json")
    assert again.returncode == 0, again.stderr
    assert [row["status"] for row in report(again).values()] == ["skipped"] * len(ODD_NAMES)
    assert len(server_files(arcsecond_client, "odd")) == len(ODD_NAMES)


def test_single_files_and_several_paths(arcsecond_client: Any, tmp_path: Path) -> None:
    night = tmp_path / "2024-05-01"
    one = write_fits(night / "sub" / "one.fits", seed=1)
    write_fits(night / "top.fits", seed=2)
    extra = write_fits(tmp_path / "elsewhere" / "extra.fits", seed=3)

    proc = arcsecond_client.run("upload", str(one), "--yes")  # into the file's folder's name
    assert proc.returncode == 0, proc.stderr
    assert checksums(arcsecond_client, "sub") == {"one.fits": sha(one)}

    proc = arcsecond_client.run("upload", str(night / "top.fits"), str(extra), "-d", "picked",
                                "--yes")
    assert proc.returncode == 0, proc.stderr
    assert checksums(arcsecond_client, "picked") == {"top.fits": sha(night / "top.fits"),
                                                     "extra.fits": sha(extra)}

    proc = arcsecond_client.run("upload", str(night), str(one), "-d", "mixed", "--yes")
    assert proc.returncode == 2
    assert "one.fits" in proc.stderr and "--rename-duplicates" in proc.stderr
    proc = arcsecond_client.run("upload", str(night), str(extra), "-d", "mixed", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert set(checksums(arcsecond_client, "mixed")) == {"one.fits", "top.fits", "extra.fits"}

    proc = arcsecond_client.run("upload", str(night), str(extra), "--yes")
    assert proc.returncode == 2 and "-d DATASET" in proc.stderr

    with arcsecond_client.api() as api:
        result = api.upload([one, extra], dataset="from python")
    assert result.ok and checksums(arcsecond_client, "from python") == {
        "one.fits": sha(one), "extra.fits": sha(extra)}


def test_an_empty_path_is_a_usage_error(arcsecond_client: Any, tmp_path: Path) -> None:
    write_fits(tmp_path / "x.fits")
    for args in ([""], [str(tmp_path), ""]):
        proc = arcsecond_client.run("upload", *args, "-d", "empty", "--yes", cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "may not be empty" in proc.stderr and "Traceback" not in proc.stderr
    assert "empty" not in dataset_names(arcsecond_client)

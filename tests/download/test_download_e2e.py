"""``arcsecond download`` end to end: datasets, night logs and data packages come back exactly,
reruns fetch nothing, local files that differ are conflicts, the server's bytes are checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..upload.samples import write_fits
from .conftest import by_path, download, on_disk, partial_files, random_files, sha256, upload

pytestmark = pytest.mark.e2e


@pytest.fixture
def observatory(arcsecond_server: Any, arcsecond_client: Any, tmp_path: Path) -> dict[str, Any]:
    """Two datasets on one telescope, observed the same night (one night log holds files of
    both), each with a file named ``flat.fits``; a data package of both."""
    admin = arcsecond_server.admin
    site = admin("addsite", f"Site-{arcsecond_client.username}", "--longitude", "0",
                 "--latitude", "45")
    telescope = admin("addtelescope", f"T-{arcsecond_client.username}", "--site", site["uuid"],
                      "--owner", arcsecond_client.username)
    sent: dict[str, dict[str, str]] = {}
    for dataset, target in (("M31", "M31"), ("M42", "M42")):
        folder = tmp_path / "sent" / dataset
        for i in range(3):
            write_fits(folder / f"{target}-{i}.fits", date_obs=f"2024-05-01T2{i}:00:00",
                       target=target, seed=i + len(target))
        write_fits(folder / "flat.fits", date_obs="2024-05-01T23:30:00", imagetyp="Flat Field",
                   seed=7 if dataset == "M31" else 8)
        (folder / "notes.txt").write_text(f"{dataset}: clear sky\n")
        upload(arcsecond_client, folder, dataset, "-t", telescope["uuid"])
        sent[dataset] = {p.name: sha256(p) for p in folder.iterdir()}
    with arcsecond_client.api() as api:
        logs = list(api.nightlogs.list())
        datasets = {name: api.datasets.find(name)["uuid"] for name in sent}
        package = api.datapackages.create(name="Night of May 1", datasets=list(datasets.values()),
                                          nightlogs=[log["uuid"] for log in logs])
    assert [log["date"] for log in logs] == ["2024-05-01"]
    return {"sent": sent, "nightlog": logs[0], "package": package, "datasets": datasets}


def test_a_dataset_comes_back_byte_for_byte_and_a_rerun_fetches_nothing(
    arcsecond_client: Any, observatory: dict[str, Any], tmp_path: Path
) -> None:
    sent = observatory["sent"]["M31"]
    proc = download(arcsecond_client, "M31", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = by_path(proc)
    assert {path: row["status"] for path, row in report.items()} == {
        name: "downloaded" for name in sent}
    # Named after the dataset by default; every byte as uploaded, and as the server records it.
    assert on_disk(tmp_path / "M31") == sent
    with arcsecond_client.api() as api:
        server = {f["file_name"]: f["checksum"]
                  for f in api.datafiles.list(dataset=observatory["datasets"]["M31"])}
    assert server == sent

    again = download(arcsecond_client, "M31", str(tmp_path / "M31"))
    assert again.returncode == 0, again.stderr
    assert {row["status"] for row in by_path(again).values()} == {"skipped"}
    assert all(row["bytes"] == 0 for row in by_path(again).values())
    assert on_disk(tmp_path / "M31") == sent


def test_a_rename_lost_in_a_crash_is_finished_without_fetching_again(
    arcsecond_client: Any, observatory: dict[str, Any], tmp_path: Path
) -> None:
    """Folders are fsynced once per run, not per file: a crash may lose renames, leaving the
    complete partial files, which the next run checks and renames."""
    sent = observatory["sent"]["M31"]
    target = tmp_path / "M31"
    assert download(arcsecond_client, "M31", str(target)).returncode == 0
    with arcsecond_client.api() as api:
        ids = {f["file_name"]: f["id"]
               for f in api.datafiles.list(dataset=observatory["datasets"]["M31"])}
    for name in ("M31-0.fits", "flat.fits"):  # as if their renames never reached the disk
        (target / name).rename(target / f".{name}.{ids[name]}.part")
    again = download(arcsecond_client, "M31", str(target))
    assert again.returncode == 0, again.stderr
    rows = by_path(again)
    assert {name: (rows[name]["status"], rows[name]["bytes"]) for name in ("M31-0.fits",
            "flat.fits")} == {"M31-0.fits": ("downloaded", 0), "flat.fits": ("downloaded", 0)}
    assert on_disk(target) == sent and partial_files(target) == []


def test_a_night_log_gets_one_folder_per_dataset(
    arcsecond_client: Any, observatory: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "night"
    proc = download(arcsecond_client, "--nightlog", "2024-05-01", str(target))
    assert proc.returncode == 0, proc.stderr
    fits = {dataset: {name: digest for name, digest in files.items() if name.endswith(".fits")}
            for dataset, files in observatory["sent"].items()}
    # The night log holds the FITS files of both datasets; the two flat.fits do not clash.
    expected = {f"{dataset}/{name}": digest for dataset, files in fits.items()
                for name, digest in files.items()}
    assert on_disk(target) == expected
    assert fits["M31"]["flat.fits"] != fits["M42"]["flat.fits"]


def test_a_data_package_expands_to_its_datasets_and_night_logs(
    arcsecond_client: Any, observatory: dict[str, Any], tmp_path: Path
) -> None:
    proc = download(arcsecond_client, "--datapackage", "Night of May 1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    expected = {f"{dataset}/{name}": digest for dataset, files in observatory["sent"].items()
                for name, digest in files.items()}
    assert on_disk(tmp_path / "Night of May 1") == expected
    # Files both in a dataset and in the night log are fetched once.
    assert len(by_path(proc)) == len(expected)

    rerun = download(arcsecond_client, "--datapackage", observatory["package"]["uuid"],
                     str(tmp_path / "Night of May 1"))
    assert rerun.returncode == 0
    assert {row["status"] for row in by_path(rerun).values()} == {"skipped"}


def test_a_local_file_that_differs_is_a_conflict_until_overwrite(
    arcsecond_client: Any, tmp_path: Path
) -> None:
    sent = random_files(tmp_path / "sent", 4, 50_000)
    upload(arcsecond_client, tmp_path / "sent", "conflicts")
    target = tmp_path / "here"
    assert download(arcsecond_client, "conflicts", str(target)).returncode == 0
    flipped = target / "frame001.dat"
    data = bytearray(flipped.read_bytes())
    data[100] ^= 0xFF  # same size, other content
    flipped.write_bytes(bytes(data))
    (target / "frame002.dat").write_bytes(b"shorter")

    proc = download(arcsecond_client, "conflicts", str(target))
    assert proc.returncode == 1
    report = by_path(proc)
    assert report["frame001.dat"]["status"] == "failed"
    assert "conflict" in report["frame001.dat"]["error"]
    assert "sha256 differs" in report["frame001.dat"]["error"]
    assert report["frame002.dat"]["status"] == "failed"
    assert "7 bytes here, 50000 on the server" in report["frame002.dat"]["error"]
    assert report["frame000.dat"]["status"] == "skipped"
    # Nothing local was overwritten.
    assert flipped.read_bytes() == bytes(data)
    assert (target / "frame002.dat").read_bytes() == b"shorter"

    table = arcsecond_client.run("download", "conflicts", str(target))
    assert table.returncode == 1 and "--overwrite" in table.stdout and "Traceback" not in table.stderr

    fixed = download(arcsecond_client, "conflicts", str(target), "--overwrite")
    assert fixed.returncode == 0, fixed.stderr
    assert by_path(fixed)["frame001.dat"]["status"] == "downloaded"
    assert on_disk(target) == sent


def test_a_server_copy_that_does_not_match_its_checksum_leaves_no_file(
    arcsecond_server: Any, arcsecond_client: Any, tmp_path: Path
) -> None:
    random_files(tmp_path / "sent", 2, 30_000)
    upload(arcsecond_client, tmp_path / "sent", "damaged")
    with arcsecond_client.api() as api:
        record = next(iter(api.datafiles.list(dataset=api.datasets.find("damaged")["uuid"],
                                              file_name="frame000.dat")))
    # The server's storage goes bad under its own feet: same size, other bytes.
    stored = [p for p in (arcsecond_server.data_dir / "files").rglob("*")
              if p.is_file() and sha256(p) == record["checksum"]]
    assert len(stored) == 1
    data = bytearray(stored[0].read_bytes())
    data[0] ^= 0xFF
    stored[0].write_bytes(bytes(data))

    target = tmp_path / "here"
    proc = download(arcsecond_client, "damaged", str(target))
    assert proc.returncode == 1
    report = by_path(proc)
    assert report["frame000.dat"]["status"] == "failed"
    assert "does not match the server's" in report["frame000.dat"]["error"]
    assert report["frame001.dat"]["status"] == "downloaded"
    assert sorted(p.name for p in target.iterdir()) == ["frame001.dat"]


def test_pattern_and_dry_run(arcsecond_client: Any, tmp_path: Path) -> None:
    folder = tmp_path / "sent"
    random_files(folder, 2, 1000)
    write_fits(folder / "a.fits")
    upload(arcsecond_client, folder, "mixed")
    target = tmp_path / "here"
    dry = download(arcsecond_client, "mixed", str(target), "--dry-run")
    assert dry.returncode == 0 and not target.exists()
    assert {row["path"]: row["action"] for row in by_path(dry).values()} == {
        "a.fits": "download", "frame000.dat": "download", "frame001.dat": "download"}
    proc = download(arcsecond_client, "mixed", str(target), "--pattern", "*.fits")
    assert proc.returncode == 0
    assert sorted(p.name for p in target.iterdir()) == ["a.fits"]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        ((), 2, "what to download"),
        (("M31", "dir", "--nightlog", "2024-05-01"), 2, "not two"),
        (("no-such-dataset",), 1, "no dataset named 'no-such-dataset'"),
        (("--nightlog", "1999-01-01"), 1, "no night log dated '1999-01-01'"),
    ],
)
def test_bad_input_is_one_clear_line(arcsecond_client: Any, tmp_path: Path, args: tuple[str, ...],
                                     code: int, fragment: str) -> None:
    here = tmp_path / "here"
    here.mkdir()
    proc = arcsecond_client.run("download", *args, cwd=here)
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert fragment in proc.stderr and "Traceback" not in proc.stderr
    assert list(here.iterdir()) == []


def test_python_api_returns_the_same_report(arcsecond_client: Any, tmp_path: Path) -> None:
    sent = random_files(tmp_path / "sent", 3, 20_000)
    upload(arcsecond_client, tmp_path / "sent", "from-python")
    with arcsecond_client.api() as api:
        report = api.download("from-python", tmp_path / "here")
        assert report.ok
        assert sorted((row["path"], row["status"]) for row in report.files()) == [
            (name, "downloaded") for name in sorted(sent)]
        assert on_disk(tmp_path / "here") == sent
        again = api.download("from-python", tmp_path / "here")
        assert [row["status"] for row in again.files()] == ["skipped"] * 3
        rows = api.download("from-python", tmp_path / "elsewhere", dry_run=True)
        assert [row["action"] for row in rows] == ["download"] * 3
    assert not (tmp_path / "elsewhere").exists()
    assert partial_files(tmp_path) == []


def test_inside_a_portal(arcsecond_server: Any, arcsecond_client: Any, tmp_path: Path) -> None:
    portal = f"obs-{arcsecond_client.username}"
    arcsecond_server.admin("addportal", portal, "--member", f"{arcsecond_client.username}:admin")
    sent = random_files(tmp_path / "sent", 2, 10_000)
    upload(arcsecond_client, tmp_path / "sent", "shared", "-p", portal)
    # The user's own datasets hold no "shared": the portal's does.
    assert download(arcsecond_client, "shared", str(tmp_path / "mine")).returncode == 1
    proc = download(arcsecond_client, "shared", str(tmp_path / "here"), "-p", portal)
    assert proc.returncode == 0, proc.stderr
    assert on_disk(tmp_path / "here") == sent


def test_a_terminal_shows_the_same_progress_bar_as_upload(arcsecond_client: Any, tmp_path: Path) -> None:
    from ..plugins.conftest import run_on_terminal

    random_files(tmp_path / "sent", 3, 200_000)
    upload(arcsecond_client, tmp_path / "sent", "on-a-terminal")
    code, out, screen = run_on_terminal(arcsecond_client, "download", "on-a-terminal",
                                        str(tmp_path / "here"), stderr_tty=True)
    assert code == 0, screen
    assert "3/3 files" in screen and "600k/600k" in screen
    assert "downloaded frame000.dat (200.0 KB" in screen
    assert out.strip() == f"3 downloaded (600.0 KB received) from dataset 'on-a-terminal' into " \
                          f"{tmp_path / 'here'}"

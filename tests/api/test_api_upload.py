"""``api.upload(folder, dataset=...)``: the folder upload from Python, against the real server."""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.testing_client import ArcsecondClient
from tests.api.files import write_fits, write_text

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        "upload" not in {ep.name for ep in metadata.entry_points(group="arcsecond.plugins")},
        reason="the upload plugin (plugins/upload, entry point arcsecond.plugins:upload) is not installed",
    ),
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A night's folder: FITS frames in subfolders, a log, and hidden files to leave alone."""
    root = tmp_path / "2024-04-20"
    (root / "lights").mkdir(parents=True)
    (root / "calib").mkdir()
    (root / ".cache").mkdir()
    write_fits(root / "lights" / "m51_001.fits", OBJECT="M51", DATE_OBS="2024-04-20T22:00:00")
    write_fits(root / "lights" / "m51_002.fits", OBJECT="M51", DATE_OBS="2024-04-20T22:05:00")
    write_fits(root / "calib" / "dark_001.fits", IMAGETYP="Dark Frame",
               DATE_OBS="2024-04-21T06:00:00")
    write_text(root / "observing-log.txt", "wind 5 km/h\n")
    write_text(root / ".DS_Store", "hidden")
    write_text(root / ".cache" / "thumb.png", "hidden too")
    return root


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def visible_files(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def remote_files(api: ArcsecondAPI, dataset: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["file_name"]: f for f in api.datafiles.list(dataset=dataset["uuid"])}


def test_upload_a_folder_into_a_new_dataset(api: ArcsecondAPI, folder: Path) -> None:
    report = api.upload(folder, dataset="M51 April")
    assert report.ok
    dataset = api.datasets.find("M51 April")
    on_server = remote_files(api, dataset)
    local = visible_files(folder)
    assert set(on_server) == set(local) == {
        "m51_001.fits", "m51_002.fits", "dark_001.fits", "observing-log.txt"}
    for name, path in local.items():
        assert on_server[name]["checksum"] == sha256(path)
    statuses = {Path(row["path"]).name: row["status"] for row in report.files()}
    assert statuses["m51_001.fits"] == "uploaded"
    assert [o["target_name"] for o in api.observations.list()] == ["M51", "M51"]
    assert [c["kind"] for c in api.calibrations.list()] == ["dark"]


def test_a_second_upload_sends_nothing(api: ArcsecondAPI, folder: Path) -> None:
    api.upload(folder, dataset="Twice")
    dataset = api.datasets.find("Twice")
    before = remote_files(api, dataset)
    again = api.upload(folder, dataset="Twice")
    assert again.ok
    assert {row["status"] for row in again.files()} <= {"skipped", "ignored"}
    assert remote_files(api, dataset) == before


def test_upload_into_an_existing_dataset_by_uuid_with_options(
    api: ArcsecondAPI, folder: Path, telescope: dict[str, Any]
) -> None:
    dataset = api.datasets.create(name="Existing", telescope=telescope["uuid"])
    report = api.upload(folder, dataset=dataset["uuid"], tags=["april", "m51"], raw=False, jobs=2)
    assert report.ok
    files = remote_files(api, dataset).values()
    assert len(files) == 4
    assert all(f["tags"] == ["april", "m51"] and f["is_raw"] is False for f in files)
    assert {f["night_log"] for f in files if f["file_type"] == "fits"} == {
        api.nightlogs.find_id("2024-04-20")}


def test_upload_into_a_missing_uuid_sends_nothing(api: ArcsecondAPI, folder: Path) -> None:
    with pytest.raises(errors.NotFound, match=r"no dataset '0b9d7f3e-.*nothing was sent"):
        api.upload(folder, dataset="0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11")
    assert list(api.datasets.list()) == []


def test_dry_run_sends_nothing(api: ArcsecondAPI, folder: Path) -> None:
    rows = api.upload(folder, dataset="Dry", dry_run=True)
    assert len(list(rows)) == 4
    assert list(api.datasets.list()) == []


def test_upload_in_a_portal(arcsecond_client: ArcsecondClient, api: ArcsecondAPI, portal: str,
                            folder: Path) -> None:
    with arcsecond_client.api(portal) as in_portal:
        assert in_portal.upload(folder, dataset="Observatory night").ok
        dataset = in_portal.datasets.find("Observatory night")
        assert len(remote_files(in_portal, dataset)) == 4
    assert list(api.datasets.list()) == []


def test_upload_with_an_upload_key(upload_api: ArcsecondAPI, api: ArcsecondAPI,
                                   folder: Path) -> None:
    report = upload_api.upload(folder, dataset="Unattended")
    assert report.ok, report.files()
    assert len(remote_files(api, api.datasets.find("Unattended"))) == 4


def test_ctrl_c_stops_the_upload_and_raises_keyboard_interrupt_with_the_report(
    api: ArcsecondAPI, tmp_path: Path
) -> None:
    import os
    import signal
    import threading
    import time

    root = tmp_path / "many"
    root.mkdir()
    for number in range(400):
        (root / f"f{number:03d}.dat").write_bytes(os.urandom(20_000))
    default = signal.getsignal(signal.SIGINT)

    def press_ctrl_c_once_sending() -> None:
        deadline = time.monotonic() + 60
        while signal.getsignal(signal.SIGINT) is default and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press_ctrl_c_once_sending, daemon=True).start()
    with pytest.raises(KeyboardInterrupt) as caught:
        api.upload(root, dataset="Stopped", jobs=2)
    assert signal.getsignal(signal.SIGINT) is default
    report = caught.value.report  # type: ignore[attr-defined]
    assert report.interrupted
    statuses = [row["status"] for row in report.files()]
    assert "cancelled" in statuses and len(statuses) == 400
    landed = remote_files(api, api.datasets.find("Stopped"))
    assert {row["file_name"] for row in report.files() if row["status"] == "uploaded"} <= set(landed)
    again = api.upload(root, dataset="Stopped")
    assert again.ok and len(remote_files(api, api.datasets.find("Stopped"))) == 400

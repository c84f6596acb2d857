"""Data files through the Python module: streamed upload and download, duplicates, scopes."""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.datafiles import is_already_exists
from arcsecond_core.testing_client import ArcsecondClient
from tests.api.files import write_fits, write_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def dataset(api: ArcsecondAPI) -> dict[str, Any]:
    return api.datasets.create(name="Uploads")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_upload_a_fits_file(api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path) -> None:
    path = write_fits(tmp_path / "m31_001.fits", OBJECT="M31", DATE_OBS="2024-10-01T22:10:00")
    sent: list[int] = []
    record = api.datafiles.upload(path, dataset["uuid"], tags=["m31", " ", "luminance"],
                                  progress=sent.append)
    assert isinstance(record["id"], int)
    assert record["dataset"] == dataset["uuid"]
    assert record["file_name"] == "m31_001.fits"
    assert record["size"] == path.stat().st_size
    assert record["checksum"] == sha256(path)
    assert record["file_type"] == "fits"
    assert record["compression"] is None
    assert record["is_raw"] is True
    assert record["tags"] == ["m31", "luminance"]
    assert record["night_log"] is not None
    assert record["observation"] is not None and record["calibration"] is None
    assert sum(sent) > path.stat().st_size  # the multipart body, streamed in chunks
    assert api.datafiles.read(record["id"]) == record
    assert api.datasets.read(dataset["uuid"])["data_files_count"] == 1


def test_upload_options(api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path) -> None:
    path = write_text(tmp_path / "notes.txt", "focus 1234\n")
    record = api.datafiles.upload(str(path), dataset["uuid"], is_raw=False,
                                  file_name="night-notes.txt")
    assert record["file_name"] == "night-notes.txt"
    assert record["is_raw"] is False
    assert record["file_type"] == "other"
    assert record["night_log"] is None
    assert record["tags"] == []


def test_compressed_fits(api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path) -> None:
    fits_path = write_fits(tmp_path / "flat.fits", IMAGETYP="Flat Field",
                           DATE_OBS="2024-10-02T05:00:00")
    packed = tmp_path / "flat.fits.gz"
    packed.write_bytes(gzip.compress(fits_path.read_bytes()))
    record = api.datafiles.upload(packed, dataset["uuid"])
    assert (record["file_type"], record["compression"]) == ("fits", "gzip")
    assert record["calibration"] is not None


def test_a_second_upload_of_a_name_already_exists(api: ArcsecondAPI, dataset: dict[str, Any],
                                                  tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.txt", "first")
    api.datafiles.upload(path, dataset["uuid"])
    with pytest.raises(errors.ValidationError) as raised:
        api.datafiles.upload(path, dataset["uuid"])
    assert is_already_exists(raised.value)
    assert "already exists in dataset" in str(raised.value)
    other = api.datasets.create(name="Other")
    assert api.datafiles.upload(path, other["uuid"])["file_name"] == "a.txt"
    assert not is_already_exists(errors.ValidationError("name: blank"))


def test_upload_errors(api: ArcsecondAPI, tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.txt", "x")
    with pytest.raises(errors.ValidationError) as raised:
        api.datafiles.upload(path, "0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11")
    assert list(raised.value.fields) == ["dataset"]
    with pytest.raises(FileNotFoundError):
        api.datafiles.upload(tmp_path / "missing.fits", "0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11")


def test_list_update_delete(api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path) -> None:
    other = api.datasets.create(name="Elsewhere")
    ids = [api.datafiles.upload(write_text(tmp_path / f"{i}.txt", str(i)), dataset["uuid"])["id"]
           for i in range(3)]
    api.datafiles.upload(write_text(tmp_path / "x.txt", "x"), other["uuid"])
    assert [f["id"] for f in api.datafiles.list(dataset=dataset["uuid"])] == ids
    assert len(list(api.datafiles.list())) == 4
    updated = api.datafiles.update(ids[0], tags=["bad", "clouds"], is_raw=False)
    assert (updated["tags"], updated["is_raw"]) == (["bad", "clouds"], False)
    api.datafiles.delete(ids[0])
    with pytest.raises(errors.NotFound, match=f"no data file {ids[0]} on "):
        api.datafiles.read(ids[0])
    assert api.datasets.read(dataset["uuid"])["data_files_count"] == 2


def test_download(api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path) -> None:
    source = write_fits(tmp_path / "frame.fits", OBJECT="M42")
    record = api.datafiles.upload(source, dataset["uuid"])
    received: list[int] = []
    target = api.datafiles.download(record["id"], tmp_path / "down" / "copy.fits",
                                    progress=received.append)
    assert target == tmp_path / "down" / "copy.fits"
    assert target.read_bytes() == source.read_bytes()
    assert sum(received) == source.stat().st_size
    assert [p.name for p in target.parent.iterdir()] == ["copy.fits"]


def test_a_download_gets_the_permissions_of_any_new_file(
    api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path
) -> None:
    record = api.datafiles.upload(write_fits(tmp_path / "mode.fits"), dataset["uuid"])
    old = os.umask(0o022)
    try:
        target = api.datafiles.download(record["id"], tmp_path / "mode-copy.fits")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not the temporary file's 0600


def test_a_download_works_without_fchmod(
    api: ArcsecondAPI, dataset: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows before Python 3.13 has no os.fchmod: the download sets the mode by path."""
    source = write_fits(tmp_path / "nofchmod.fits")
    record = api.datafiles.upload(source, dataset["uuid"])
    monkeypatch.delattr(os, "fchmod", raising=False)
    old = os.umask(0o022)
    try:
        target = api.datafiles.download(record["id"], tmp_path / "nofchmod-copy.fits")
    finally:
        os.umask(old)
    assert target.read_bytes() == source.read_bytes()
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_download_of_a_missing_file_leaves_nothing(api: ArcsecondAPI, tmp_path: Path) -> None:
    target = tmp_path / "downloads" / "nothing.fits"
    with pytest.raises(errors.NotFound):
        api.datafiles.download(999999, target)
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


def test_files_in_a_portal(arcsecond_client: ArcsecondClient, api: ArcsecondAPI, portal: str,
                          tmp_path: Path) -> None:
    with arcsecond_client.api(portal) as in_portal:
        dataset = in_portal.datasets.create(name="Portal uploads")
        record = in_portal.datafiles.upload(write_text(tmp_path / "p.txt", "portal"),
                                            dataset["uuid"])
        assert in_portal.datafiles.read(record["id"])["dataset"] == dataset["uuid"]
        copy = in_portal.datafiles.download(record["id"], tmp_path / "copy.txt")
        assert copy.read_text() == "portal"
    with pytest.raises(errors.NotFound):
        api.datafiles.read(record["id"])
    with pytest.raises(errors.ValidationError):
        api.datafiles.upload(tmp_path / "p.txt", dataset["uuid"])


def test_upload_key_can_upload_but_not_read_files(api: ArcsecondAPI, upload_api: ArcsecondAPI,
                                                  tmp_path: Path) -> None:
    dataset = upload_api.datasets.create(name="Unattended")
    record = upload_api.datafiles.upload(write_text(tmp_path / "u.txt", "u"), dataset["uuid"])
    assert record["file_name"] == "u.txt"
    for forbidden in (lambda: upload_api.datafiles.read(record["id"]),
                      lambda: upload_api.datafiles.download(record["id"], tmp_path / "d.txt"),
                      lambda: upload_api.datafiles.delete(record["id"])):
        with pytest.raises(errors.Forbidden):
            forbidden()
    assert api.datafiles.read(record["id"])["file_name"] == "u.txt"

"""The core's single-file upload (``api.datafiles.upload``) against the embedded server."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.datafiles import FileChanged, MultipartFileBody, UploadCancelled


@pytest.fixture
def api_and_dataset(arcsecond_client: Any) -> Any:
    with arcsecond_client.api() as api:
        yield api, api.datasets.create(name="single")["uuid"]


def test_streamed_upload_with_progress_digest_and_odd_names(api_and_dataset: Any,
                                                            tmp_path: Path) -> None:
    api, dataset = api_and_dataset
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    seen: list[int] = []
    digest = hashlib.sha256()
    name = 'héllo "quoted" name.fits'
    record = api.datafiles.upload(path, dataset, file_name=name, tags=["a", " b "],
                                  is_raw=False, progress=seen.append, digest=digest)
    assert record["file_name"] == name and record["size"] == len(data)
    assert record["checksum"] == hashlib.sha256(data).hexdigest() == digest.hexdigest()
    assert record["tags"] == ["a", "b"] and record["is_raw"] is False
    assert max(seen) <= 1024 * 1024 and len(seen) >= 4
    with pytest.raises(errors.ValidationError, match="already exists in dataset"):
        api.datafiles.upload(path, dataset, file_name=name)


def test_body_length_matches_what_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"abc" * 1000)
    with open(path, "rb", buffering=0) as handle:
        body = MultipartFileBody([("dataset", "d")], "file", "x", handle, block_size=512)
        total = b""
        while chunk := body.read(8192):
            total += bytes(chunk)
    assert len(total) == body.len
    assert total.count(b"abc" * 100) >= 1 and total.endswith(b"--\r\n")


def test_a_file_that_grows_or_shrinks_is_refused(api_and_dataset: Any, tmp_path: Path) -> None:
    api, dataset = api_and_dataset
    path = tmp_path / "growing.bin"
    path.write_bytes(os.urandom(2 * 1024 * 1024))

    def grow(_count: int) -> None:
        with open(path, "ab") as handle:
            handle.write(b"more")

    with pytest.raises(FileChanged, match="grew"):
        api.datafiles.upload(path, dataset, progress=grow)

    def shrink(_count: int) -> None:
        os.truncate(path, 1024)

    path.write_bytes(os.urandom(2 * 1024 * 1024))
    with pytest.raises(FileChanged, match="shrank"):
        api.datafiles.upload(path, dataset, progress=shrink)
    assert list(api.datafiles.list(dataset=dataset)) == []


def test_cancel_stops_the_body(api_and_dataset: Any, tmp_path: Path) -> None:
    api, dataset = api_and_dataset
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(4 * 1024 * 1024))
    cancel = threading.Event()
    with pytest.raises(UploadCancelled):
        api.datafiles.upload(path, dataset, progress=lambda _n: cancel.set(), cancel=cancel)
    assert list(api.datafiles.list(dataset=dataset)) == []

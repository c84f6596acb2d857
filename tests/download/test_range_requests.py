"""The embedded server's download view honours one byte range (RFC 9110): 206, 416."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.e2e


@pytest.fixture
def stored(arcsecond_client: Any, tmp_path: Path) -> tuple[str, dict[str, str], bytes]:
    data = os.urandom(100_000)
    path = tmp_path / "range.dat"
    path.write_bytes(data)
    with arcsecond_client.api() as api:
        dataset = api.datasets.create(name="ranges")
        record = api.datafiles.upload(path, dataset["uuid"])
    headers = {"X-Arcsecond-API-Authorization": f"Key {arcsecond_client.access_key}"}
    return f"{arcsecond_client.url}/datafiles/{record['id']}/download/", headers, data


def test_whole_file_says_it_accepts_ranges(stored: tuple[str, dict[str, str], bytes]) -> None:
    url, headers, data = stored
    answer = requests.get(url, headers=headers, timeout=30)
    assert answer.status_code == 200 and answer.content == data
    assert answer.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(("header", "start", "end"), [
    ("bytes=1000-", 1000, 99_999), ("bytes=0-9", 0, 9), ("bytes=-500", 99_500, 99_999),
    ("bytes=99999-", 99_999, 99_999),
])
def test_one_range_is_a_206_with_its_content_range(
    stored: tuple[str, dict[str, str], bytes], header: str, start: int, end: int
) -> None:
    url, headers, data = stored
    answer = requests.get(url, headers={**headers, "Range": header}, timeout=30)
    assert answer.status_code == 206
    assert answer.headers["Content-Range"] == f"bytes {start}-{end}/100000"
    assert answer.content == data[start:end + 1]
    assert int(answer.headers["Content-Length"]) == end + 1 - start


@pytest.mark.parametrize("header", ["bytes=100000-", "bytes=500000-600000", "bytes=abc"])
def test_an_unsatisfiable_range_is_a_416_with_the_length(
    stored: tuple[str, dict[str, str], bytes], header: str
) -> None:
    url, headers, _data = stored
    answer = requests.get(url, headers={**headers, "Range": header}, timeout=30)
    assert answer.status_code == 416
    assert answer.headers["Content-Range"] == "bytes */100000"
    assert answer.json() == {"detail": "Requested range not satisfiable."}


def test_a_range_across_the_server_s_send_blocks(arcsecond_client: Any, tmp_path: Path) -> None:
    """Files go out in 1 MiB blocks: a range that starts in one and ends in the next is exact."""
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "big.dat"
    path.write_bytes(data)
    with arcsecond_client.api() as api:
        dataset = api.datasets.create(name="blocks")
        record = api.datafiles.upload(path, dataset["uuid"])
    url = f"{arcsecond_client.url}/datafiles/{record['id']}/download/"
    headers = {"X-Arcsecond-API-Authorization": f"Key {arcsecond_client.access_key}"}
    whole = requests.get(url, headers=headers, timeout=30)
    assert whole.content == data
    start, end = 1024 * 1024 - 5, 2 * 1024 * 1024 + 4
    part = requests.get(url, headers={**headers, "Range": f"bytes={start}-{end}"}, timeout=30)
    assert part.status_code == 206 and part.content == data[start:end + 1]

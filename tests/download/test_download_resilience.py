"""Downloads that are killed, interrupted, or served by a flaky server still end exactly right."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing import finish, start_server
from arcsecond_core.testing_client import ArcsecondClient, make_client

from .conftest import by_path, download, on_disk, partial_files, popen, random_files, upload

pytestmark = pytest.mark.e2e
BIG = 40_000_000


@dataclass
class BigDataset:
    """Three big files sent to dataset ``big`` by ``client``, once for the module (the tests only
    download them): the folder they were sent from, and their checksums by name."""

    client: ArcsecondClient
    folder: Path
    sums: dict[str, str]


@pytest.fixture(scope="module")
def big(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> BigDataset:
    client = make_client(arcsecond_server, tmp_path_factory.mktemp("big-config"))
    folder = tmp_path_factory.mktemp("big") / "sent"
    sums = random_files(folder, 3, BIG, prefix="big")
    upload(client, folder, "big")
    return BigDataset(client, folder, sums)


def wait_for_partial(root: Path, proc: Any, least: int, timeout: float = 120) -> Path:
    """The first partial file holding at least ``least`` bytes (the child must still run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the download ended before it could be interrupted"
        for part in partial_files(root) if root.exists() else []:
            try:
                if part.stat().st_size >= least:
                    return part
            except FileNotFoundError:
                continue
        time.sleep(0.002)
    raise AssertionError("no partial file appeared")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_interrupted_half_way_then_resumed_with_range_requests(
    big: BigDataset, tmp_path: Path, sig: int
) -> None:
    target = tmp_path / "here"
    proc = popen(big.client, "download", "big", str(target), "--jobs", "2")
    try:
        wait_for_partial(target, proc, 1_000_000)
        proc.send_signal(sig)
        _out, err = finish(proc, 60)
    finally:
        if proc.poll() is None:  # wait_for_partial gave up
            proc.kill()
            proc.communicate(timeout=30)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, err
        assert "run the same command again" in err and "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    left = {p.name: p.stat().st_size for p in partial_files(target)}
    assert any(0 < size < BIG for size in left.values()), left
    assert all(size < BIG for size in left.values()), left

    rerun = download(big.client, "big", str(target))
    assert rerun.returncode == 0, rerun.stderr
    report = by_path(rerun)
    resumed = [row for row in report.values() if (row["note"] or "").startswith("resumed from")]
    assert resumed, report
    for row in resumed:
        offset = int(row["note"].split("resumed from byte ")[1].split(";")[0])
        assert row["bytes"] == BIG - offset  # only the rest travelled
    assert on_disk(target) == big.sums  # every file complete, no temporary file left
    assert partial_files(target) == []


def test_one_file_download_resumes_a_partial_file(big: BigDataset, tmp_path: Path) -> None:
    """``datafile download`` takes the same path: a partial file is completed with a range."""
    with big.client.api() as api:
        record = next(iter(api.datafiles.list(dataset=api.datasets.find("big")["uuid"],
                                              file_name="big000.dat")))
    source = big.folder / "big000.dat"
    target = tmp_path / "one"
    target.mkdir()
    part = target / f".big000.dat.{record['id']}.part"
    part.write_bytes(source.read_bytes()[:BIG // 3])
    proc = big.client.run("datafile", "download", str(record["id"]), "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert on_disk(target) == {"big000.dat": big.sums["big000.dat"]}


@pytest.fixture
def flaky(tmp_path: Path) -> Iterator[Any]:
    server = start_server(tmp_path / "flaky-data", "--fault-rate", "0.3")
    try:
        yield server
    finally:
        server.stop()


def test_every_file_arrives_exactly_under_a_fault_rate_of_30_percent(
    flaky: Any, tmp_path: Path
) -> None:
    client = make_client(flaky, tmp_path / "config")
    sent = random_files(tmp_path / "sent", 30, 60_000)
    upload(client, tmp_path / "sent", "flaky")
    for run in range(2):
        target = tmp_path / f"here-{run}"
        proc = download(client, "flaky", str(target), "--jobs", "4")
        assert proc.returncode == 0, proc.stderr
        assert {row["status"] for row in by_path(proc).values()} == {"downloaded"}
        assert on_disk(target) == sent

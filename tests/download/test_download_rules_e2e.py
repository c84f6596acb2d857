"""``arcsecond download`` with --exclude/--include, --bwlimit and --log-file, end to end: what
landed on disk, the rate the cap held, and what the log file says line by line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing_client import make_client

from .conftest import download, on_disk, random_files, upload

pytestmark = pytest.mark.e2e
KIB = 1024


@pytest.fixture(scope="module")
def client(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_client(arcsecond_server, tmp_path_factory.mktemp("download-rules-config"))


@pytest.fixture(scope="module")
def sent(client: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("sent") / "capped"
    sums = random_files(folder, 2, 100 * KIB)
    sums.update(random_files(folder, 1, 3 * KIB, prefix="notes"))
    (folder / "notes000.dat").rename(folder / "notes.txt")
    sums["notes.txt"] = sums.pop("notes000.dat")
    upload(client, folder, "capped")
    return sums


def log_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_capped_filtered_download_logs_every_file(client: Any, sent: dict[str, str],
                                                     tmp_path: Path) -> None:
    out, log = tmp_path / "out", tmp_path / "download.jsonl"
    proc = download(client, "capped", str(out), "--exclude", "*.txt", "--bwlimit", "100K",
                    "-j", "2", "--log-file", str(log))
    assert proc.returncode == 0, proc.stderr
    assert "excluded:  1 by --exclude '*.txt'" in proc.stderr
    assert on_disk(out) == {name: digest for name, digest in sent.items() if name != "notes.txt"}
    lines = log_lines(log)
    assert sorted((line["path"], line["outcome"]) for line in lines) == [
        ("frame000.dat", "downloaded"), ("frame001.dat", "downloaded")]
    for line in lines:
        assert line["sha256"] == sent[line["path"]] and line["bytes"] == 100 * KIB
        assert line["dataset"] == "capped" and line["dataset_uuid"]
        assert line["direction"] == "download" and line["error"] is None
    # The two jobs together stayed under the cap: 200 KiB at 100 KiB/s take about 2 s.
    ends = [dt.datetime.fromisoformat(line["time"]).timestamp() for line in lines]
    starts = [end - line["seconds"] for end, line in zip(ends, lines, strict=True)]
    rate = 200 * KIB / (max(ends) - min(starts))
    assert 0.5 * 100 * KIB < rate <= 1.1 * 100 * KIB, rate

    # Again, with a local file changed and --include taking the notes back: appended lines.
    (out / "frame001.dat").write_bytes(b"changed")
    again = download(client, "capped", str(out), "--exclude", "*.txt", "--include", "notes.*",
                     "--log-file", str(log))
    assert again.returncode == 1, again.stderr
    added = {line["path"]: line for line in log_lines(log)[len(lines):]}
    assert {path: line["outcome"] for path, line in added.items()} == {
        "frame000.dat": "skipped", "frame001.dat": "conflict", "notes.txt": "downloaded"}
    assert added["frame000.dat"]["sha256"] == sent["frame000.dat"]
    assert "--overwrite" in added["frame001.dat"]["error"]
    assert (out / "notes.txt").read_bytes() and (out / "frame001.dat").read_bytes() == b"changed"


def test_a_bad_rate_is_a_usage_error(client: Any, sent: dict[str, str], tmp_path: Path) -> None:
    proc = download(client, "capped", str(tmp_path / "x"), "--bwlimit", "fast")
    assert proc.returncode == 2
    assert "not a rate: 'fast'" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()

"""``arcsecond upload`` with --exclude/--include/--exclude-from, --min-age, --bwlimit and
--log-file, end to end: what landed on the server, and what the log file says line by line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing import arcsecond_script, finish
from arcsecond_core.testing_client import make_client

from .conftest import checksums
from .samples import write_fits

pytestmark = pytest.mark.e2e
HOUR_AGO = time.time() - 3600


@pytest.fixture(scope="module")
def client(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_client(arcsecond_server, tmp_path_factory.mktemp("rules-config"))


def aged(path: Path, when: float = HOUR_AGO) -> Path:
    os.utime(path, (when, when))
    return path


def night(root: Path) -> None:
    """Frames an hour old, a focus run, a temporary folder, notes, a hidden and an empty file."""
    for relative, seed in (("a.fits", 1), ("focus/f1.fits", 2), ("focus/keep.fits", 3),
                           ("raw/tmp/t.fits", 4), ("raw/b.fits", 5)):
        aged(write_fits(root / relative, seed=seed))
    (root / "notes.txt").write_text("clear\n")
    aged(root / "notes.txt")
    (root / ".hidden.fits").write_bytes(b"x" * 10)
    (root / "empty.fits").touch()
    aged(root / "empty.fits")


def log_lines(path: Path) -> list[dict[str, Any]]:
    text = path.read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rules_min_age_and_the_log_file_on_two_nightly_runs(client: Any, tmp_path: Path) -> None:
    root = tmp_path / "night"
    night(root)
    write_fits(root / "fresh.fits", seed=9)  # still being written, as far as --min-age knows
    log = tmp_path / "logs" / "upload.jsonl"
    log.parent.mkdir()
    rules = ("--exclude", "*.txt", "--exclude", "focus/*", "--include", "focus/keep.fits",
             "--exclude", "**/tmp/*")
    first = client.run("upload", str(root), "-d", "rules", "--yes", *rules,
                       "--min-age", "600", "--log-file", str(log), "-f", "json")
    assert first.returncode == 0, first.stderr
    assert "excluded:  1 by --exclude '*.txt', 1 by --exclude 'focus/*', 1 by --exclude " \
           "'**/tmp/*'" in first.stderr
    assert "too recent: 1 modified less than 600 s ago" in first.stderr
    assert "left aside: 1 empty file, 1 hidden" in first.stderr
    sent = {"a.fits", "keep.fits", "b.fits"}
    assert set(checksums(client, "rules")) == sent
    lines = log_lines(log)
    by_path = {line["path"]: line for line in lines}
    assert len(by_path) == len(lines) == 5
    assert {p: line["outcome"] for p, line in by_path.items()} == {
        "a.fits": "uploaded", "focus/keep.fits": "uploaded", "raw/b.fits": "uploaded",
        "fresh.fits": "too recent", "empty.fits": "left aside"}
    for path in ("a.fits", "focus/keep.fits", "raw/b.fits"):
        line = by_path[path]
        assert line["sha256"] == sha(root / path)
        assert line["bytes"] == (root / path).stat().st_size
        assert line["seconds"] >= 0 and line["error"] is None
        assert line["dataset"] == "rules" and line["dataset_uuid"]
        assert line["direction"] == "upload"
        assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None
    assert by_path["empty.fits"]["error"] == "empty file"

    # The next night: the file that was too recent goes, the rest is already there; the log
    # grows by the new lines and keeps the old ones byte for byte.
    before = log.read_bytes()
    second = client.run("upload", str(root), "-d", "rules", "--yes", *rules,
                        "--log-file", str(log), "-f", "json")
    assert second.returncode == 0, second.stderr
    assert set(checksums(client, "rules")) == {*sent, "fresh.fits"}
    after = log.read_bytes()
    assert after.startswith(before)
    added = {line["path"]: line["outcome"] for line in log_lines(log)[len(lines):]}
    assert added == {"fresh.fits": "uploaded", "a.fits": "skipped", "focus/keep.fits": "skipped",
                     "raw/b.fits": "skipped", "empty.fits": "left aside"}
    skipped = next(line for line in log_lines(log)[len(lines):] if line["path"] == "a.fits")
    assert skipped["sha256"] == sha(root / "a.fits") and skipped["bytes"] == 0


def test_exclude_from_file_and_include_first_in_the_dry_run(client: Any, tmp_path: Path) -> None:
    root = tmp_path / "night"
    night(root)
    rules = tmp_path / "rules.txt"
    rules.write_text("# calibration and scratch\n\nfocus/*\n!focus/keep.fits\n  \n**/tmp/*\n")
    proc = client.run("upload", str(root), "-d", "dry", "--exclude-from", str(rules),
                      "--exclude", "*.txt", "--dry-run", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert [row["path"] for row in json.loads(proc.stdout)] == ["a.fits", "focus/keep.fits",
                                                                "raw/b.fits"]
    assert (f"excluded:  1 by {rules} line 3 ('focus/*'), 1 by {rules} line 6 ('**/tmp/*'), "
            "1 by --exclude '*.txt'") in proc.stderr
    only = client.run("upload", str(root), "-d", "dry", "--include", "*.fits", "--exclude",
                      "raw/*", "--dry-run", "-f", "json")
    assert only.returncode == 0, only.stderr
    assert [row["path"] for row in json.loads(only.stdout)] == [
        "a.fits", "focus/f1.fits", "focus/keep.fits"]
    assert "excluded:  1 not matched by any --include, 2 by --exclude 'raw/*'" in only.stderr
    missing = client.run("upload", str(root), "--exclude-from", str(tmp_path / "nope"),
                         "--dry-run")
    assert missing.returncode == 2
    assert "cannot read --exclude-from" in missing.stderr and "Traceback" not in missing.stderr


def test_bwlimit_from_config_caps_all_jobs_together(client: Any, tmp_path: Path) -> None:
    """Two 100 KB files on two jobs at 100 KiB/s in total (config.ini's bwlimit for the
    server): the pair takes about two seconds, not one."""
    root = tmp_path / "capped"
    root.mkdir()
    for name in ("one.dat", "two.dat"):
        (root / name).write_bytes(os.urandom(100 * 1024))
    config = client.config_dir / "config.ini"
    original = config.read_text()
    log = tmp_path / "capped.jsonl"
    try:
        config.write_text(original.replace("[local]", "[local]\nbwlimit = 100K", 1))
        proc = client.run("upload", str(root), "-d", "capped", "--yes", "-j", "2",
                          "--log-file", str(log))
    finally:
        config.write_text(original)
    assert proc.returncode == 0, proc.stderr
    assert "bandwidth: 100K" in proc.stderr
    lines = log_lines(log)
    ends = [dt.datetime.fromisoformat(line["time"]).timestamp() for line in lines]
    starts = [end - line["seconds"] for end, line in zip(ends, lines, strict=True)]
    rate = sum(line["bytes"] for line in lines) / (max(ends) - min(starts))
    assert 0.5 * 102400 < rate <= 1.1 * 102400, rate


def test_watch_filters_and_logs_each_file_as_it_lands(client: Any, tmp_path: Path) -> None:
    root = tmp_path / "watched"
    root.mkdir()
    log = tmp_path / "watch.jsonl"
    process = subprocess.Popen(
        [arcsecond_script(), "upload", str(root), "-d", "watched", "--yes", "--watch",
         "--interval", "0.2", "--settle", "0.2", "--exclude", "*.txt", "--log-file", str(log)],
        env=client.env, text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        (root / "notes.txt").write_text("seeing 2 arcsec\n")
        write_fits(root / "a.fits", seed=11)
        deadline = time.monotonic() + 30
        while not (log.exists() and log.read_text().count("\n") >= 1):
            assert time.monotonic() < deadline, "no log line"
            assert process.poll() is None
            time.sleep(0.1)
        write_fits(root / "b.fits", seed=12)
        while log.read_text().count("\n") < 2:  # read while the watch runs: flushed per line
            assert time.monotonic() < deadline, "no second log line"
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = finish(process, 20)
    assert process.returncode in (0, 130), err
    assert [(line["path"], line["outcome"]) for line in log_lines(log)] == [
        ("a.fits", "uploaded"), ("b.fits", "uploaded")]
    assert set(checksums(client, "watched")) == {"a.fits", "b.fits"}


def test_ctrl_c_stops_a_throttled_upload_within_seconds(client: Any, tmp_path: Path) -> None:
    root = tmp_path / "slow"
    root.mkdir()
    (root / "big.dat").write_bytes(os.urandom(2 * 1024 * 1024))  # 200 s at 10 KiB/s
    log = tmp_path / "slow.jsonl"
    process = subprocess.Popen(
        [arcsecond_script(), "upload", str(root), "-d", "slow", "--yes", "--bwlimit", "10K",
         "--log-file", str(log)],
        env=client.env, text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not log.exists():  # opened once the plan is made, just before sending
            assert time.monotonic() < deadline and process.poll() is None, "never started"
            time.sleep(0.1)
        time.sleep(1.5)  # well into the throttled body
        process.send_signal(signal.SIGINT)
        stopped = time.monotonic()
        out, err = finish(process, 20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert time.monotonic() - stopped < 5
    assert process.returncode == 130, err
    assert "interrupted" in out and "run the same command again" in err
    assert "Traceback" not in err
    assert log.read_text() == ""  # nothing ended: a later run logs the file

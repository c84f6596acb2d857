"""The shared pieces of --exclude/--include, --bwlimit, --min-age and --log-file, in process:
the filter rules, the timetable, the token bucket (on an injected clock) and the line log."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from arcsecond_plugins.upload.plan import too_recent

from arcsecond_core.errors import ConfigError, UsageError
from arcsecond_core.transfer.bandwidth import (
    Bandwidth,
    Timetable,
    for_run,
    make_bandwidth,
    parse_rate,
)
from arcsecond_core.transfer.filters import (
    EXCLUDE,
    INCLUDE,
    NOT_INCLUDED,
    PathFilter,
    Rule,
    expand,
    read_rules,
    rules_of,
)
from arcsecond_core.transfer.joblog import TransferLog
from arcsecond_core.transfer.outcome import CONFLICT, FAILED, IGNORED, TOO_RECENT, Outcome

# -- the filter -----------------------------------------------------------------------------


def kept(rules: PathFilter, paths: list[str]) -> list[str]:
    return [path for path in paths if rules.rule_against(path) is None]


PATHS = ["a.fits", "notes.txt", "logs/run.txt", "focus/f1.fits", "focus/sub/f2.fits",
         "raw/tmp/t.fits", "tmp/x.fits", "raw/b.fits"]


def test_gitignore_patterns_on_relative_paths() -> None:
    assert kept(rules_of("*.txt", None), PATHS) == [
        "a.fits", "focus/f1.fits", "focus/sub/f2.fits", "raw/tmp/t.fits", "tmp/x.fits",
        "raw/b.fits"]
    # focus/* takes the folder's files and its subfolders (as in .gitignore).
    assert kept(rules_of("focus/*", None), PATHS) == [
        "a.fits", "notes.txt", "logs/run.txt", "raw/tmp/t.fits", "tmp/x.fits", "raw/b.fits"]
    assert kept(rules_of("**/tmp/*", None), PATHS) == [
        "a.fits", "notes.txt", "logs/run.txt", "focus/f1.fits", "focus/sub/f2.fits", "raw/b.fits"]
    assert kept(rules_of("/notes.txt", None), ["notes.txt", "logs/notes.txt"]) == ["logs/notes.txt"]


def test_include_takes_back_what_an_earlier_exclude_left_aside() -> None:
    rules = PathFilter([Rule(EXCLUDE, "focus/*"), Rule(INCLUDE, "focus/sub/f2.fits")])
    assert kept(rules, PATHS) == [p for p in PATHS if p != "focus/f1.fits"]
    # The last rule that matches decides, whatever it matches: a file or a folder above it.
    later = PathFilter([Rule(INCLUDE, "*.fits"), Rule(EXCLUDE, "raw/")])
    assert kept(later, PATHS) == ["a.fits", "focus/f1.fits", "focus/sub/f2.fits", "tmp/x.fits"]
    assert later.rule_against("notes.txt") == NOT_INCLUDED
    assert later.rule_against("raw/b.fits") == "--exclude 'raw/'"


def test_the_summary_counts_per_rule_in_the_order_given() -> None:
    from collections import Counter

    rules = PathFilter(expand([("include", "*.fits"), ("exclude", "raw/*")]))
    counts = Counter(r for r in map(rules.rule_against, PATHS) if r)
    assert rules.summary(counts) == "2 not matched by any --include, 2 by --exclude 'raw/*'"
    assert PathFilter().summary(Counter()) is None
    assert PathFilter().rule_against("anything") is None


def test_exclude_from_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    listing = tmp_path / "rules"
    listing.write_text("# scratch\n\n*.txt\n   \n  # indented comment\n!keep.txt\n\\#odd\n")
    rules = read_rules(listing)
    assert [(r.kind, r.pattern) for r in rules] == [(EXCLUDE, "*.txt"), (INCLUDE, "keep.txt"),
                                                  (EXCLUDE, "\\#odd")]
    assert rules[0].label == f"{listing} line 3 ('*.txt')"
    spec = PathFilter(rules)
    assert kept(spec, ["a.txt", "keep.txt", "#odd", "a.fits"]) == ["keep.txt", "a.fits"]
    # A literal ! or # in --exclude is a file name, not git syntax.
    assert kept(rules_of(["!bang", "#hash"], None), ["!bang", "#hash", "x"]) == ["x"]
    with pytest.raises(UsageError, match="cannot read --exclude-from"):
        read_rules(tmp_path / "missing")
    with pytest.raises(UsageError, match="needs a pattern"):
        expand([("exclude", " ")])


# -- the timetable --------------------------------------------------------------------------


def test_rates_as_rclone_writes_them() -> None:
    assert parse_rate("512K") == 512 * 1024
    assert parse_rate("10M") == 10 * 1024 ** 2
    assert parse_rate("1.5G") == 1.5 * 1024 ** 3
    assert parse_rate("100") == 100 * 1024  # a bare number is KiB/s
    assert parse_rate("2MiB/s") == 2 * 1024 ** 2
    assert parse_rate("off") is None
    for bad in ("fast", "-1K", "10X", "", "0", "100B"):
        with pytest.raises(UsageError):
            parse_rate(bad)


def test_timetable_entries_and_the_rate_at_each_moment() -> None:
    zone = ZoneInfo("America/Santiago")
    table = Timetable.parse("08:00,512K 19:00,off 12:30,1M", zone)
    assert table.entries == ((480, 512 * 1024), (750, 1024 ** 2), (1140, None))

    def at(hour: int, minute: int) -> float | None:
        return table.rate_at(dt.datetime(2024, 5, 1, hour, minute, tzinfo=zone))

    assert at(7, 59) is None  # before the first entry: the day before's last one
    assert at(8, 0) == 512 * 1024
    assert at(12, 29) == 512 * 1024 and at(12, 30) == 1024 ** 2
    assert at(18, 59) == 1024 ** 2 and at(19, 0) is None and at(23, 59) is None
    # A moment given in UTC is read in the site's time zone (UTC-4 in May).
    assert table.rate_at(dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)) == 512 * 1024
    assert Timetable.parse("256K").rate_at(dt.datetime.now(dt.timezone.utc)) == 256 * 1024
    assert make_bandwidth("off") is None and make_bandwidth("08:00,off 20:00,off") is None
    for bad in ("08:00", "25:00,1M", "08:61,1M", "08:00,1M 08:00,2M", "8h,1M", "   "):
        with pytest.raises(UsageError):
            Timetable.parse(bad)


def test_the_servers_bwlimit_in_config_and_the_option_over_it() -> None:
    class Profile:
        name = "observatory"
        bwlimit = "1M"

    assert for_run(None, Profile()).timetable.text == "1M"  # type: ignore[union-attr]
    assert for_run("off", Profile()) is None
    assert for_run("2M", Profile()).timetable.text == "2M"  # type: ignore[union-attr]
    Profile.bwlimit = "quick"
    with pytest.raises(ConfigError, match=r"bwlimit of \[observatory\] in config.ini"):
        for_run(None, Profile())


# -- the bucket, on a clock of its own ------------------------------------------------------


class FakeClock:
    """Monotonic seconds that move only when a wait says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def wait(self, event: threading.Event, seconds: float) -> bool:
        with self.lock:
            self.now += seconds
        return event.is_set()


def test_the_bucket_holds_the_rate_over_many_blocks() -> None:
    clock = FakeClock()
    bucket = Bandwidth(Timetable.parse("100K"), clock=clock, wait=clock.wait)
    start = clock()
    for _ in range(50):
        assert bucket.take(64 * 1024)
    elapsed = clock() - start
    assert elapsed == pytest.approx(50 * 64 / 100, rel=0.01)  # 32 s for 3.2 MB


def test_the_bucket_is_shared_by_every_thread() -> None:
    bucket = Bandwidth(Timetable.parse("1M"))
    started = time.monotonic()
    threads = [threading.Thread(target=lambda: [bucket.take(64 * 1024) for _ in range(4)])
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # 1 MiB in 16 blocks by four threads at 1 MiB/s together: about a second, not a quarter.
    assert time.monotonic() - started >= 0.9


def test_a_wait_ends_when_the_stop_event_is_set() -> None:
    clock = FakeClock()
    cancel = threading.Event()

    def wait(event: threading.Event, seconds: float) -> bool:
        clock.wait(event, seconds)
        cancel.set()
        return event.is_set()

    bucket = Bandwidth(Timetable.parse("1K"), clock=clock, wait=wait)
    assert bucket.take(1024 * 1024, cancel) is False
    assert clock() - 1000.0 <= 0.25  # one slice, not the 1000 s the bytes had booked
    real = Bandwidth(Timetable.parse("1K"))
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    started = time.monotonic()
    assert real.take(10 * 1024 * 1024, stop) is False
    assert time.monotonic() - started < 2


def test_the_timetable_switches_while_a_transfer_waits() -> None:
    zone = dt.timezone.utc
    clock = FakeClock()
    origin = dt.datetime(2024, 5, 1, 18, 59, 58, tzinfo=zone)

    def now() -> dt.datetime:
        return origin + dt.timedelta(seconds=clock() - 1000.0)

    bucket = Bandwidth(Timetable.parse("08:00,1K 19:00,off", zone), clock=clock, now=now,
                       wait=clock.wait)
    assert bucket.rate() == 1024
    assert bucket.take(1024 * 1024)  # booked 1000 s at 1K/s; the cap lifts at 19:00
    assert clock() - 1000.0 < 5
    assert bucket.rate() is None and bucket.take(10 ** 9)
    assert clock() - 1000.0 < 5


# -- --min-age and the line log --------------------------------------------------------------


def test_min_age_boundary() -> None:
    now = 1_700_000_000.0
    stamp = int((now - 60) * 1e9)
    assert too_recent(stamp, 60.001, now)
    assert not too_recent(stamp, 60, now)  # exactly that old: it goes
    assert not too_recent(stamp, 59.9, now)
    assert not too_recent(stamp, None, now)
    assert too_recent(int((now + 5) * 1e9), 0, now)  # dated in the future: not yet


def test_the_log_appends_one_flushed_line_per_file(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text('{"earlier": true}\n')
    with TransferLog(path, "upload") as log:
        log.dataset, log.dataset_uuid = "M31", "u-1"
        log.write(Outcome("a.fits", "a.fits", "uploaded", 10, 1, seconds=0.5, sha256="ab"))
        first = path.read_text().splitlines()  # readable before the log is closed
        assert len(first) == 2
        log.write(Outcome("b.fits", "b.fits", FAILED, error="conflict: other content"))
        log.write(Outcome("c", "c", IGNORED, error="empty file"))
        log.write(Outcome("d", "d", TOO_RECENT))
        log.write(Outcome("e", "e", "cancelled"))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {"earlier": True}
    assert [line["outcome"] for line in lines[1:]] == ["uploaded", CONFLICT, "left aside",
                                                       "too recent"]
    assert {k: lines[1][k] for k in ("path", "bytes", "sha256", "seconds", "error", "dataset",
                                      "dataset_uuid", "direction")} == {
        "path": "a.fits", "bytes": 10, "sha256": "ab", "seconds": 0.5, "error": None,
        "dataset": "M31", "dataset_uuid": "u-1", "direction": "upload"}
    with pytest.raises(UsageError, match="cannot open --log-file"):
        TransferLog(tmp_path / "no" / "such" / "dir.jsonl", "upload")


def test_more_jobs_by_default_for_small_files_on_a_far_link() -> None:
    from arcsecond_core.transfer import DEFAULT_JOBS, FAR_JOBS, auto_jobs

    small, large = [100_000] * 300, [200_000_000] * 2
    assert auto_jobs(0.002, small) == DEFAULT_JOBS  # loopback
    assert auto_jobs(0.05, small) == DEFAULT_JOBS
    assert auto_jobs(0.25, small) == FAR_JOBS
    assert auto_jobs(0.25, large) == DEFAULT_JOBS
    assert auto_jobs(None, small) == DEFAULT_JOBS and auto_jobs(0.25, []) == DEFAULT_JOBS

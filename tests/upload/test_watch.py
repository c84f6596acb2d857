"""Watch mode against an in-memory API: stable files only, retries later, duplicates refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from arcsecond_plugins.upload.plan import Options, prepare
from arcsecond_plugins.upload.watch import Watch

from arcsecond_core import errors
from arcsecond_core.transfer.outcome import FAILED, UPLOADED
from arcsecond_core.transfer.report import Report

from .fakes import FakeAPI


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def names(api: FakeAPI) -> list[str]:
    return sorted(item["file_name"] for item in api.datafiles.items)


def test_watch(tmp_path: Path) -> None:
    root = tmp_path / "night"
    root.mkdir()
    (root / "a.fits").write_bytes(b"a" * 10)
    api = FakeAPI()
    plan = prepare(api, Options(root, "W", retries=1))
    watch = Watch(plan, interval=0.05, settle=0.3)
    reports: list[Report] = []
    thread = threading.Thread(target=lambda: reports.append(watch.run()))
    thread.start()
    try:
        until(lambda: names(api) == ["a.fits"])
        growing = root / "b.fits"
        for _ in range(8):  # written in pieces for longer than the settle time
            with open(growing, "ab") as handle:
                handle.write(b"b" * 100)
            time.sleep(0.1)
            assert "b.fits" not in names(api)
        until(lambda: "b.fits" in names(api))
        assert next(i for i in api.datafiles.items if i["file_name"] == "b.fits")["size"] == 800
        api.datafiles.failures = [errors.ConnectionFailed("server away")] * 2
        (root / "c.fits").write_bytes(b"c")
        until(lambda: "c.fits" in names(api))
        (root / "sub").mkdir()
        (root / "sub" / "a.fits").write_bytes(b"other")
        (root / ".partial").write_bytes(b"hidden")
        until(lambda: "sub/a.fits" in watch.outcomes)
    finally:
        watch.stop.set()
        thread.join(10)
    report = reports[0]
    statuses = {o.relative: o.status for o in report.outcomes}
    assert statuses == {"a.fits": UPLOADED, "b.fits": UPLOADED, "c.fits": UPLOADED,
                        "sub/a.fits": FAILED}
    assert "already sent as 'a.fits'" in str(watch.outcomes["sub/a.fits"].error)
    assert names(api) == ["a.fits", "b.fits", "c.fits"]
    assert api.datafiles.calls.count("c.fits") == 3


def test_watch_renames_duplicates_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "night"
    root.mkdir()
    (root / "a.fits").write_bytes(b"a")
    api = FakeAPI()
    watch = Watch(prepare(api, Options(root, "W", rename_duplicates=True)), interval=0.05,
                  settle=0.1)
    thread = threading.Thread(target=watch.run)
    thread.start()
    try:
        until(lambda: names(api) == ["a.fits"])
        (root / "n2").mkdir()
        (root / "n2" / "a.fits").write_bytes(b"other")
        until(lambda: names(api) == ["a.fits", "n2__a.fits"])
    finally:
        watch.stop.set()
        thread.join(10)

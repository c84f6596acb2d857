"""All-sky images in-process: EXIF times case by case, the fallback without Pillow, and which
files a watch finds ready (settled, images only, hidden ones left alone, changed ones again)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from arcsecond_plugins.allskycameras import times
from arcsecond_plugins.allskycameras.sender import FAILED, SENT, Outcome
from arcsecond_plugins.allskycameras.watch import FolderWatch

UTC = dt.timezone.utc


@pytest.mark.parametrize(("text", "subsec", "offset", "expected"), [
    ("2026:12:03 21:04:05", None, None, dt.datetime(2026, 12, 3, 21, 4, 5, tzinfo=UTC)),
    ("2026:12:03 21:04:05", "25", None, dt.datetime(2026, 12, 3, 21, 4, 5, 250000, tzinfo=UTC)),
    ("2026:12:03 21:04:05", None, "-03:00", dt.datetime(2026, 12, 4, 0, 4, 5, tzinfo=UTC)),
    ("2026:12:04 01:00:00\0", None, "+05:30\0", dt.datetime(2026, 12, 3, 19, 30, tzinfo=UTC)),
    ("0000:00:00 00:00:00", None, None, None),
    ("    :  :     :  :  ", None, None, None),
    ("2026-12-03", None, None, None),
    (None, None, None, None),
    ("2026:02:30 10:00:00", None, None, None),
])
def test_exif_times(text, subsec, offset, expected) -> None:
    assert times.parse_exif_time(text, subsec, offset) == expected


def test_without_pillow_times_are_mtimes_and_a_warning_says_so(tmp_path, monkeypatch, caplog):
    image = tmp_path / "sky.jpg"
    image.write_bytes(b"\xff\xd8\xff\xe0 not really")
    when = dt.datetime(2026, 12, 3, 22, 0, 0, 500000, tzinfo=UTC)
    os.utime(image, (when.timestamp(), when.timestamp()))
    monkeypatch.setitem(sys.modules, "PIL", None)  # import PIL fails
    monkeypatch.setattr(times, "_warned", False)
    with caplog.at_level(logging.WARNING, "arcsecond.allsky"):
        assert times.image_time(image) == (when, "mtime")
        assert times.image_time(image) == (when, "mtime")
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "arcsecond-cli[allsky]" in warnings[0]


def test_times_given_on_the_command_line() -> None:
    assert times.parse_utc("2026-12-03T21:00:00Z") == dt.datetime(2026, 12, 3, 21, tzinfo=UTC)
    assert times.parse_utc("2026-12-03 22:00+01:00") == dt.datetime(2026, 12, 3, 21, tzinfo=UTC)
    assert times.parse_utc("2026-12-03T21:00") == dt.datetime(2026, 12, 3, 21, tzinfo=UTC)
    with pytest.raises(ValueError):
        times.parse_utc("dusk")


class Recorder:
    """A sender that records what it is given (``fail`` names files that fail for a while)."""

    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.sent: list[str] = []
        self.fail = fail

    def send(self, path: Path, shown: str, total: int | None = None) -> Outcome:
        self.sent.append(shown)
        if shown in self.fail:
            return Outcome(shown, FAILED, note="server away", retryable=True)
        return Outcome(shown, SENT)


def test_a_watch_sends_settled_images_once_and_changed_ones_again(tmp_path: Path) -> None:
    recorder = Recorder()
    watch = FolderWatch(tmp_path, recorder, threading.Event(), interval=0, settle=0.2)  # type: ignore[arg-type]
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.jpg").write_bytes(b"x")
    (tmp_path / ".partial.jpg").write_bytes(b"x")
    (tmp_path / "camera.log").write_text("x")
    (tmp_path / "night").mkdir()
    (tmp_path / "night" / "one.JPG").write_bytes(b"1")
    (tmp_path / "latest.jpg").write_bytes(b"1")

    def round_() -> list[str]:
        ready = watch.ready()
        for path, relative, state in ready:
            watch.record(relative, state, recorder.send(path, relative))
        return [relative for _, relative, _ in ready]

    assert round_() == []  # seen once: not settled yet
    (tmp_path / "latest.jpg").write_bytes(b"12")  # still being written
    time.sleep(0.25)
    assert round_() == ["night/one.JPG"]
    time.sleep(0.25)
    assert round_() == ["latest.jpg"]
    assert round_() == []  # never twice
    (tmp_path / "latest.jpg").write_bytes(b"123")  # the camera overwrote it
    round_()
    time.sleep(0.25)
    assert round_() == ["latest.jpg"]
    assert recorder.sent == ["night/one.JPG", "latest.jpg", "latest.jpg"]


def test_a_watch_tries_transient_failures_again_later(tmp_path: Path) -> None:
    recorder = Recorder(frozenset({"sky.jpg"}))
    watch = FolderWatch(tmp_path, recorder, threading.Event(), interval=0, settle=0)  # type: ignore[arg-type]
    (tmp_path / "sky.jpg").write_bytes(b"1")
    watch.ready()
    ready = watch.ready()
    assert [r for _, r, _ in ready] == ["sky.jpg"]
    watch.record("sky.jpg", ready[0][2], recorder.send(*ready[0][:2]))
    assert watch.ready() == []  # not before its delay
    watch.retry_at["sky.jpg"] = (0.0, 1)
    assert [r for _, r, _ in watch.ready()] == ["sky.jpg"]

"""Progress on a terminal and in logs, and the final report."""

from __future__ import annotations

import logging
import os
import pty
import subprocess
import sys
from io import StringIO

import pytest
from arcsecond_plugins.upload.progress import LogProgress, make_progress

from arcsecond_core.testing import finish
from arcsecond_core.transfer.outcome import FAILED, IGNORED, SKIPPED, UPLOADED, Outcome
from arcsecond_core.transfer.progress import describe, human_bytes
from arcsecond_core.transfer.report import Report, report_rows

BAR_SCRIPT = """
import sys
from arcsecond_plugins.upload.progress import make_progress
from arcsecond_core.transfer.outcome import Outcome
bar = make_progress(sys.stderr, 2, 3000)
bar.advance(1000)
bar.finished(Outcome("a.fits", "a.fits", "uploaded", 1000, 7, seconds=0.5))
bar.advance(2000)
bar.close()
"""


def test_a_terminal_gets_a_bar_and_a_line_per_file() -> None:
    import fcntl
    import struct
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-c", BAR_SCRIPT], stdin=child, stdout=child,
                            stderr=child)
    finish(proc, 30)
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    text = out.decode()
    assert "uploaded a.fits (1.0 KB, 2.0 KB/s, id 7)" in text
    assert "1/2 files" in text and "3.00k/3.00k" in text


def test_not_a_terminal_gets_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    progress = make_progress(StringIO(), 2, 10)
    assert isinstance(progress, LogProgress)
    with caplog.at_level(logging.INFO, logger="arcsecond.upload"):
        progress.finished(Outcome("a.fits", "a.fits", UPLOADED, 10, 1, seconds=1.0))
        progress.finished(Outcome("b/c.fits", "b__c.fits", FAILED, error="boom"))
    assert caplog.messages == ["[1/2] uploaded a.fits (10 B, 10 B/s, id 1)",
                               "[2/2] failed b/c.fits as b__c.fits: boom"]
    assert caplog.records[1].levelno == logging.ERROR


def test_report_rows_for_machines_and_people_and_its_headline() -> None:
    report = Report("M31", "uuid-1", [
        Outcome("a.fits", "a.fits", UPLOADED, 2000, 1),
        Outcome("b.fits", "b.fits", SKIPPED, 0, 2, note="already on the server"),
        Outcome("c.fits", "c.fits", FAILED, error="gave up"),
        Outcome("empty", "empty", IGNORED, error="empty file"),
    ])
    assert not report.ok
    columns, rows = report_rows(report, "json")
    assert columns == ("path", "file_name", "status", "id", "bytes", "error", "note")
    assert dict(zip(columns, rows[0], strict=True)) == {
        "path": "a.fits", "file_name": "a.fits", "status": "uploaded", "id": 1, "bytes": 2000,
        "error": None, "note": None}
    assert len(rows) == 4
    assert report_rows(report, "table") == (("path", "status", "error"),
                                            [("c.fits", "failed", "gave up")])
    assert report.headline() == ("dataset 'M31' (uuid-1): 1 uploaded, 1 already on the server, "
                                 "1 failed, 1 ignored (2.0 KB sent)")
    assert str(report) == report.headline() and "Outcome" not in repr(report)
    report.interrupted = True
    assert report.headline().count("interrupted") == 1
    assert Report(outcomes=[Outcome("x", "x", IGNORED)]).ok


def test_human_sizes_and_descriptions() -> None:
    assert human_bytes(999) == "999 B" and human_bytes(1500) == "1.5 KB"
    assert human_bytes(2_500_000_000) == "2.5 GB"
    assert describe(Outcome("x", "x", SKIPPED, note="n")) == "skipped x (n)"

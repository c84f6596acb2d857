"""Progress of an upload on standard error: the transfer display both directions share, logging
to ``arcsecond.upload`` when standard error is not a terminal."""

from __future__ import annotations

import logging
from typing import Any, TextIO

from arcsecond_core.transfer import progress as shared

LOG = logging.getLogger("arcsecond.upload")


class LogProgress(shared.LogProgress):
    """One log line per finished file and per retry, on the upload's logger."""

    def __init__(self, total_files: int = 0, total_bytes: int = 0) -> None:
        super().__init__(total_files, total_bytes, LOG)


def make_progress(stream: TextIO, total_files: int, total_bytes: int, enabled: bool = True) -> Any:
    """A bar on a terminal, log lines elsewhere."""
    return shared.make_progress(stream, total_files, total_bytes, enabled, quiet=LogProgress)

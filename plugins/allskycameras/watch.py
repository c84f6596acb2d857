"""``--watch FOLDER``: send the images a roof camera writes, once each is complete.

An image is complete when two scans at least ``settle`` seconds apart see the same size and
modification time (polling, as the upload's watch: it works on every file system and misses
nothing). Hidden files and folders, and files whose suffix is not an image's, are left alone. A
file is sent again only when it changes (a camera overwriting ``latest.jpg``); what the camera
holds already (same name, size and time) is never sent twice, across restarts too. Transient
failures are tried again later with a growing delay; setting ``stop`` ends the watch.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from arcsecond_core.retrying import Backoff

from .sender import CANCELLED, FAILED, Outcome, Sender

LOG = logging.getLogger("arcsecond.allsky")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".fits",
                            ".fit", ".fts"})
MAX_RETRY_DELAY = 300.0
State = tuple[int, int]


def images_under(folder: Path) -> Iterator[tuple[Path, str, State]]:
    """Every image file under ``folder`` (hidden ones skipped): path, relative path, state."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in IMAGE_SUFFIXES:
                continue
            path = Path(root, name)
            try:
                info = path.stat()
            except OSError:  # gone meanwhile
                continue
            yield path, path.relative_to(folder).as_posix(), (info.st_size, info.st_mtime_ns)


class FolderWatch:
    """Send what appears under ``folder`` until ``stop`` is set."""

    def __init__(self, folder: Path, sender: Sender, stop: threading.Event, *,
                 interval: float = 5.0, settle: float = 5.0) -> None:
        self.folder = folder
        self.sender = sender
        self.stop = stop
        self.interval = interval
        self.settle = settle
        self.outcomes: dict[str, Outcome] = {}
        self.handled: dict[str, State] = {}
        self.seen: dict[str, tuple[State, float]] = {}
        self.retry_at: dict[str, tuple[float, int]] = {}

    def run(self) -> list[Outcome]:
        LOG.info("watching %s every %g s (Ctrl-C to stop)", self.folder, self.interval)
        while not self.stop.is_set():
            for path, relative, state in self.ready():
                if self.stop.is_set():
                    break
                self.record(relative, state, self.sender.send(path, relative))
            if self.stop.wait(self.interval):
                break
        LOG.info("stopped watching %s", self.folder)
        return list(self.outcomes.values())

    def ready(self) -> list[tuple[Path, str, State]]:
        """Images unchanged for ``settle`` seconds, not handled in this state yet."""
        if not self.folder.is_dir():
            LOG.warning("cannot scan %s: not a folder (any more?)", self.folder)
            return []
        now = time.monotonic()
        found = []
        for path, relative, state in images_under(self.folder):
            if self.handled.get(relative) == state:
                continue
            seen = self.seen.get(relative)
            if seen is None or seen[0] != state:
                self.seen[relative] = (state, now)
                continue
            if now - seen[1] < self.settle:
                continue
            retry = self.retry_at.get(relative)
            if retry is not None and now < retry[0]:
                continue
            found.append((path, relative, state))
        return found

    def record(self, relative: str, state: State, outcome: Outcome) -> None:
        if outcome.status == CANCELLED:
            return
        self.outcomes[relative] = outcome
        if outcome.status == FAILED and outcome.retryable:
            tries = self.retry_at.get(relative, (0.0, 0))[1] + 1
            delay = Backoff(None, max(self.interval, 1.0), MAX_RETRY_DELAY).delay(tries + 1)
            self.retry_at[relative] = (time.monotonic() + delay, tries)
            LOG.warning("%s: will try again in %.0f s", relative, delay)
            return
        self.retry_at.pop(relative, None)
        self.handled[relative] = state

"""Directories of a data directory: created private (0700), uploads in progress kept per process.

Each server process receives uploads into a directory of its own under ``tmp/`` and removes it
when it stops, so that two processes on one data directory never delete each other's partial
files. A directory left by a process that died (its process id no longer runs) is removed by
the next server that starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from arcsecond_core.errors import ArcsecondError

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def private_dir(path: Path, create: bool = True,
                report: Callable[[str], None] = warn) -> Path:
    """``path`` as a directory only its owner can read; tightened (with a warning) if looser."""
    if not path.exists():
        if not create:
            raise ArcsecondError(f"No data directory {path}: give an existing one, or --create "
                                 "to make a new one.")
        path.mkdir(mode=PRIVATE_DIR, parents=True)
        with contextlib.suppress(OSError):
            path.chmod(PRIVATE_DIR)
        return path
    if not path.is_dir():
        raise ArcsecondError(f"The data directory {path} is not a directory.")
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        try:
            path.chmod(PRIVATE_DIR)
            report(f"data directory {path} was open to other users (mode {mode:o}); "
                   "it is now 0700")
        except OSError as error:
            report(f"data directory {path} is open to other users (mode {mode:o}) and could "
                   f"not be tightened: {error.strerror}")
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty if it is missing, readable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    os.close(fd)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE:
        with contextlib.suppress(OSError):
            path.chmod(PRIVATE_FILE)


def _running(pid: int) -> bool:
    if os.name != "posix":
        return True  # no safe liveness check here: leave the directory alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class UploadArea:
    """This process's directory for uploads in progress, removed by :meth:`close`."""

    def __init__(self, tmp_root: Path) -> None:
        self.root = tmp_root
        self.path = tmp_root / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def open(self) -> Path:
        self.root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        self._remove_orphans()
        self.path.mkdir(mode=PRIVATE_DIR)
        return self.path

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _remove_orphans(self) -> None:
        for entry in self.root.iterdir():
            pid, _, token = entry.name.partition("-")
            if entry.is_dir() and pid.isdigit() and token and not _running(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)

"""Saving a data file to disk: where it goes, and a progress bar on a terminal."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TextIO

from arcsecond_core.cli.base import terminal_width
from arcsecond_core.errors import ArcsecondError
from arcsecond_core.transfer.fetch import local_name as safe_file_name

__all__ = ["destination", "download", "safe_file_name"]


def destination(output: str | None, record: dict[str, Any], *, force: bool) -> Path:
    """The path to write: ``output`` (a file, or a directory to put the file in) or ./name."""
    name = safe_file_name(record)
    if output is None:
        target = Path.cwd() / name
    elif output.endswith(os.sep) or Path(output).is_dir():
        target = Path(output) / name
    else:
        target = Path(output)
    target = target.expanduser()
    if target.exists() and not force:
        raise ArcsecondError(f"{target} already exists: pass --force to overwrite it")
    if target.is_dir():
        raise ArcsecondError(f"{target} is a directory")
    return target


def download(client: Any, record: dict[str, Any], target: Path, stderr: TextIO) -> int:
    """Stream the file to ``target`` (resumed, verified, atomic: see the core's fetch) with a
    progress bar when stderr is a terminal; its size."""
    from tqdm import tqdm

    interactive = hasattr(stderr, "isatty") and stderr.isatty()
    with tqdm(
        total=record.get("size") or None, unit="B", unit_scale=True, unit_divisor=1000,
        desc=safe_file_name(record), file=stderr, disable=not interactive, leave=True,
        ncols=None if terminal_width(stderr) > 0 else 80,
    ) as bar:
        path = client.download(record["id"], target, progress=bar.update, record=record)
    return path.stat().st_size



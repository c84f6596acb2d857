"""Helpers for the download end-to-end tests: data on the server, and what landed on disk."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from arcsecond_core.testing import arcsecond_script


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def random_files(root: Path, count: int, size: int, prefix: str = "frame") -> dict[str, str]:
    """``count`` files of random bytes under ``root``; name -> sha256."""
    root.mkdir(parents=True, exist_ok=True)
    sums = {}
    for i in range(count):
        path = root / f"{prefix}{i:03d}.dat"
        path.write_bytes(os.urandom(size))
        sums[path.name] = sha256(path)
    return sums


def upload(client: Any, folder: Path, dataset: str, *extra: str) -> None:
    """Send ``folder`` into ``dataset`` with the real command (it must succeed)."""
    proc = client.run("upload", str(folder), "-d", dataset, "--yes", *extra, timeout=600)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)


def on_disk(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``root`` (hidden ones too)."""
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file()}


def partial_files(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*.part") if p.is_file()]


def download(client: Any, *args: str, timeout: float = 600,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return client.run("download", *args, "-f", "json", timeout=timeout, cwd=cwd)


def by_path(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    """The JSON report of a download, by local path."""
    assert "Traceback" not in proc.stderr, proc.stderr
    return {row["path"]: row for row in json.loads(proc.stdout)}


def popen(client: Any, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([arcsecond_script(), *args], env=client.env, text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

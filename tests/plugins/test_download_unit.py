"""Unit tests of ``datafile download``: where the file goes, overwriting, the progress bar."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from arcsecond_plugins.datafiles.download import destination, download, safe_file_name

from arcsecond_core.errors import ArcsecondError

from .fakes import TTYOutput

RECORD = {"id": 12, "file_name": "night/m31.fits", "size": 3 * 1024 * 1024}


class FakeClient:
    """Writes ``size`` bytes in 1 MB chunks, reporting progress like the core's download."""

    def download(self, object_id: int, target: Path, *, progress: Any = None,
                 record: Any = None) -> Path:
        chunk = b"x" * (1024 * 1024)
        tmp = target.with_name(target.name + ".part")
        with tmp.open("wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            for _ in range(3):
                handle.write(chunk)
                if progress:
                    progress(len(chunk))
        tmp.replace(target)
        return target


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.fits", "a.fits"), ("../../etc/passwd", "passwd"), ("", "datafile-12"), ("..", "datafile-12")],
)
def test_safe_file_name(name: str, expected: str) -> None:
    assert safe_file_name({"id": 12, "file_name": name}) == expected


def test_destination_defaults_to_the_file_name_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert destination(None, RECORD, force=False) == tmp_path / "m31.fits"


def test_destination_in_a_directory_or_a_file(tmp_path: Path) -> None:
    assert destination(str(tmp_path), RECORD, force=False) == tmp_path / "m31.fits"
    new_dir = str(tmp_path / "new") + os.sep
    assert destination(new_dir, RECORD, force=False) == tmp_path / "new" / "m31.fits"
    assert destination(str(tmp_path / "x.fits"), RECORD, force=False) == tmp_path / "x.fits"


def test_existing_file_needs_force(tmp_path: Path) -> None:
    (tmp_path / "m31.fits").write_bytes(b"old")
    with pytest.raises(ArcsecondError, match="already exists: pass --force"):
        destination(str(tmp_path), RECORD, force=False)
    assert destination(str(tmp_path), RECORD, force=True) == tmp_path / "m31.fits"


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    quiet = TTYOutput()
    quiet.isatty = lambda: False  # type: ignore[method-assign]
    assert download(FakeClient(), RECORD, tmp_path / "a.fits", quiet) == 3 * 1024 * 1024
    assert quiet.getvalue() == ""
    terminal = TTYOutput()
    download(FakeClient(), RECORD, tmp_path / "b.fits", terminal)
    shown = terminal.getvalue()
    assert "m31.fits" in shown and "100%" in shown and "3.15M" in shown  # decimal units, as uploads


def test_command_modules_import_light() -> None:
    """Listing or describing a command imports neither the HTTP stack nor tqdm."""
    modules = [f"arcsecond_plugins.{p}.commands" for p in (
        "datasets", "datafiles", "nightlogs", "datapackages", "telescopes", "observingsites",
        "profiles")]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "heavy = [m for m in ('requests', 'tqdm', 'urllib3', 'arcsecond_core.api', 'astropy')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""

"""The README's Python example, run as written against the embedded server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


def readme_python() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "the README has one Python example"
    return blocks[0]


def fits_file(path: Path, date_obs: str) -> None:
    import numpy as np
    from astropy.io import fits

    hdu = fits.PrimaryHDU(np.arange(64, dtype=np.int16).reshape(8, 8))
    hdu.header["DATE-OBS"] = date_obs
    hdu.header["OBJECT"] = "M31"
    hdu.writeto(path)


def test_readme_python_example_runs_prints_a_summary_and_leaves_nothing(
    arcsecond_client: Any, tmp_path: Path
) -> None:
    fits_file(tmp_path / "m31_001.fits", "2026-11-21T22:00:00")
    night = tmp_path / "2026-11-21"
    night.mkdir()
    (night / "m31_001.fits").write_bytes((tmp_path / "m31_001.fits").read_bytes())
    for n in (2, 3, 4):
        fits_file(night / f"m31_00{n}.fits", f"2026-11-21T2{n}:00:00")
    api = arcsecond_client.api()
    before = {"logs": [n["uuid"] for n in api.nightlogs.list()]}

    proc = subprocess.run([sys.executable, "-c", readme_python()], cwd=tmp_path,
                          env=arcsecond_client.env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)

    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"dataset 'M31 night' \([0-9a-f-]{36}\): 3 uploaded, "
                        r"1 already on the server \(\d+\.\d KB sent\)", lines[0]), lines
    assert lines[1:] == ["M31, 21 Nov 4 files"]
    assert "Report(" not in proc.stdout and "Outcome(" not in proc.stdout
    # nothing left behind: no dataset, no data file, no new night log with files in it
    assert list(api.datasets.list()) == [] and list(api.datafiles.list()) == []
    new_logs = [n for n in api.nightlogs.list() if n["uuid"] not in before["logs"]]
    assert new_logs == [], new_logs

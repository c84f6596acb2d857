"""The README's quick start, run as written: server, account, login, upload, JSON listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


def test_quickstart_uploads_the_sample_night_and_lists_it_as_json() -> None:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("ARCSECOND_CONFIG_DIR", None)  # the script makes its own
    proc = subprocess.run(
        ["bash", str(ROOT / "examples" / "quickstart.sh")],
        capture_output=True, text=True, timeout=300, env=env, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listing = proc.stdout.split("== what landed, as JSON\n", 1)[1]
    decoder = json.JSONDecoder()
    datafiles, end = decoder.raw_decode(listing)
    nightlogs, _ = decoder.raw_decode(listing[end:].lstrip())

    assert sorted(f["file_name"] for f in datafiles) == sorted(
        f"{stem}_{n:03d}.fits" for stem in ("bias", "flat_V", "M31_V", "M31_R", "M42_V") for n in (1, 2)
    )
    assert {f["file_type"] for f in datafiles} == {"fits"}
    assert sum(f["calibration"] is not None for f in datafiles) == 4  # bias and flats
    assert sum(f["observation"] is not None for f in datafiles) == 6
    assert [(n["date"], n["datafiles_count"]) for n in nightlogs] == [("2026-11-21", 10)]
    assert {f["night_log"] for f in datafiles} == {nightlogs[0]["uuid"]}

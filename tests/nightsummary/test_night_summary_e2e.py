"""``arcsecond night summary`` end to end on a real test night: nothing sent, every format."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from arcsecond_core.testing import arcsecond_script

from .night import NOT_FRAMES, UNREADABLE, write_night

EXPECTED_GROUPS = [
    ("light", "M31", "R", 60.0, "1x1", 1, 60.0),
    ("light", "M31", "V", 30.0, "1x1", 2, 60.0),
    ("light", "M42", None, 60.0, "1x1", 1, 60.0),
    ("light", "NGC 7000", "Ha", 120.0, "2x2", 1, 120.0),
    ("bias", None, None, 0.0, "1x1", 2, 0.0),
    ("dark", None, None, 60.0, "1x1", 1, 60.0),
    ("dark", None, None, 300.0, "1x1", 1, 300.0),
    ("flat", None, "R", 3.0, "1x1", 1, 3.0),
    ("flat", None, "V", 2.0, "1x1", 1, 2.0),
    ("other", None, None, 1.0, "1x1", 1, 1.0),
]
EXPECTED_MISSING = [
    ("flat", "Ha", None, "2x2"), ("flat", None, None, "1x1"), ("dark", None, 30.0, "1x1"),
    ("dark", None, 120.0, "2x2"), ("bias", None, None, "2x2"),
]


def group_rows(summary: dict) -> list[tuple]:
    return [(g["kind"], g["target"], g["filter"], g["exposure"], g["binning"], g["count"],
             g["exposure_total"]) for g in summary["groups"]]


def missing_rows(summary: dict) -> list[tuple]:
    return [(m["kind"], m.get("filter"), m.get("exposure"), m.get("binning"))
            for m in summary["missing"]]


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_night(tmp_path_factory.mktemp("night") / "2024-03-10")


def summary(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCSECOND_CONFIG_DIR": str(config)}
    env.pop("ARCSECOND_API", None)
    return subprocess.run([arcsecond_script(), "night", "summary", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_json_groups_missing_and_unreadable(night: Path, tmp_path: Path) -> None:
    proc = summary(str(night), "-f", "json", config=tmp_path)
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert group_rows(answer) == EXPECTED_GROUPS
    v = answer["groups"][1]
    assert (v["first"], v["last"]) == ("2024-03-10T21:00:00Z", "2024-03-10T21:01:00Z")
    assert missing_rows(answer) == EXPECTED_MISSING
    scaled = answer["missing"][2]["reason"]
    assert "a scaled dark could serve" in scaled and "60 s" in scaled
    unreadable = {item["path"]: item["reason"] for item in answer["unreadable"]}
    assert set(unreadable) == set(UNREADABLE)
    for name, words in UNREADABLE.items():
        assert words in unreadable[name]
    assert f"left aside: {len(NOT_FRAMES)} neither FITS nor XISF" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_table_for_people_then_missing_and_unreadable(night: Path, tmp_path: Path) -> None:
    proc = summary(str(night), config=tmp_path)
    assert proc.returncode == 0, proc.stderr
    groups, rest = proc.stdout.split("\nmissing: ")
    assert "| NGC 7000 | Ha" in groups and "| other" in groups
    assert rest.startswith(f"{len(EXPECTED_MISSING)}\n")
    assert "no flat for filter Ha (1 light binned 2x2)" in rest
    assert f"unreadable: {len(UNREADABLE)}" in rest and "corrupt.fits" in rest


def test_csv_rows_say_their_part_and_part_picks_one(night: Path, tmp_path: Path) -> None:
    proc = summary(str(night), "-f", "csv", config=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    parts = [row["part"] for row in rows]
    assert parts == (["groups"] * len(EXPECTED_GROUPS) + ["missing"] * len(EXPECTED_MISSING)
                     + ["unreadable"] * len(UNREADABLE))
    only = summary(str(night), "--part", "missing", "-f", "csv", config=tmp_path)
    header, *lines = only.stdout.splitlines()
    assert header == '"kind","filter","exposure","binning","reason"'
    assert len(lines) == len(EXPECTED_MISSING)
    value = summary(str(night), "--part", "unreadable", "-f", "value", "-c", "path",
                    config=tmp_path)
    assert sorted(value.stdout.split()) == sorted(UNREADABLE)


def test_a_folder_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    proc = summary(str(tmp_path / "nowhere"), config=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: cannot read")
    assert "Traceback" not in proc.stderr

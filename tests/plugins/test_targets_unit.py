"""In-process: coordinates from the command line, their display, and a CSV file's rows."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from arcsecond_plugins.nightplans.slots import duration, slot_line
from arcsecond_plugins.targets.coordinates import (
    coordinates,
    parse_dec,
    parse_ra,
    position,
    sexagesimal,
)
from arcsecond_plugins.targets.importing import RowError, read_rows, target_body

from arcsecond_core.errors import UsageError


@pytest.mark.parametrize("text,degrees", [
    ("10.684", 10.684), ("00:42:44.3", 10.684583), ("00h42m44.3s", 10.684583),
    ("0 42 44.3", 10.684583), ("23:59:59.9", 359.999583), ("0", 0.0),
])
def test_right_ascension(text: str, degrees: float) -> None:
    assert parse_ra(text) == pytest.approx(degrees, abs=1e-6)


@pytest.mark.parametrize("text,degrees", [
    ("41.27", 41.27), ("+41:16:09", 41.269167), ("-05:23:28", -5.391111),
    ("41d16m09s", 41.269167), ("-00:30:00", -0.5), ("90", 90.0), ("-90", -90.0),
])
def test_declination(text: str, degrees: float) -> None:
    assert parse_dec(text) == pytest.approx(degrees, abs=1e-6)


@pytest.mark.parametrize("parse,text", [
    (parse_ra, "360"), (parse_ra, "-1"), (parse_ra, "nan"), (parse_ra, "ten"),
    (parse_ra, "24:00:01"), (parse_dec, "90.5"), (parse_dec, "+91:00:00"), (parse_dec, "north"),
    (parse_dec, "inf"), (parse_dec, "+10:60:00"), (parse_ra, "12:30:60"),
])
def test_bad_angles_are_argparse_errors(parse, text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse(text)


def test_both_or_neither() -> None:
    assert coordinates(None, None) is None
    assert coordinates(1.0, -2.0) == {"right_ascension": 1.0, "declination": -2.0}
    with pytest.raises(argparse.ArgumentTypeError, match="both"):
        coordinates(1.0, None)


def test_sexagesimal_display_rounds_and_carries() -> None:
    assert sexagesimal(10.684583, 41.269167) == "00:42:44.3 +41:16:09"
    assert sexagesimal(83.8208, -5.3911) == "05:35:17.0 -05:23:28"
    assert sexagesimal(359.99999, -0.0001) == "00:00:00.0 -00:00:00"  # 24h wraps to 0h
    assert sexagesimal(15.0, 89.99999) == "01:00:00.0 +90:00:00"
    assert sexagesimal(None, 1) == ""


def test_a_manual_position_wins_over_the_catalogues() -> None:
    catalogue = {"object": {"equatorial_coordinates": {"right_ascension": 1,
                                                       "declination": 2}},
                 "coordinates": None}
    assert position(catalogue) == (1, 2)
    assert position({**catalogue, "coordinates": {"right_ascension": 3,
                                                  "declination": 4}}) == (3, 4)
    assert position({}) == (None, None)


def test_rows_of_a_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\ufeffName, RA ,Dec,notes,tags\nM31,,,,a; b\n,,,\n\nX,1,2,\"n, m\",\n",
                    encoding="utf-8")
    rows = list(read_rows(path))
    assert [line for line, _ in rows] == [2, 5]
    assert target_body(rows[0][1]) == {"name": "M31", "tags": ["a", "b"]}
    assert target_body(rows[1][1]) == {"name": "X", "notes": "n, m", "coordinates": {
        "right_ascension": 1.0, "declination": 2.0}}
    for cells, message in (({"name": ""}, "no name"), ({"name": "Y", "ra": "1"}, "both"),
                           ({"name": "Y", "ra": "x", "dec": "1"}, "not a right ascension"),
                           ({"name": "Y", "class": "Comet"}, "not one of")):
        with pytest.raises(RowError, match=message):
            target_body(cells)


@pytest.mark.parametrize("content,message", [
    (b"title,ra\nM1,1\n", "no 'name' column"),
    (b"name,magnitude\nM1,3\n", "unknown column 'magnitude'"),
    (b"name\n\xff\xfe\n", "not UTF-8"),
])
def test_bad_files_are_usage_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        list(read_rows(path))
    with pytest.raises(UsageError, match="cannot read"):
        list(read_rows(tmp_path / "missing.csv"))


def test_slots_for_people() -> None:
    item = {"start": "2026-03-10T23:00:00Z", "end": "2026-03-11T00:30:00Z",
            "target_name": "M31", "altitude_start": 40.4, "altitude_end": None}
    assert slot_line(item) == "23:00-00:30 UTC  M31  40°→—"
    assert duration(item) == 5400.0
    assert duration({"start": "x", "end": None}) is None

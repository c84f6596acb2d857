"""Classification by content, header summaries and night-log dates."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from arcsecond_plugins.upload.classify import Kind, classify
from arcsecond_plugins.upload.headers import (
    Site,
    night_log_date,
    observation_time,
    parse_utc,
    summarize,
)

from .samples import write_fits, write_xisf


@pytest.mark.parametrize("compression", [None, "gzip", "bzip2", "zip"])
def test_fits_by_content_whatever_the_name(tmp_path: Path, compression: str | None) -> None:
    path = write_fits(tmp_path / "misleading.txt", compression)
    assert classify(path) == Kind("fits", compression)


def test_xisf_and_others(tmp_path: Path) -> None:
    assert classify(write_xisf(tmp_path / "a.bin")) == Kind("xisf")
    assert classify(write_xisf(tmp_path / "b.gz", "gzip")) == Kind("xisf", "gzip")
    other = tmp_path / "fake.fits"
    other.write_bytes(b"not a fits file at all")
    assert classify(other) == Kind("other")
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"\x1f\x8b\x08garbage")
    assert classify(broken) == Kind("other", "gzip")
    assert Kind("fits", "gzip").label() == "FITS (gzip)"
    assert Kind().label() == "other"


@pytest.mark.parametrize("compression", [None, "gzip", "bzip2", "zip"])
def test_fits_summary(tmp_path: Path, compression: str | None) -> None:
    path = write_fits(tmp_path / "x.fits", compression, date_obs="2024-05-02T03:00:00",
                      target="NGC 7000", imagetyp="Light")
    summary = summarize(path, classify(path), None)
    assert (summary.date_obs, summary.object, summary.imagetyp) == (
        "2024-05-02T03:00:00", "NGC 7000", "Light")
    assert summary.night_log == "2024-05-01"


@pytest.mark.parametrize("use_properties", [False, True])
def test_xisf_summary(tmp_path: Path, use_properties: bool) -> None:
    path = write_xisf(tmp_path / "x.xisf", date_obs="2024-05-02T13:00:00", target="M42",
                      imagetyp="Dark", use_properties=use_properties)
    summary = summarize(path, classify(path), None)
    assert summary.object == "M42" and summary.imagetyp == "Dark"
    assert summary.night_log == "2024-05-02"
    assert summary.date_obs.startswith("2024-05-02T13:00:00")


def test_summary_of_broken_or_other_files(tmp_path: Path) -> None:
    truncated = tmp_path / "t.fits"
    truncated.write_bytes(b"SIMPLE  =                    T" + b" " * 50)
    summary = summarize(truncated, classify(truncated), None)
    assert summary.error and summary.date_obs is None
    assert summarize(truncated, Kind("other"), None).error is None


def test_astropy_is_imported_only_for_headers() -> None:
    import subprocess

    code = ("import sys, arcsecond_plugins.upload.command, arcsecond_plugins.upload.job,"
            " arcsecond_plugins.upload.transfer; print('astropy' in sys.modules,"
            " 'tqdm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_parse_dates() -> None:
    utc = dt.timezone.utc
    assert parse_utc("2024-05-01T22:10:05.5") == dt.datetime(2024, 5, 1, 22, 10, 5, 500000, utc)
    assert parse_utc("2024-05-01T22:10:05Z") == dt.datetime(2024, 5, 1, 22, 10, 5, tzinfo=utc)
    assert parse_utc("2024-05-01T22:10+02:00") == dt.datetime(2024, 5, 1, 20, 10, tzinfo=utc)
    assert parse_utc("2024-05-01", "03:04:05") == dt.datetime(2024, 5, 1, 3, 4, 5, tzinfo=utc)
    assert parse_utc("yesterday") is None and parse_utc(12) is None
    assert observation_time({"MJD-OBS": 60431.5}) == dt.datetime(2024, 5, 1, 12, tzinfo=utc)
    assert observation_time({"DATE_OBS": "2024-05-01T01:00:00"}).hour == 1


def test_night_log_dates_noon_to_noon() -> None:
    when = dt.datetime(2024, 5, 2, 3, 0, tzinfo=dt.timezone.utc)
    assert night_log_date(when, None) == "2024-05-01"
    assert night_log_date(dt.datetime(2024, 5, 2, 12, 0, tzinfo=dt.timezone.utc), None) == \
        "2024-05-02"
    # Chile: UTC-4 in May; 03:00 UTC is 23:00 local on the 1st.
    assert night_log_date(when, Site("America/Santiago", -70.7)) == "2024-05-01"
    # Japan: 03:00 UTC is 12:00 local on the 2nd, a new night.
    assert night_log_date(when, Site("Asia/Tokyo", 139.7)) == "2024-05-02"
    # No time zone: mean solar time from the longitude (+135 deg = +9 h).
    assert night_log_date(when, Site(None, 135.0)) == "2024-05-02"
    assert night_log_date(when, Site(None, 134.0)) == "2024-05-01"
    # An unknown zone falls back to the longitude.
    assert night_log_date(when, Site("Mars/Olympus", 135.0)) == "2024-05-02"

"""Classification by content, header summaries and night-log dates."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from arcsecond_plugins.upload.classify import Kind, classify
from arcsecond_plugins.upload.headers import night_log_date, summarize

from arcsecond_core.frames import observation_time, parse_utc
from arcsecond_core.nights import Site

from .samples import corrupt_archives, write_fits, write_fpack, write_xisf


@pytest.mark.parametrize("compression", [None, "gzip", "bzip2", "zip"])
def test_fits_by_content_whatever_the_name(tmp_path: Path, compression: str | None) -> None:
    path = write_fits(tmp_path / "misleading.txt", compression)
    assert classify(path) == Kind("fits", compression)


def test_xisf_and_others(tmp_path: Path) -> None:
    assert classify(write_xisf(tmp_path / "a.bin")) == Kind("xisf")
    assert classify(write_xisf(tmp_path / "b.gz", "gzip")) == Kind("xisf", "gzip")
    other = tmp_path / "notes.dat"
    other.write_bytes(b"not a fits file at all")
    assert classify(other) == Kind("other")
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"\x1f\x8b\x08garbage")
    assert classify(broken) == Kind("other", "gzip") and "unreadable" in str(classify(broken).error)


def test_the_extension_decides_when_the_content_says_nothing(tmp_path: Path) -> None:
    """Content first, then the extension's MIME type: as the server records it."""
    fake = tmp_path / "broken.fits"
    fake.write_bytes(b"not a fits file at all")
    assert classify(fake) == Kind("fits")
    assert summarize(fake, classify(fake), None).error == "headers unreadable (not a FITS file)"
    assert classify(fake, "renamed.txt") == Kind("other")
    (tmp_path / "x.xisf").write_bytes(b"garbage")
    assert classify(tmp_path / "x.xisf") == Kind("xisf")
    (tmp_path / "y.fits.fz").write_bytes(b"garbage")
    assert classify(tmp_path / "y.fits.fz") == Kind("fits", "fpack")


def test_fpack_headers_come_from_the_compressed_image(tmp_path: Path) -> None:
    path = write_fpack(tmp_path / "f.fits.fz", date_obs="2024-05-02T03:00:00", target="NGC 1",
                       imagetyp="Light")
    assert classify(path) == Kind("fits", "fpack")
    assert Kind("fits", "fpack").label() == "FITS (fpack)"
    summary = summarize(path, classify(path), None)
    assert (summary.date_obs, summary.object, summary.imagetyp, summary.night_log) == (
        "2024-05-02T03:00:00", "NGC 1", "Light", "2024-05-01")


def test_corrupt_archives_and_fits_are_described_never_raised(tmp_path: Path) -> None:
    files = corrupt_archives(tmp_path)
    kinds = {name: classify(path) for name, path in files.items()}
    assert kinds == {
        "cut.fits.gz": Kind("fits", "gzip"), "garbled.fits.gz": Kind("fits", "gzip"),
        "cut.fits.bz2": Kind("fits", "bzip2"), "cut.fits.zip": Kind("fits", "zip"),
        "truncated.fits": Kind("fits"), "bad-cards.fits": Kind("fits"),
    }
    summaries = {name: summarize(path, kinds[name], None) for name, path in files.items()}
    for name in ("garbled.fits.gz", "cut.fits.bz2", "cut.fits.zip", "truncated.fits"):
        assert summaries[name].error.startswith("headers unreadable"), name
        assert summaries[name].date_obs is None
    # The cards that are valid are still read (the broken ones are skipped).
    assert summaries["bad-cards.fits"].object == "M31"
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

    code = ("import sys, arcsecond_plugins.upload.command, arcsecond_plugins.upload.plan,"
            " arcsecond_plugins.upload.execute, arcsecond_plugins.upload.summary,"
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

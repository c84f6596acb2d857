"""Observation files by content: compression, FITS and XISF headers, observation dates."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from arcsecond_core import filetypes, frames

UTC = dt.timezone.utc


def fits_bytes(cards: dict[str, object], extra_cards: int = 0) -> bytes:
    """A real FITS file written by astropy, with ``extra_cards`` filler cards to lengthen the header."""
    import numpy as np
    from astropy.io import fits

    header = fits.Header()
    for key, value in cards.items():
        header[key] = value
    for i in range(extra_cards):
        header[f"FILL{i}"] = i
    buffer = io.BytesIO()
    fits.PrimaryHDU(np.zeros((4, 4), dtype=np.int16), header=header).writeto(buffer)
    return buffer.getvalue()


def xisf_bytes(elements: str, pad: bytes = b"") -> bytes:
    """A monolithic XISF file with ``elements`` inside its Image element (pixels attached after)."""
    pixels = bytes(4)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><xisf version="1.0" xmlns="http://www.pixinsight.com/xisf">'
        f'<Image geometry="2:2:1" sampleFormat="UInt8" colorSpace="Gray" location="attachment:0:4">'
        f"{elements}</Image></xisf>"
    ).encode() + pad
    return b"XISF0100" + struct.pack("<I", len(xml)) + bytes(4) + xml + pixels


def keyword(name: str, value: str) -> str:
    return f'<FITSKeyword name="{name}" value="{value}" comment=""/>'


def wrap(raw: bytes, compression: str | None, member: str = "inner.fits") -> bytes:
    if compression == "gzip":
        return gzip.compress(raw)
    if compression == "bzip2":
        return bz2.compress(raw)
    if compression == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(member, raw)
        return buffer.getvalue()
    return raw


def headers_of(path: Path, compression: str | None) -> tuple[str, dict[str, object]]:
    """The content type and headers that uploads and the server read (``filetypes.inspect``)."""
    info = filetypes.inspect(path)
    assert (info.compression, info.error) == (compression, None), info
    return info.file_type, info.headers or {}


LIGHT = {"DATE-OBS": "2024-05-01T22:10:05.5", "OBJECT": "M 31 ", "EXPTIME": 30.0, "GAIN": 100,
         "FLIPPED": True}


@pytest.mark.parametrize("compression", [None, "gzip", "bzip2", "zip"])
def test_compression_and_content_by_magic_bytes(tmp_path: Path, compression: str | None) -> None:
    raw = fits_bytes(LIGHT)
    path = tmp_path / "misleading.txt"
    path.write_bytes(wrap(raw, compression))
    assert frames.compression_of(path.read_bytes()[: frames.PROBE_BYTES]) == compression
    with frames.opened(path, compression) as (stream, _):
        assert stream.read() == raw
    file_type, headers = headers_of(path, compression)
    assert file_type == "fits"
    assert headers["DATE-OBS"] == LIGHT["DATE-OBS"] and headers["OBJECT"] == "M 31"
    assert headers["EXPTIME"] == 30.0 and headers["GAIN"] == 100 and headers["FLIPPED"] is True


def test_content_types() -> None:
    assert frames.content_type(fits_bytes({})[:16]) == "fits"
    assert frames.content_type(xisf_bytes("")[:16]) == "xisf"
    assert frames.content_type(b"SIMPLE =  T") == "other"
    assert frames.content_type(b"") == "other" and frames.compression_of(b"") is None
    assert frames.compression_of(b"PK\x05\x06") is None  # an empty zip's end record, not a member


@pytest.mark.parametrize(("name", "compression", "inner"), [
    ("a.fits.gz", "gzip", "a.fits"), ("a.fits.GZIP", "gzip", "a.fits"),
    ("a.fts.bz2", "bzip2", "a.fts"), ("a.fts.bzip2", "bzip2", "a.fts"),
    ("a.fits.gz", "bzip2", "a.fits.gz"), ("a.fits", None, "a.fits"), (".gz", "gzip", ".gz"),
])
def test_inner_names(tmp_path: Path, name: str, compression: str | None, inner: str) -> None:
    assert frames.inner_name(name, compression) == inner
    path = tmp_path / "stored"
    path.write_bytes(wrap(b"content", compression))
    with frames.opened(path, compression, name) as (stream, inside):
        assert inside == inner and stream.read() == b"content"


def test_zip_yields_its_first_file_member(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sub/", b"")
        archive.writestr("sub/frame.xisf", b"first")
        archive.writestr("other.fits", b"second")
    path = tmp_path / "a.zip"
    path.write_bytes(buffer.getvalue())
    with frames.opened(path, "zip", "a.zip") as (stream, inside):
        assert (inside, stream.read()) == ("sub/frame.xisf", b"first")
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("only/", b"")
    with pytest.raises(zipfile.BadZipFile), frames.opened(empty, "zip"):
        pass


def test_read_exactly_gathers_short_reads() -> None:
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            size = min(3, len(buffer))
            piece, self.data = self.data[:size], self.data[size:]
            buffer[: len(piece)] = piece
            return len(piece)

    stream = Trickle(bytes(range(20)))
    assert frames.read_exactly(stream, 10) == bytes(range(10))  # type: ignore[arg-type]
    assert frames.read_exactly(stream, 50) == bytes(range(10, 20))  # type: ignore[arg-type]


def test_fits_header_over_several_blocks() -> None:
    raw = fits_bytes(LIGHT, extra_cards=100)
    assert raw.index(b"END     ") > frames.FITS_BLOCK
    headers = frames.fits_layout(io.BytesIO(raw)).headers()
    assert headers["FILL99"] == 99 and headers["OBJECT"] == "M 31"
    stream = io.BytesIO(raw)
    start = stream.read(5)
    assert frames.fits_layout(stream, start).headers() == headers


@pytest.mark.parametrize("content", [
    b"SIMPLE  =                    T" + b" " * 50,
    b"SIMPLE  =                    T / no END" + b"x" * 3000,
    "cut inside the second block",
    "cut after the END card",
    b"not a FITS file" + b" " * 3000,
])
def test_truncated_or_corrupt_fits_header(content: bytes | str) -> None:
    if isinstance(content, str):
        raw = fits_bytes(LIGHT, extra_cards=100)
        end = raw.index(b"END     ") + 80 if "END" in content else frames.FITS_BLOCK + 1000
        content = raw[:end]
    with pytest.raises(ValueError):
        frames.fits_layout(io.BytesIO(content)).headers()


def test_fits_header_without_end_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frames, "MAX_HEADER_BYTES", 3 * frames.FITS_BLOCK)
    cards = b"SIMPLE  =                    T".ljust(80) + b"COMMENT x".ljust(80) * 200
    stream = io.BytesIO(cards)
    with pytest.raises(ValueError, match="without END"):
        frames.fits_layout(stream).headers()
    assert stream.tell() == 3 * frames.FITS_BLOCK


def test_xisf_keywords_and_properties(tmp_path: Path) -> None:
    elements = (
        '<Property id="Observation:Object:Name" type="String">  NGC 7000 </Property>'
        '<Property id="Observation:Time:Start" type="TimeStamp" value="2024-05-01T23:00:00Z"/>'
        '<Property id="Instrument:ExposureTime" type="Float32" value="300"/>'
        '<Property id="Unrelated:Thing" type="String" value="ignored"/>'
        + keyword("DATE-OBS", "'2024-05-01T22:00:00'") + keyword("imagetyp", "'Light ''A'''")
        + keyword("GAIN", "120") + keyword("CCD-TEMP", "-10.5") + keyword("FLIPPED", "F")
        + keyword("GAIN", "999")
    )
    raw = xisf_bytes(elements, pad=b"\0\0  ")
    path = tmp_path / "frame.xisf.gz"
    path.write_bytes(gzip.compress(raw))
    file_type, headers = headers_of(path, "gzip")
    assert file_type == "xisf"
    assert headers["DATE-OBS"] == "2024-05-01T22:00:00"  # a FITS keyword wins over a Property
    assert headers["OBJECT"] == "NGC 7000" and headers["EXPTIME"] == "300"
    assert headers["IMAGETYP"] == "Light 'A'" and headers["GAIN"] == 120
    assert headers["CCD-TEMP"] == -10.5 and headers["FLIPPED"] is False
    assert "UNRELATED:THING" not in headers and "Unrelated:Thing" not in headers


@pytest.mark.parametrize("damage", ["cut", "length", "zero", "xml", "signature"])
def test_truncated_or_corrupt_xisf_header(damage: str) -> None:
    raw = xisf_bytes(keyword("OBJECT", "'M42'"))
    if damage == "cut":
        raw = raw[:60]
    elif damage == "length":
        raw = raw[:8] + struct.pack("<I", frames.MAX_HEADER_BYTES + 1) + raw[12:]
    elif damage == "zero":
        raw = raw[:8] + struct.pack("<I", 0) + raw[12:]
    elif damage == "xml":
        raw = raw.replace(b"</Image>", b"</Imag>")
    else:
        raw = b"XISF0200" + raw[8:]
    with pytest.raises(ValueError):
        frames.read_xisf_header(io.BytesIO(raw))


def test_other_content_has_no_headers(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello")
    assert filetypes.inspect(path) == filetypes.FileInfo("other")
    assert filetypes.inspect(path).headers is None


@pytest.mark.parametrize("compression", ["gzip", "bzip2", "zip"])
def test_corrupt_archives_fail_when_read(tmp_path: Path, compression: str) -> None:
    packed = wrap(fits_bytes(LIGHT), compression)
    path = tmp_path / "cut"
    path.write_bytes(packed[: len(packed) // 3])
    with pytest.raises((OSError, EOFError, ValueError, zipfile.BadZipFile)), \
            frames.opened(path, compression) as (stream, _):
        stream.read()


def test_first_skips_missing_and_empty_values() -> None:
    headers = {"OBJECT": "", "OBJNAME": None, "TARGET": "M1", "ZERO": 0}
    assert frames.first(headers, *frames.OBJECT_KEYS) == "M1"
    assert frames.first(headers, "ZERO", "TARGET") == 0
    assert frames.first(headers, "NOPE") is None and frames.first(headers) is None


@pytest.mark.parametrize(("text", "time_of_day", "expected"), [
    ("2024-05-01T22:10:05.5", None, dt.datetime(2024, 5, 1, 22, 10, 5, 500000, UTC)),
    (" 2024-05-01T22:10:05Z ", None, dt.datetime(2024, 5, 1, 22, 10, 5, tzinfo=UTC)),
    ("2024-05-01 22:10", None, dt.datetime(2024, 5, 1, 22, 10, tzinfo=UTC)),
    ("2024-05-01T22:10+02:00", None, dt.datetime(2024, 5, 1, 20, 10, tzinfo=UTC)),
    ("2024-05-01T01:10:00-0330", None, dt.datetime(2024, 5, 1, 4, 40, tzinfo=UTC)),
    ("2024-5-1T3:04:05.", None, dt.datetime(2024, 5, 1, 3, 4, 5, tzinfo=UTC)),
    ("2024-05-01", "03:04:05.25", dt.datetime(2024, 5, 1, 3, 4, 5, 250000, UTC)),
    ("2024-05-01", "later", dt.datetime(2024, 5, 1, tzinfo=UTC)),
    ("2024-05-01T22:00:00", "03:04:05", dt.datetime(2024, 5, 1, 22, tzinfo=UTC)),
    ("2024-02-30T00:00:00", None, None),
    ("01/05/2024", None, None),
    ("yesterday", None, None),
    (60431.5, None, None),
])
def test_parse_utc(text: object, time_of_day: str | None, expected: dt.datetime | None) -> None:
    assert frames.parse_utc(text, time_of_day) == expected


def test_observation_time_keys_and_mjd() -> None:
    assert frames.observation_time({"DATE-OBS": "2024-07-01", "TIME-OBS": "13:30:00"}) == \
        dt.datetime(2024, 7, 1, 13, 30, tzinfo=UTC)
    assert frames.observation_time({"DATE_OBS": "2024-07-01", "UT": "", "UTSTART": "01:02"}) == \
        dt.datetime(2024, 7, 1, 1, 2, tzinfo=UTC)
    assert frames.observation_time({"DATE-OBS": "bad", "DATE-BEG": "2024-07-02T00:00:00"}) == \
        dt.datetime(2024, 7, 2, tzinfo=UTC)
    mjd = 60000.75
    assert frames.observation_time({"MJD-OBS": mjd}) == frames.MJD_EPOCH + dt.timedelta(days=mjd)
    assert frames.observation_time({"MJD-OBS": mjd}) == dt.datetime(2023, 2, 25, 18, tzinfo=UTC)
    assert frames.observation_time({"DATE-OBS": "2024-07-01T00:00:00", "MJD-OBS": mjd}).year == 2024
    assert frames.observation_time({"MJD-OBS": True}) is None
    assert frames.observation_time({"MJD-OBS": -1.0}) is None
    assert frames.observation_time({}) is None


def test_observation_time_of_a_real_fits_header() -> None:
    raw = fits_bytes({"DATE-OBS": "2024-07-01", "TIME-OBS": "13:30:00"})
    headers = frames.fits_layout(io.BytesIO(raw)).headers()
    assert frames.observation_time(headers) == dt.datetime(2024, 7, 1, 13, 30, tzinfo=UTC)


def test_importing_frames_does_not_import_astropy() -> None:
    code = "import sys, arcsecond_core.frames; print('astropy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

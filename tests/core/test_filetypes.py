"""One rule for what a file is (content, then the extension), the HDU that describes a FITS
frame, and file names in multipart bodies."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from arcsecond_core import filetypes, formnames, frames


def hdus_bytes(*hdus: fits.hdu.base.ExtensionHDU) -> bytes:
    buffer = io.BytesIO()
    fits.HDUList(list(hdus)).writeto(buffer)
    return buffer.getvalue()


IMAGE = np.arange(16, dtype=np.int16).reshape(4, 4)


def test_the_frame_is_the_first_hdu_with_data_or_a_date() -> None:
    dated = fits.Header({"DATE-OBS": "2024-01-02T03:04:05", "OBJECT": "ext"})
    cases = {
        "primary with data": ([fits.PrimaryHDU(IMAGE, fits.Header({"OBJECT": "p"}))], "p"),
        "empty primary, image extension": (
            [fits.PrimaryHDU(header=fits.Header({"OBJECT": "p", "OBSERVER": "o"})),
             fits.ImageHDU(IMAGE, dated)], "ext"),
        "dated primary without data": (
            [fits.PrimaryHDU(header=fits.Header({"DATE-OBS": "2024-01-01", "OBJECT": "p"})),
             fits.ImageHDU(IMAGE, dated)], "p"),
        "fpack": ([fits.PrimaryHDU(), fits.CompImageHDU(IMAGE, dated)], "ext"),
        "nothing after an empty primary": ([fits.PrimaryHDU(header=fits.Header(
            {"OBJECT": "p"}))], "p"),
    }
    for label, (hdus, target) in cases.items():
        headers = frames.fits_layout(io.BytesIO(hdus_bytes(*hdus))).headers()
        assert headers["OBJECT"] == target, label
    extension = hdus_bytes(*cases["empty primary, image extension"][0])
    merged = frames.fits_layout(io.BytesIO(extension)).headers()
    assert merged["OBSERVER"] == "o" and merged["DATE-OBS"] == "2024-01-02T03:04:05"
    layout = frames.fits_layout(io.BytesIO(hdus_bytes(*cases["fpack"][0])))
    assert layout.tile_compressed and layout.frame is not None
    assert not frames.fits_layout(io.BytesIO(extension)).tile_compressed


def test_content_first_then_the_extension(tmp_path: Path) -> None:
    plain = tmp_path / "data.bin"
    plain.write_bytes(hdus_bytes(fits.PrimaryHDU(IMAGE)))
    assert filetypes.inspect(plain) == filetypes.FileInfo("fits")
    assert filetypes.inspect(plain, "named.txt").file_type == "fits"
    text = tmp_path / "t"
    text.write_text("hello")
    expected = {"x.fits": "fits", "x.FTS": "fits", "x.pha": "fits", "x.xisf": "xisf",
                "x.txt": "other", "noext": "other"}
    assert {name: filetypes.inspect(text, name).file_type for name in expected} == expected
    assert filetypes.inspect(text, "x.dat", "image/fits").file_type == "fits"
    assert filetypes.inspect(text, "x.fits").error == "unreadable (not a FITS file)"
    assert filetypes.inspect(tmp_path / "gone.fits").error.startswith("cannot read")


@pytest.mark.parametrize(("sent", "name"), [
    ('form-data; name="file"; filename="a%5Cb%25%22%0A.fits"', 'a\\b%"\n.fits'),
    ('form-data; name="file"; filename="a\\b.fits"', "a\\b.fits"),  # urllib3 2.x, browsers
    ('form-data; name="file"; filename="a%22b%0Ac.fits"', 'a"b\nc.fits'),  # HTML form rules
    ('form-data; name="file"; filename="a\\"b.fits"', 'a"b.fits'),  # a quoted pair
    ('form-data; name="file"; filename="50%.fits"', "50%.fits"),
    ('form-data; name="file"; filename="%41.fits"', "%41.fits"),  # not an escape of ours
    ('form-data; filename="x;y.fits"; name="file"', "x;y.fits"),
    ("form-data; name=file; filename=plain.fits", "plain.fits"),
])
def test_filename_parameter(sent: str, name: str) -> None:
    assert formnames.filename_parameter(sent) == name


def test_every_name_round_trips() -> None:
    for name in ("a\\b", "new\nline", 'q"uote', "100%", "%22", "été ✶", " x ", "\t\r"):
        assert formnames.filename_parameter(formnames.content_disposition("file", name)) == name
    assert formnames.filename_parameter('form-data; name="file"') is None
    assert formnames.encode_filename("plain name.fits") == "plain name.fits"


def test_name_problems() -> None:
    assert formnames.name_problem("x.fits") is None
    assert formnames.name_problem("é" * 127) is None
    assert "at most 255 bytes" in str(formnames.name_problem("é" * 128))
    assert formnames.name_problem("") == "The submitted file has no name."
    assert "not a valid file name" in str(formnames.name_problem(".."))

"""Sample observation files for the upload tests: FITS (astropy), compressed FITS, and XISF."""

from __future__ import annotations

import bz2
import gzip
import io
import struct
import zipfile
from pathlib import Path

XISF_NS = "http://www.pixinsight.com/xisf"


def fits_bytes(date_obs: str | None = "2024-05-01T22:00:00", target: str | None = "M31",
               imagetyp: str | None = "Light Frame", seed: int = 0, shape: tuple[int, int] = (8, 8)
               ) -> bytes:
    import numpy as np
    from astropy.io import fits

    header = fits.Header()
    if date_obs:
        header["DATE-OBS"] = date_obs
    if target:
        header["OBJECT"] = target
    if imagetyp:
        header["IMAGETYP"] = imagetyp
    data = (np.arange(shape[0] * shape[1], dtype=np.int32).reshape(shape) + seed).astype(np.int16)
    buffer = io.BytesIO()
    fits.PrimaryHDU(data, header=header).writeto(buffer)
    return buffer.getvalue()


def write_fits(path: Path, compression: str | None = None, **headers: object) -> Path:
    """A small FITS file, optionally gzip, bzip2 or zip compressed (by content, whatever name)."""
    raw = fits_bytes(**headers)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    if compression == "gzip":
        raw = gzip.compress(raw)
    elif compression == "bzip2":
        raw = bz2.compress(raw)
    elif compression == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(path.stem + ".fits", raw)
        raw = buffer.getvalue()
    path.write_bytes(raw)
    return path


def xisf_bytes(date_obs: str = "2024-05-02T03:30:00", target: str = "M42",
               imagetyp: str = "Dark Frame", use_properties: bool = False) -> bytes:
    """A valid monochrome 2x2 UInt16 XISF 1.0 file, its pixels attached after the header."""
    pixels = struct.pack("<4H", 1, 2, 3, 4)
    if use_properties:
        keywords = (
            f'<Property id="Observation:Time:Start" type="TimeStamp" value="{date_obs}Z"/>'
            f'<Property id="Observation:Object:Name" type="String">{target}</Property>'
            f'<FITSKeyword name="IMAGETYP" value="\'{imagetyp}\'" comment=""/>'
        )
    else:
        keywords = (
            f'<FITSKeyword name="DATE-OBS" value="\'{date_obs}\'" comment="start"/>'
            f'<FITSKeyword name="OBJECT" value="\'{target}\'" comment=""/>'
            f'<FITSKeyword name="IMAGETYP" value="\'{imagetyp}\'" comment=""/>'
        )

    def header(position: int) -> bytes:
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<xisf version="1.0" xmlns="{XISF_NS}">'
            f'<Image geometry="2:2:1" sampleFormat="UInt16" colorSpace="Gray" '
            f'location="attachment:{position:08d}:{len(pixels)}">{keywords}</Image>'
            '</xisf>'
        )
        return xml.encode()

    size = len(header(0))
    position = 16 + size
    xml = header(position)
    assert len(xml) == size
    return b"XISF0100" + struct.pack("<I", size) + b"\0" * 4 + xml + pixels


def write_xisf(path: Path, compression: str | None = None, **kwargs: object) -> Path:
    raw = xisf_bytes(**kwargs)  # type: ignore[arg-type]
    if compression == "gzip":
        raw = gzip.compress(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


def night_tree(root: Path) -> dict[str, Path]:
    """A night's folder: FITS, compressed FITS, XISF, other, hidden and empty files."""
    files = {
        "a.fits": write_fits(root / "a.fits", date_obs="2024-05-01T23:10:00", target="M31"),
        "b.fits": write_fits(root / "b.fits", date_obs="2024-05-02T02:00:00", target="M31",
                             seed=1),
        "flats/flat1.fit": write_fits(root / "flats" / "flat1.fit", target=None,
                                      imagetyp="Flat Field", seed=2),
        "c.fits.gz": write_fits(root / "c.fits.gz", "gzip", seed=3),
        "d.fits.bz2": write_fits(root / "d.fits.bz2", "bzip2", seed=4),
        "e.zip": write_fits(root / "e.zip", "zip", seed=5),
        "m42.xisf": write_xisf(root / "m42.xisf"),
        "deep/er/notes.txt": root / "deep" / "er" / "notes.txt",
    }
    files["deep/er/notes.txt"].parent.mkdir(parents=True, exist_ok=True)
    files["deep/er/notes.txt"].write_text("seeing 0.8 arcsec\n")
    (root / ".hidden.fits").write_bytes(fits_bytes(seed=9))
    (root / ".cache").mkdir(exist_ok=True)
    (root / ".cache" / "x.fits").write_bytes(fits_bytes(seed=10))
    (root / "empty.fits").write_bytes(b"")
    return files


def fpack_bytes(date_obs: str | None = "2024-05-01T22:00:00", target: str | None = "M31",
                imagetyp: str | None = "Light Frame", seed: int = 0,
                shape: tuple[int, int] = (16, 16)) -> bytes:
    """A tile-compressed (fpack) FITS file: an empty primary HDU, then a CompImageHDU that
    carries the frame's keywords, as astropy writes it."""
    import numpy as np
    from astropy.io import fits

    header = fits.Header()
    if date_obs:
        header["DATE-OBS"] = date_obs
    if target:
        header["OBJECT"] = target
    if imagetyp:
        header["IMAGETYP"] = imagetyp
    header["EXPTIME"] = 30.0
    data = (np.arange(shape[0] * shape[1], dtype=np.int32).reshape(shape) + seed).astype(np.int16)
    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, header=header)]).writeto(buffer)
    return buffer.getvalue()


def write_fpack(path: Path, **headers: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fpack_bytes(**headers))  # type: ignore[arg-type]
    return path


def corrupt_archives(root: Path) -> dict[str, Path]:
    """Broken inputs an observatory meets: a gzip, bzip2 and zip cut or garbled in the middle,
    a FITS file cut inside its header, and one whose cards are not valid FITS."""
    root.mkdir(parents=True, exist_ok=True)
    raw = fits_bytes(seed=7, shape=(64, 64))
    gz = gzip.compress(raw)
    bz = bz2.compress(raw)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("z.fits", raw)
    zipped = buffer.getvalue()
    bad_cards = bytearray(fits_bytes(seed=8))
    bad_cards[80:160] = b"DATE-OBS= 2024-05-01T22:00:00 \xff\xfe not quoted".ljust(80)
    bad_cards[160:240] = b"=== this is not a card ===".ljust(80)
    files = {
        "cut.fits.gz": gz[: len(gz) // 2],
        "garbled.fits.gz": gz[:20] + bytes(range(256)) * 4 + gz[20 + 1024:],
        "cut.fits.bz2": bz[: len(bz) // 2],
        "cut.fits.zip": zipped[: len(zipped) // 2],
        "truncated.fits": raw[:1000],
        "bad-cards.fits": bytes(bad_cards),
    }
    for name, content in files.items():
        (root / name).write_bytes(content)
    return {name: root / name for name in files}


def deep_tree(root: Path, depth: int) -> Path:
    """``root/d/d/.../d`` (``depth`` folders), made one level at a time (``mkdir -p`` and
    ``rmtree`` recurse); the deepest folder."""
    path = root
    for _ in range(depth):
        path = path / "d"
        path.mkdir()
    return path


def remove_deep_tree(root: Path, depth: int) -> None:
    """Remove what :func:`deep_tree` made, bottom up, with whatever its folders hold."""
    folders = [root]
    for _ in range(depth):
        folders.append(folders[-1] / "d")
    for folder in reversed(folders[1:]):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for entry in folder.iterdir():
            if not entry.is_dir() or entry.is_symlink():
                entry.unlink()
        folder.rmdir()

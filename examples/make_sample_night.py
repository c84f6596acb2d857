"""Write a folder of small sample FITS files: one night of a telescope (bias, flats, science)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
from astropy.io import fits

FRAMES = (
    ("bias", "Bias Frame", None, 0.0),
    ("flat_V", "Flat Field", "V", 2.0),
    ("M31_V", "Light Frame", "V", 120.0),
    ("M31_R", "Light Frame", "R", 120.0),
    ("M42_V", "Light Frame", "V", 60.0),
)


def write_night(folder: Path, start: dt.datetime, repeats: int = 2) -> list[Path]:
    """Write ``repeats`` exposures of each frame kind into ``folder``, 10 minutes apart."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    written = []
    when = start
    for n in range(repeats):
        for stem, kind, band, exposure in FRAMES:
            header = fits.Header()
            header["DATE-OBS"] = when.strftime("%Y-%m-%dT%H:%M:%S")
            header["IMAGETYP"] = kind
            header["EXPTIME"] = exposure
            if band:
                header["FILTER"] = band
            if kind == "Light Frame":
                header["OBJECT"] = stem.split("_")[0]
            data = rng.normal(1000, 10, (64, 64)).astype(np.float32)
            path = folder / f"{stem}_{n + 1:03d}.fits"
            fits.PrimaryHDU(data=data, header=header).writeto(path, overwrite=True)
            written.append(path)
            when += dt.timedelta(minutes=10)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--start", default="2026-11-21T21:00:00", help="DATE-OBS of the first frame (UTC)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    paths = write_night(args.folder, dt.datetime.fromisoformat(args.start), args.repeats)
    print(f"wrote {len(paths)} FITS files to {args.folder}")


if __name__ == "__main__":
    main()

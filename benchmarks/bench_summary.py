"""``arcsecond night summary`` over a night of 1,000 2k x 2k int16 frames, a third fpack'd.

The floor is a bare astropy loop reading the same headers (``fits.getheader`` of each file: the
primary HDU, or the compressed image HDU of an fpack file), in a process of its own. Targets: at
most 2x the floor's time, with a peak resident memory under 150 MB. Only headers may be read:
decompressing the fpack'd images would take several times the floor.

The frames are made once into a cache folder. A plain frame is a real header followed by a
sparse data block (8 MB apparent, next to nothing on disk); an fpack'd frame is written by
astropy's ``CompImageHDU`` from a noisy image, so its tiles are real compressed data.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from arcsecond_core.testing import arcsecond_script
from benchmarks.bench_upload import PeakRss
from benchmarks.results import write_section

COUNT = 1000
SIDE = 2048
DATA = Path(tempfile.gettempdir()) / "arcsecond-bench-summary" / f"night-{COUNT}"
REPEAT = 3
TIME_RATIO = 2.0
RSS_LIMIT_MB = 150
FILTERS = ("B", "V", "R", "Ha")
TARGETS = ("M31", "M42", "NGC 7000")
#: The floor: astropy reading each file's frame header, nothing else.
FLOOR = (
    "import sys, os\n"
    "from astropy.io import fits\n"
    "folder = sys.argv[1]\n"
    "for name in sorted(os.listdir(folder)):\n"
    "    if not name.startswith('.'):\n"
    "        fits.getheader(os.path.join(folder, name), 1 if name.endswith('.fz') else 0)\n"
)


def cards(index: int) -> dict[str, object]:
    """The headers of frame ``index``: lights mostly, with bias, darks and flats."""
    kind = ("Light Frame", "Light Frame", "Light Frame", "Bias Frame", "Dark Frame",
            "Flat Field")[index % 6]
    minute = index % 600
    return {
        "IMAGETYP": kind, "OBJECT": TARGETS[index % 3], "FILTER": FILTERS[index % 4],
        "EXPTIME": (0.0, 30.0, 60.0, 120.0)[index % 4], "XBINNING": 1, "YBINNING": 1,
        "DATE-OBS": f"2024-03-10T{20 + minute // 120:02d}:{minute % 60:02d}:{index % 60:02d}",
    }


def write_plain(path: Path, index: int) -> None:
    """A 2k x 2k int16 frame: its header, then a sparse (all-zero) data block."""
    from astropy.io import fits

    header = fits.PrimaryHDU(np.zeros((1, 1), dtype=np.int16)).header
    header["NAXIS1"], header["NAXIS2"] = SIDE, SIDE
    header.update(cards(index))
    raw = header.tostring().encode("ascii")
    data_bytes = SIDE * SIDE * 2
    with open(path, "wb") as handle:
        handle.write(raw)
        handle.truncate(len(raw) + -(-data_bytes // 2880) * 2880)


def write_fpack(path: Path, index: int, image: np.ndarray) -> None:
    from astropy.io import fits

    header = fits.Header(cards(index))
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(image, header)]).writeto(path)


def night() -> Path:
    """The cached folder of frames, made once (a third fpack'd)."""
    marker = DATA / ".complete"
    if marker.exists():
        return DATA
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    rng = np.random.default_rng(0)
    image = (1000 + rng.normal(0, 20, (SIDE, SIDE))).astype(np.int16)
    for index in range(COUNT):
        if index % 3 == 2:
            write_fpack(DATA / f"frame{index:04d}.fits.fz", index, image)
        else:
            write_plain(DATA / f"frame{index:04d}.fits", index)
    marker.write_text(f"{COUNT} frames of {SIDE}x{SIDE} int16\n")
    return DATA


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process, which must succeed."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    peak = PeakRss(proc.pid)
    try:
        _, stderr = proc.communicate(timeout=600)
    finally:
        peak.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {stderr.strip()}")
    return time.perf_counter() - started, peak.kib / 1024


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_blocks * 512 for p in folder.iterdir()) / 1e6


def main() -> None:
    folder = night()
    env = {**os.environ, "ARCSECOND_CONFIG_DIR": tempfile.mkdtemp(prefix="bench-summary-")}
    ours_argv = [arcsecond_script(), "night", "summary", str(folder), "-f", "json"]
    floor_argv = [sys.executable, "-c", FLOOR, str(folder)]
    timed(ours_argv, env)  # warm the page cache and the bytecode
    timed(floor_argv, env)
    ours, floor = [], []
    for _ in range(REPEAT):
        ours.append(timed(ours_argv, env))
        floor.append(timed(floor_argv, env))
    ours_s = statistics.median(t for t, _ in ours)
    floor_s = statistics.median(t for t, _ in floor)
    ours_rss = max(rss for _, rss in ours)
    floor_rss = max(rss for _, rss in floor)
    ratio = ours_s / floor_s
    body = "\n".join([
        f"{COUNT} frames of {SIDE} x {SIDE} int16 ({COUNT // 3} fpack'd; "
        f"{disk_mb(folder):.0f} MB on disk, the plain frames sparse), median of {REPEAT} runs.",
        "",
        "| run | seconds | peak RSS |",
        "|---|---:|---:|",
        f"| `arcsecond night summary -f json` | {ours_s:.2f} | {ours_rss:.0f} MB |",
        f"| bare astropy `fits.getheader` loop | {floor_s:.2f} | {floor_rss:.0f} MB |",
        "",
        f"ours / floor: {ratio:.2f}x (target <= {TIME_RATIO:g}x): "
        f"{'met' if ratio <= TIME_RATIO else 'NOT met'}; our peak RSS {ours_rss:.0f} MB "
        f"(target < {RSS_LIMIT_MB} MB): {'met' if ours_rss < RSS_LIMIT_MB else 'NOT met'}",
    ])
    print(body)
    write_section("night summary", body)


if __name__ == "__main__":
    main()

"""Screenshots of the server's browser pages for the documentation (``docs/images/*.png``).

Run from a checkout with the ``server`` and ``test`` extras and Chromium installed::

    python docs/screenshots.py

It starts ``arcsecond server start`` on a temporary data directory, uploads one night of FITS
frames from a telescope in Haute-Provence, signs in through the sign-in page with headless
Chromium, and saves the dataset page and the night-log page.
"""

from __future__ import annotations

import gzip
import io
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import requests
from astropy.io import fits

from arcsecond_core.testing import ArcsecondServer, start_server
from arcsecond_core.testing_browser import chromium, missing

IMAGES = Path(__file__).resolve().parent / "images"
WIDTH = 1280
MAX_HEIGHT = 2400

#: (file name, OBJECT, IMAGETYP, FILTER, EXPTIME, DATE-OBS, compression)
NIGHT = [
    ("bias_001.fits", "", "Bias Frame", "", 0.0, "2024-08-10T19:02:11", None),
    ("bias_002.fits", "", "Bias Frame", "", 0.0, "2024-08-10T19:02:40", None),
    ("flat_Ha_001.fits", "", "Flat Field", "Ha", 2.5, "2024-08-10T19:31:05", None),
    ("flat_OIII_001.fits", "", "Flat Field", "OIII", 4.0, "2024-08-10T19:33:52", None),
    ("NGC7000_Ha_300s_001.fits.gz", "NGC 7000", "Light Frame", "Ha", 300.0, "2024-08-10T21:14:03", "gzip"),
    ("NGC7000_Ha_300s_002.fits.gz", "NGC 7000", "Light Frame", "Ha", 300.0, "2024-08-10T21:19:21", "gzip"),
    ("NGC7000_OIII_300s_001.fits.gz", "NGC 7000", "Light Frame", "OIII", 300.0, "2024-08-10T21:25:40",
     "gzip"),
    ("M31_L_120s_001.fits", "M 31", "Light Frame", "L", 120.0, "2024-08-11T01:02:19", None),
    ("M31_L_120s_002.fits", "M 31", "Light Frame", "L", 120.0, "2024-08-11T01:04:30", None),
    ("dark_300s_001.fits", "", "Dark Frame", "", 300.0, "2024-08-11T03:40:12", None),
    ("observing-notes.txt", None, None, None, None, None, None),
]


def frame(name: str, target: str, kind: str, band: str, exposure: float, date_obs: str,
          compression: str | None) -> bytes:
    """A FITS frame with a plausible header (gzip'd when ``compression`` says so)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))  # the same pixels every run
    data = rng.normal(1000, 30, (384, 384)).astype(np.int16)
    header = fits.Header()
    for key, value in (("OBJECT", target), ("IMAGETYP", kind), ("FILTER", band),
                       ("EXPTIME", exposure), ("DATE-OBS", date_obs), ("TELESCOP", "T120")):
        if value != "":
            header[key] = value
    buffer = io.BytesIO()
    fits.PrimaryHDU(data, header=header).writeto(buffer)
    return gzip.compress(buffer.getvalue(), mtime=0) if compression == "gzip" else buffer.getvalue()


def populate(server: ArcsecondServer) -> tuple[str, dict, str, str]:
    """The demo night on the server; returns the access key, the dataset and night log uuids."""
    user = server.add_user("astrid")
    site = server.admin("addsite", "Haute-Provence", "--longitude", "5.71", "--latitude", "43.93",
                        "--height", "650", "--time-zone", "Europe/Paris")
    telescope = server.admin("addtelescope", "T120", "--site", site["uuid"], "--owner", "astrid")
    headers = server.headers(user["access_key"])
    dataset = requests.post(server.endpoint("datasets/"), headers=headers, timeout=30, json={
        "name": "NGC 7000 — North America Nebula", "telescope": telescope["uuid"],
        "tags": ["narrowband", "2024"]}).json()
    night_log = None
    for name, *cards in NIGHT:
        content = (b"Seeing 2.1 arcsec, thin cirrus after 02:00.\n" if cards[0] is None
                   else frame(name, *cards))
        answer = requests.post(server.endpoint("datafiles/"), headers=headers, timeout=60,
                               data={"dataset": dataset["uuid"], "is_raw": "True"},
                               files={"file": (name, content)})
        answer.raise_for_status()
        night_log = night_log or answer.json()["night_log"]
    return user["access_key"], dataset, dataset["uuid"], str(night_log)


def shoot(driver: Any, url: str, target: Path) -> None:
    """A screenshot of the whole page at ``url`` (the window grown to the page's height)."""
    driver.get(url)
    height = min(driver.execute_script("return document.documentElement.scrollHeight") + 24, MAX_HEIGHT)
    driver.set_window_size(WIDTH, height)
    shortfall = height - driver.execute_script("return window.innerHeight")
    if shortfall > 0:  # the window's own frame takes part of its height
        driver.set_window_size(WIDTH, height + shortfall)
    driver.save_screenshot(str(target))
    print(f"wrote {target}")


def main() -> int:
    reason = missing()
    if reason is not None:
        print(f"cannot take screenshots: {reason}", file=sys.stderr)
        return 1
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        server = start_server(Path(work) / "data")
        try:
            key, _dataset, dataset_uuid, night_log = populate(server)
            with chromium(WIDTH, 900) as driver:
                driver.get(server.endpoint("web/sign-in/"))
                driver.find_element(By.ID, "key").send_keys(key)
                driver.find_element(By.ID, "sign-in").click()
                WebDriverWait(driver, 30).until(
                    expected_conditions.presence_of_element_located((By.LINK_TEXT, "Sign out")))
                shoot(driver, server.endpoint(f"datasets/{dataset_uuid}/"), IMAGES / "dataset-page.png")
                shoot(driver, server.endpoint(f"nightlogs/{night_log}/"), IMAGES / "nightlog-page.png")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

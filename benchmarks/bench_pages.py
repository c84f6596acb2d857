"""Browser pages: how long a dataset page of N files takes, beside the JSON list of the same files.

The server renders the page from its own JSON handlers, so the JSON list of the dataset's files
(one request, ``page_size=1000``) is the floor. With Chromium installed, the time for a headless
browser to load and lay out the page of 300 files is measured too.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from arcsecond_core.testing import ArcsecondServer, start_server
from arcsecond_core.testing_browser import chromium, missing
from benchmarks.results import median_seconds, write_section

SIZES = (300, 1000)
REPEAT = 9
BROWSER_REPEAT = 5
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FITS_EVERY = 10  # one file in ten is a FITS frame with an object and a night


def fits_bytes(index: int) -> bytes:
    cards = ["SIMPLE  =                    T", "BITPIX  =                    8",
             "NAXIS   =                    0", f"DATE-OBS= '2024-03-10T{index % 24:02d}:30:00'",
             f"OBJECT  = 'NGC {index}'", "END"]
    header = "".join(card.ljust(80) for card in cards)
    return header.ljust(2880).encode()


def make_dataset(server: ArcsecondServer, key: str, files: int) -> str:
    headers = server.headers(key)
    dataset = requests.post(server.endpoint("datasets/"), json={"name": f"bench-{uuid.uuid4().hex[:6]}"},
                            headers=headers, timeout=30).json()["uuid"]

    def upload(index: int) -> None:
        fits = index % FITS_EVERY == 0
        name = f"frame-{index:05d}.fits" if fits else f"file-{index:05d}.txt"
        content = fits_bytes(index) if fits else b"x" * 2048
        answer = requests.post(server.endpoint("datafiles/"), headers=headers, timeout=60,
                               data={"dataset": dataset, "is_raw": "True"},
                               files={"file": (name, content)})
        answer.raise_for_status()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(upload, range(files)))
    return dataset


def main() -> None:
    rows = []
    browser_line = f"Browser load of the 300-file page: not measured ({missing()})."
    with tempfile.TemporaryDirectory() as work:
        server = start_server(Path(work) / "data")
        try:
            user = server.add_user("bench")
            key = user["access_key"]
            datasets = {size: make_dataset(server, key, size) for size in SIZES}
            session = requests.Session()
            session.headers.update(server.headers(key))
            for size, dataset in datasets.items():
                page_url = server.endpoint(f"datasets/{dataset}/")
                json_url = server.endpoint(f"datafiles/?dataset={dataset}&page_size=1000")

                def page(url: str = page_url, size: int = size) -> None:
                    answer = session.get(url, headers=HTML, timeout=60)
                    assert answer.status_code == 200 and answer.text.count("<tr data-id=") == size

                def listing(url: str = json_url, size: int = size) -> None:
                    assert len(session.get(url, timeout=60).json()["results"]) == size

                html_s, json_s = median_seconds(page, REPEAT), median_seconds(listing, REPEAT)
                rows.append(f"| {size:,} | {html_s * 1000:.0f} | {json_s * 1000:.0f} | "
                            f"{html_s / json_s:.1f}x |")
            if missing() is None:
                browser_line = browser_time(server, key, datasets[300])
        finally:
            server.stop()
    body = (
        "`GET datasets/<uuid>/` with a browser's `Accept` (the page with every file's name, size,"
        " type, DATE-OBS, object and night log) against the JSON list of the same files, on"
        f" `arcsecond server start` at 127.0.0.1; medians of {REPEAT} requests after a warm-up,"
        f" one file in {FITS_EVERY} a FITS frame.\n\n"
        "| files | HTML page (ms) | JSON list (ms) | page / list |\n| ---: | ---: | ---: | ---: |\n"
        + "\n".join(rows) + f"\n\n{browser_line}\n"
    )
    write_section("pages", body)
    print(body)


def browser_time(server: ArcsecondServer, key: str, dataset: str) -> str:
    """Median time for headless Chromium to load the page of 300 files (signed in)."""
    from selenium.webdriver.common.by import By

    with chromium() as driver:
        driver.get(server.endpoint("web/sign-in/"))
        driver.find_element(By.ID, "key").send_keys(key)
        driver.find_element(By.ID, "sign-in").click()
        url = server.endpoint(f"datasets/{dataset}/")
        samples = []
        for _ in range(BROWSER_REPEAT + 1):
            started = time.perf_counter()
            driver.get(url)
            samples.append(time.perf_counter() - started)
            assert len(driver.find_elements(By.CSS_SELECTOR, "#datafiles tbody tr")) == 300
    median = statistics.median(samples[1:])
    return (f"Headless Chromium, signed in, loads and lays out the 300-file page in {median * 1000:.0f} ms"
            f" (median of {BROWSER_REPEAT} after a warm-up; the test allows 10 s).")

"""A real browser (headless Chromium) signs in through the page and reads a dataset of 300 files."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from arcsecond_core.testing import ArcsecondServer, start_server
from arcsecond_core.testing_browser import chromium, missing

from .conftest import Api, fits_bytes, new_user

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no browser here: {missing()}")

FILES = 300
#: What "a reasonable time" means for a page of 300 files, loaded and laid out by the browser.
PAGE_BUDGET_SECONDS = 10.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArcsecondServer]:
    running = start_server(tmp_path_factory.mktemp("browser-data"))
    try:
        yield running
    finally:
        code = running.stop()
    assert code == 0, running.stderr()


@pytest.fixture(scope="module")
def dataset(server: ArcsecondServer) -> dict[str, Any]:
    """A user and a dataset of 300 files: a few FITS frames of a night, the rest other files."""
    user, api = new_user(server)
    data = api.dataset(f"Orion <M 42> {uuid.uuid4().hex[:4]}")
    names = [f"frame-{i:03d}.fits" for i in range(4)] + [f"notes-{i:03d}.txt" for i in range(4, FILES)]

    def upload(index_name: tuple[int, str]) -> dict[str, Any]:
        index, name = index_name
        content = (fits_bytes({"OBJECT": "M42", "DATE-OBS": f"2024-01-10T0{index}:00:00"})
                   if name.endswith(".fits") else b"n" * (index * 100))
        answer = Api(server, user["access_key"]).upload(data["uuid"], name, content)
        assert answer.status_code == 201, answer.text
        return answer.json()

    with ThreadPoolExecutor(4) as pool:
        files = list(pool.map(upload, enumerate(names)))
    return {"user": user, "dataset": data, "files": files, "api": api}


def test_sign_in_through_the_page_and_read_a_dataset_of_300_files(server: ArcsecondServer,
                                                                  dataset: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.wait import WebDriverWait

    url = server.endpoint(f"datasets/{dataset['dataset']['uuid']}/")
    with chromium() as driver:
        wait = WebDriverWait(driver, 30)
        driver.get(url)  # not signed in: the sign-in page, which comes back here afterwards
        assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in"
        driver.find_element(By.ID, "key").send_keys(dataset["user"]["access_key"])
        driver.find_element(By.ID, "sign-in").click()
        wait.until(ec.presence_of_element_located((By.ID, "datafiles")))
        assert driver.current_url == url
        assert driver.find_element(By.TAG_NAME, "h1").text == dataset["dataset"]["name"]

        rows = driver.execute_script(  # one round trip for the whole table
            "return [...document.querySelectorAll('#datafiles tbody tr')]"
            ".map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()))")
        by_name = {row[0].replace(" raw", ""): row for row in rows}
        assert sorted(by_name) == sorted(f["file_name"] for f in dataset["files"])
        # name, size, type, DATE-OBS, object, night log (begun at the previous noon, UTC here)
        assert by_name["frame-002.fits"][2:] == ["fits", "2024-01-10 02:00:00 UTC", "M42", "2024-01-09"]
        assert by_name["notes-150.txt"][1:4] == ["15.0 KB", "other", "—"]

        cookie = driver.get_cookie("arcsecond_session")
        assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert driver.execute_script("return document.cookie") == ""  # out of scripts' reach

        started = time.monotonic()
        driver.get(url)
        loaded = time.monotonic() - started
        assert len(driver.find_elements(By.CSS_SELECTOR, "#datafiles tbody tr")) == FILES
        assert loaded < PAGE_BUDGET_SECONDS, f"a page of {FILES} files took {loaded:.1f} s"

        driver.find_element(By.LINK_TEXT, "Sign out").click()  # a page asking to confirm
        wait.until(ec.presence_of_element_located((By.ID, "sign-out")))
        driver.get(url)
        assert driver.find_elements(By.ID, "datafiles")  # still signed in
        driver.find_element(By.LINK_TEXT, "Sign out").click()
        wait.until(ec.presence_of_element_located((By.ID, "sign-out"))).click()
        wait.until(ec.presence_of_element_located((By.ID, "key")))
        driver.get(url)
        assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in"
        assert not driver.find_elements(By.ID, "datafiles")

"""A headless Chromium driven by Selenium, for tests and screenshots of the server's pages.

It uses the system's Chromium and chromedriver (Debian: ``apt-get install chromium
chromium-driver``), given to Selenium explicitly, so nothing is downloaded at run time::

    from arcsecond_core.testing_browser import chromium, missing

    if missing() is None:
        with chromium() as driver:
            driver.get(arcsecond_server.url + "/web/sign-in/")
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Flags for a quiet, sandbox-free headless Chromium that talks to nothing but the pages it opens.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
)
CHROMIUM_NAMES = ("chromium", "chromium-browser")
DRIVER_NAMES = ("chromedriver",)


def _which(names: tuple[str, ...], env: str) -> str | None:
    """The executable named by ``$env`` if set (None if it is not one), else the first on the PATH."""
    if os.environ.get(env):
        return shutil.which(os.environ[env])
    return next((path for name in names if (path := shutil.which(name))), None)


def chromium_path() -> str | None:
    """The Chromium binary (``$ARCSECOND_CHROMIUM``, else ``chromium`` on the PATH)."""
    return _which(CHROMIUM_NAMES, "ARCSECOND_CHROMIUM")


def driver_path() -> str | None:
    """The chromedriver binary (``$ARCSECOND_CHROMEDRIVER``, else ``chromedriver`` on the PATH)."""
    return _which(DRIVER_NAMES, "ARCSECOND_CHROMEDRIVER")


def missing() -> str | None:
    """Why a browser cannot run here (a sentence), or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "Selenium is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "Chromium is not installed (Debian: apt-get install chromium chromium-driver)"
    if driver_path() is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver)"
    return None


@contextmanager
def chromium(width: int = 1280, height: int = 900, page_load_timeout: float = 60) -> Iterator[Any]:
    """A Selenium WebDriver for a fresh headless Chromium (its own profile, removed after)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    reason = missing()
    if reason is not None:
        raise RuntimeError(reason)
    profile = tempfile.mkdtemp(prefix="arcsecond-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium_path())
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    service = Service(executable_path=str(driver_path()), log_output=os.devnull)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(page_load_timeout)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)

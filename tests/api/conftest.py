"""Fixtures for the Python module's end-to-end tests: a user, their API, a portal, a telescope.

Every test talks to the real embedded server started by the ``arcsecond_server`` fixture.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.testing_client import ArcsecondClient

pytestmark = pytest.mark.e2e


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def api(arcsecond_client: ArcsecondClient) -> Iterator[ArcsecondAPI]:
    """The Python module, logged in with a fresh user's access key."""
    with arcsecond_client.api() as client:
        yield client


@pytest.fixture
def upload_api(arcsecond_client: ArcsecondClient) -> Iterator[ArcsecondAPI]:
    """The same user, with their upload key only."""
    with arcsecond_client.api(key_type="upload") as client:
        yield client


@pytest.fixture
def portal(arcsecond_server: Any, arcsecond_client: ArcsecondClient) -> str:
    """A portal (organisation) whose admin is the user."""
    subdomain = unique("obs")
    arcsecond_server.admin("addportal", subdomain, "--name", f"Observatory {subdomain}",
                           "--member", f"{arcsecond_client.username}:admin")
    return subdomain


@pytest.fixture
def site(arcsecond_server: Any) -> dict[str, Any]:
    """An observing site in Chile."""
    return arcsecond_server.admin("addsite", unique("Site"), "--longitude", "-70.73",
                                  "--latitude", "-30.24", "--height", "2715",
                                  "--time-zone", "America/Santiago")


@pytest.fixture
def telescope(arcsecond_server: Any, arcsecond_client: ArcsecondClient,
              site: dict[str, Any]) -> dict[str, Any]:
    """A telescope at ``site`` owned by the user."""
    return arcsecond_server.admin("addtelescope", unique("Scope"), "--site", site["uuid"],
                                  "--owner", arcsecond_client.username)

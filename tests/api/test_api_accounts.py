"""Telescopes, observing sites, organisations and profiles through the Python module."""

from __future__ import annotations

from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.testing_client import ArcsecondClient
from tests.api.conftest import unique

pytestmark = pytest.mark.e2e


def test_telescopes(arcsecond_server: Any, arcsecond_client: ArcsecondClient, api: ArcsecondAPI,
                    telescope: dict[str, Any], site: dict[str, Any]) -> None:
    shown = api.telescopes.read(telescope["uuid"])
    assert shown["name"] == telescope["name"]
    assert shown["observing_site"] == site["uuid"]
    assert api.telescopes.find(telescope["name"]) == shown
    mine = [t["uuid"] for t in api.telescopes.list(observing_site=site["uuid"])]
    assert mine == [telescope["uuid"]]
    # The server refuses a second telescope of that name for the same owner, but one of the
    # user's portals may have its own: without a portal, the user sees both.
    portal = unique("twins").lower()
    arcsecond_server.admin("addportal", portal, "--member", f"{arcsecond_client.username}:member")
    with pytest.raises(AssertionError, match="already exists"):
        arcsecond_server.admin("addtelescope", telescope["name"].upper(), "--site", site["uuid"],
                               "--owner", arcsecond_client.username)
    twin = arcsecond_server.admin("addtelescope", telescope["name"], "--site", site["uuid"],
                                  "--portal", portal)
    with pytest.raises(errors.AmbiguousName, match=f"2 telescopes are named '{telescope['name']}'"):
        api.telescopes.find(telescope["name"])
    assert api.telescopes.find(twin["uuid"])["uuid"] == twin["uuid"]
    with pytest.raises(errors.MethodNotAllowed):
        api.telescopes.create(name="mine", observing_site=site["uuid"])


def test_telescopes_of_others_are_invisible(arcsecond_server: Any, api: ArcsecondAPI,
                                            site: dict[str, Any]) -> None:
    other = arcsecond_server.add_user(unique("other"))
    theirs = arcsecond_server.admin("addtelescope", unique("Private"), "--site", site["uuid"],
                                    "--owner", other["username"])
    with pytest.raises(errors.NotFound, match="no telescope"):
        api.telescopes.read(theirs["uuid"])
    with pytest.raises(errors.NotFound):
        api.telescopes.find(theirs["name"])


def test_portal_telescopes(arcsecond_server: Any, arcsecond_client: ArcsecondClient,
                           api: ArcsecondAPI, portal: str, site: dict[str, Any]) -> None:
    scope = arcsecond_server.admin("addtelescope", unique("Portal scope"), "--site", site["uuid"],
                                   "--portal", portal)
    with arcsecond_client.api(portal) as in_portal:
        assert in_portal.telescopes.find(scope["name"])["uuid"] == scope["uuid"]
        dataset = in_portal.datasets.create(name="With the portal's telescope",
                                            telescope=scope["uuid"])
        assert dataset["telescope"] == scope["uuid"]
    # A member sees the portal's telescopes from their own space too.
    assert api.telescopes.read(scope["uuid"])["name"] == scope["name"]


def test_observing_sites(api: ArcsecondAPI, site: dict[str, Any],
                         telescope: dict[str, Any]) -> None:
    shown = api.observingsites.read(site["uuid"])
    assert shown["name"] == site["name"]
    assert (shown["longitude"], shown["latitude"]) == (-70.73, -30.24)
    assert shown["time_zone"] == "America/Santiago"
    assert shown["telescopes"] == [telescope["uuid"]]
    assert api.observingsites.find(site["name"]) == shown
    assert site["uuid"] in {s["uuid"] for s in api.observingsites.list()}
    with pytest.raises(errors.MethodNotAllowed):
        api.observingsites.delete(site["uuid"])


def test_organisations_are_never_portal_prefixed(arcsecond_client: ArcsecondClient,
                                                 portal: str) -> None:
    with arcsecond_client.api(portal) as in_portal:
        organisation = in_portal.organisations.read(portal)
        assert organisation == {"subdomain": portal, "name": f"Observatory {portal}"}
        assert in_portal.session.url("organisations/x") == f"{arcsecond_client.url}/organisations/x/"
        assert portal in {o["subdomain"] for o in in_portal.organisations.list()}
        with pytest.raises(errors.NotFound, match="no organisation 'no-such-portal'"):
            in_portal.organisations.read("no-such-portal")


def test_profiles(arcsecond_server: Any, arcsecond_client: ArcsecondClient, api: ArcsecondAPI,
                  portal: str) -> None:
    me = api.me()
    assert me["username"] == arcsecond_client.username
    assert me["memberships"] == [
        {"role": "admin", "organisation": {"subdomain": portal, "name": f"Observatory {portal}"}}
    ]
    assert api.profiles.read(arcsecond_client.username) == me
    assert list(api.profiles.list()) == [me]
    other = arcsecond_server.add_user(unique("other"))
    with pytest.raises(errors.Forbidden):
        api.profiles.read(other["username"])
    with pytest.raises(errors.NotFound, match="no profile 'nobody-at-all'"):
        api.profiles.read("nobody-at-all")


def test_upload_key_reads_what_an_uploader_needs(upload_api: ArcsecondAPI, telescope: dict[str, Any],
                                                 portal: str,
                                                 arcsecond_client: ArcsecondClient) -> None:
    assert upload_api.telescopes.read(telescope["uuid"])["uuid"] == telescope["uuid"]
    assert upload_api.organisations.read(portal)["subdomain"] == portal
    assert upload_api.profiles.read(arcsecond_client.username)["username"] == arcsecond_client.username
    with pytest.raises(errors.Forbidden):
        upload_api.observingsites.read(telescope["observing_site"])

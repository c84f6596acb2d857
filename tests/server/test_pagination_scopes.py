"""End-to-end: pagination, the upload key's scope, portals and membership."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .conftest import Api, fits_bytes, new_user

pytestmark = pytest.mark.e2e


def follow(api: Api, path: str, **params) -> tuple[list[dict], list[str]]:
    """Every result of a list, following ``next``; also the URLs visited."""
    answer = api.get(path, params=params).json()
    results, urls = list(answer["results"]), []
    while answer["next"]:
        urls.append(answer["next"])
        answer = api.get(answer["next"]).json()
        results.extend(answer["results"])
    return results, urls


def test_pages_follow_next_with_filters_and_page_size(server):
    _, api = new_user(server)
    site = server.admin("addsite", "Pages", "--longitude", "10", "--latitude", "10")
    scope = server.admin("addtelescope", "Pages scope", "--site", site["uuid"])
    tagged = [api.dataset(f"p{i:02d}", scope["uuid"])["uuid"] for i in range(23)]
    for i in range(4):
        api.dataset(f"q{i}")
    first = api.get("datasets/", params={"telescope": scope["uuid"], "page_size": 10}).json()
    assert first["count"] == 23 and len(first["results"]) == 10 and first["previous"] is None
    query = parse_qs(urlsplit(first["next"]).query)
    assert query == {"telescope": [scope["uuid"]], "page_size": ["10"], "page": ["2"]}
    assert first["next"].startswith(server.url + "/datasets/?")
    results, urls = follow(api, "datasets/", telescope=scope["uuid"], page_size=10)
    assert [d["uuid"] for d in results] == tagged and len(urls) == 2
    third = api.get(urls[-1]).json()
    assert len(third["results"]) == 3 and third["next"] is None
    assert parse_qs(urlsplit(third["previous"]).query)["page"] == ["2"]
    second = api.get(urls[0]).json()
    assert "page" not in parse_qs(urlsplit(second["previous"]).query)
    assert api.get("datasets/", params={"page": 9, "page_size": 10}).status_code == 404
    assert api.get("datasets/", params={"page": "x"}).status_code == 404
    everything = api.get("datasets/").json()
    assert everything["count"] == 27 and everything["next"] is None


def test_default_page_size_is_100_and_maximum_1000(server):
    _, api = new_user(server)
    total = 1003
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda i: api.post("datasets/", json={"name": f"n{i}"}).status_code,
                              range(total)))
    assert codes == [201] * total
    default = api.get("datasets/").json()
    assert default["count"] == total and len(default["results"]) == 100
    assert parse_qs(urlsplit(default["next"]).query) == {"page": ["2"]}
    big = api.get("datasets/", params={"page_size": 5000}).json()
    assert len(big["results"]) == 1000 and big["next"] is not None
    rest = api.get(big["next"]).json()
    assert len(rest["results"]) == total - 1000
    names = {d["name"] for d in big["results"] + rest["results"]}
    assert len(names) == total


def test_upload_key_scope(server):
    user, api = new_user(server)
    upload = Api(server, user["upload_key"])
    dataset = api.dataset()
    allowed = [
        upload.get("datasets/"), upload.get(f"datasets/{dataset['uuid']}/"),
        upload.get("telescopes/"), upload.get("organisations/"),
        upload.get(f"profiles/{user['username']}/"),
    ]
    assert [a.status_code for a in allowed] == [200] * len(allowed)
    created = upload.post("datasets/", json={"name": "by upload key"})
    assert created.status_code == 201
    sent = upload.upload(created.json()["uuid"], "u.fits",
                         fits_bytes({"DATE-OBS": "2024-01-01T01:00:00"}))
    assert sent.status_code == 201, sent.text
    file_id = sent.json()["id"]
    forbidden = [
        upload.get("datafiles/"), upload.get(f"datafiles/{file_id}/"),
        upload.get(f"datafiles/{file_id}/download/"), upload.get("nightlogs/"),
        upload.get("observations/"), upload.get("calibrations/"), upload.get("datapackages/"),
        upload.get("observingsites/"),
        upload.patch(f"datasets/{dataset['uuid']}/", json={"name": "x"}),
        upload.delete(f"datasets/{dataset['uuid']}/"),
        upload.patch(f"datafiles/{file_id}/", json={"tags": ["x"]}),
        upload.delete(f"datafiles/{file_id}/"),
        upload.post("nightlogs/", json={"date": "2024-01-01"}),
        upload.post("datapackages/", json={"name": "p"}),
    ]
    assert [a.status_code for a in forbidden] == [403] * len(forbidden)
    assert all("detail" in a.json() for a in forbidden)
    assert api.get(f"datasets/{dataset['uuid']}/").status_code == 200
    assert api.get(f"datafiles/{file_id}/").status_code == 200


def test_portals_membership_and_ownership(server):
    owner, api = new_user(server)
    viewer, viewer_api = new_user(server)
    outsider, outsider_api = new_user(server)
    sub = f"obs-{uuid.uuid4().hex[:6]}"
    portal = server.admin("addportal", sub, "--name", "Observatory", "--member",
                          f"{owner['username']}:admin", "--member", f"{viewer['username']}:viewer")
    assert portal["members"] == sorted([f"{owner['username']}:admin",
                                        f"{viewer['username']}:viewer"])
    inside = api.in_portal(sub)
    personal = api.dataset("Shared name")
    in_portal = inside.post("datasets/", json={"name": "Shared name"})
    assert in_portal.status_code == 201
    portal_ds = in_portal.json()
    assert inside.post("datasets/", json={"name": "Shared name"}).status_code == 400
    assert [d["uuid"] for d in inside.get("datasets/").json()["results"]] == [portal_ds["uuid"]]
    assert personal["uuid"] not in [d["uuid"] for d in inside.get("datasets/").json()["results"]]
    assert portal_ds["uuid"] not in [d["uuid"] for d in api.get("datasets/").json()["results"]]
    assert inside.get(f"datasets/{personal['uuid']}/").status_code == 404
    sent = inside.upload(portal_ds["uuid"], "p.fits", fits_bytes({"DATE-OBS": "2024-02-02"}))
    assert sent.status_code == 201, sent.text
    assert inside.get(f"datafiles/{sent.json()['id']}/").status_code == 200
    assert api.get(f"datafiles/{sent.json()['id']}/").status_code == 404
    # a read-only member reads but cannot write
    as_viewer = viewer_api.in_portal(sub)
    assert as_viewer.get(f"datasets/{portal_ds['uuid']}/").status_code == 200
    assert as_viewer.post("datasets/", json={"name": "nope"}).status_code == 403
    # outsiders: 403 in an existing portal, 404 in an unknown one
    answer = outsider_api.in_portal(sub).get("datasets/")
    assert answer.status_code == 403 and "detail" in answer.json()
    assert outsider_api.in_portal(sub).get(f"datasets/{portal_ds['uuid']}/").status_code == 403
    assert outsider_api.in_portal("no-such-portal").get("datasets/").status_code == 404
    assert Api(server, None, sub).get("datasets/").status_code == 401
    # organisations are never prefixed
    assert inside.get(f"organisations/{sub}/").status_code == 404
    # the upload key works inside a portal too
    upload = Api(server, owner["upload_key"], sub)
    assert upload.get("datasets/", params={"name": "Shared name"}).json()["count"] == 1
    # portal check
    url = server.endpoint("auth/key/verify-organisation/")
    for user, key, expected in (
        (owner, owner["access_key"], 204), (owner, owner["upload_key"], 204),
        (viewer, viewer["access_key"], 204), (outsider, outsider["access_key"], 403),
    ):
        answer = requests.post(url, json={"username": user["username"], "key": key,
                                          "organisation": sub}, timeout=10)
        assert answer.status_code == expected
    bad = requests.post(url, json={"username": owner["username"], "key": "wrong",
                                   "organisation": sub}, timeout=10)
    assert bad.status_code == 400 and bad.json() == {"detail": "Invalid key."}
    unknown = requests.post(url, json={"username": owner["username"], "key": owner["access_key"],
                                       "organisation": "nope-nope"}, timeout=10)
    assert unknown.status_code == 404
    profile = api.get(f"profiles/{owner['username']}/").json()
    assert profile["memberships"] == [{"role": "admin", "organisation": {
        "subdomain": sub, "name": "Observatory"}}]

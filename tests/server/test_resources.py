"""End-to-end: routing, authentication, errors and every JSON resource of the server."""

from __future__ import annotations

import uuid

import pytest
import requests

from .conftest import Api, new_user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(server):
    return server.admin("addsite", "Pic du Midi", "--longitude", "0.1426", "--latitude", "42.9364",
                        "--height", "2877", "--time-zone", "Europe/Paris")


def test_root_banner(server):
    answer = requests.get(server.url + "/", timeout=10)
    assert answer.status_code == 200
    assert "Arcsecond-compatible server" in answer.text


@pytest.mark.parametrize("path", ["nothing/", "datasets", "datasets/x/y/z/", "auth/key/",
                                  "web/", "organisations/x/datasets/"])
def test_unknown_paths_are_404(server, alice, path):
    answer = alice[1].get(path)
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}


def test_no_key_unknown_key_and_malformed_header_are_401(server):
    url = server.endpoint("datasets/")
    answers = [
        requests.get(url, timeout=10),
        requests.get(url, headers=server.headers("not-a-key"), timeout=10),
        requests.get(url, headers={"X-Arcsecond-API-Authorization": "Token abc"}, timeout=10),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert all(set(a.json()) == {"detail"} for a in answers)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("resource", ["datasets", "datafiles", "nightlogs", "datapackages",
                                      "telescopes", "observingsites", "observations"])
def test_list_urls_refuse_put_patch_delete(alice, method, resource):
    answer = alice[1].request(method, f"{resource}/", json={})
    assert answer.status_code == 405
    assert method in answer.json()["detail"]


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_read_only_resources_refuse_writes(alice, site, method):
    path = "observingsites/" if method == "POST" else f"observingsites/{site['uuid']}/"
    assert alice[1].request(method, path, json={"name": "x"}).status_code == 405


def test_verify_key_accepts_both_keys_and_rejects_others(server, alice, bob):
    user, _ = alice
    url = server.endpoint("auth/key/verify/")
    for key in (user["access_key"], user["upload_key"]):
        answer = requests.post(url, json={"username": user["username"], "key": key}, timeout=10)
        assert answer.status_code == 204
    wrong = requests.post(url, json={"username": user["username"], "key": bob[0]["access_key"]},
                          timeout=10)
    assert wrong.status_code == 400 and wrong.json() == {"detail": "Invalid key."}
    missing = requests.post(url, json={"username": user["username"]}, timeout=10)
    assert missing.status_code == 400 and "key" in missing.json()
    assert requests.get(url, timeout=10).status_code == 405


def test_profile_is_own_only(alice, bob):
    user, api = alice
    answer = api.get(f"profiles/{user['username']}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["username"] == user["username"] and body["memberships"] == []
    assert api.get(f"profiles/{bob[0]['username']}/").status_code == 403
    assert api.get("profiles/nobody-at-all/").status_code == 404
    listed = api.get("profiles/").json()
    assert [p["username"] for p in listed["results"]] == [user["username"]]


def test_organisations_and_sites_and_telescopes(server, alice, bob, site):
    user, api = alice
    portal = server.admin("addportal", f"org-{uuid.uuid4().hex[:6]}", "--name", "Org",
                          "--member", user["username"])
    public = server.admin("addtelescope", "Public scope", "--site", site["uuid"])
    mine = server.admin("addtelescope", "Mine", "--site", "Pic du Midi", "--owner",
                        user["username"])
    theirs = server.admin("addtelescope", "Theirs", "--site", site["uuid"], "--owner",
                          bob[0]["username"])
    ours = server.admin("addtelescope", "Ours", "--site", site["uuid"], "--portal",
                        portal["subdomain"])
    org = api.get(f"organisations/{portal['subdomain']}/")
    assert org.status_code == 200
    assert org.json() == {"subdomain": portal["subdomain"], "name": "Org"}
    assert api.get("organisations/no-such-org/").status_code == 404
    assert portal["subdomain"] in [o["subdomain"] for o in api.get("organisations/").json()
                                   ["results"]]
    sites = api.get("observingsites/").json()["results"]
    found = next(s for s in sites if s["uuid"] == site["uuid"])
    server.admin("addsite", "Elsewhere", "--longitude", "10", "--latitude", "10")
    by_name = api.get("observingsites/", params={"name": "Pic du Midi"}).json()["results"]
    assert [s["uuid"] for s in by_name] == [site["uuid"]]
    assert found["time_zone"] == "Europe/Paris" and found["longitude"] == pytest.approx(0.1426)
    assert {public["uuid"], mine["uuid"], theirs["uuid"]} <= set(found["telescopes"])
    visible = {t["uuid"] for t in api.get("telescopes/").json()["results"]}
    assert {public["uuid"], mine["uuid"], ours["uuid"]} <= visible
    assert theirs["uuid"] not in visible
    assert api.get(f"telescopes/{theirs['uuid']}/").status_code == 404
    detail = api.get(f"telescopes/{mine['uuid']}/").json()
    assert detail == {"uuid": mine["uuid"], "name": "Mine", "observing_site": site["uuid"]}
    in_portal = {t["uuid"] for t in api.in_portal(portal["subdomain"]).get("telescopes/")
                 .json()["results"]}
    assert ours["uuid"] in in_portal and mine["uuid"] not in in_portal
    membership = api.get(f"profiles/{user['username']}/").json()["memberships"]
    assert membership == [{"role": "member", "organisation": {"subdomain": portal["subdomain"],
                                                              "name": "Org"}}]


def test_dataset_crud_filters_and_uniqueness(server, alice, bob, site):
    user, api = alice
    scope = server.admin("addtelescope", "DS scope", "--site", site["uuid"], "--owner",
                         user["username"])
    created = api.post("datasets/", json={"name": "M31", "telescope": scope["uuid"],
                                          "tags": ["a", "b"]})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "M31" and body["telescope"] == scope["uuid"]
    assert body["data_files_count"] == 0 and body["tags"] == ["a", "b"]
    assert uuid.UUID(body["uuid"]).version == 4
    duplicate = api.post("datasets/", json={"name": "M31"})
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    assert api.post("datasets/", json={}).json() == {"name": ["This field is required."]}
    bad_scope = api.post("datasets/", json={"name": "x", "telescope": str(uuid.uuid4())})
    assert bad_scope.status_code == 400 and "telescope" in bad_scope.json()
    assert api.post("datasets/", data="{not json",
                    headers={"Content-Type": "application/json"}).status_code == 400
    other = api.dataset("NGC 7000")
    by_name = api.get("datasets/", params={"name": "M31"}).json()
    assert [d["uuid"] for d in by_name["results"]] == [body["uuid"]]
    by_scope = api.get("datasets/", params={"telescope": scope["uuid"]}).json()
    assert [d["uuid"] for d in by_scope["results"]] == [body["uuid"]]
    assert api.get("datasets/", params={"telescope": "nope"}).status_code == 400
    # another user sees none of them, and may reuse the name
    _, bob_api = bob
    assert bob_api.get(f"datasets/{body['uuid']}/").status_code == 404
    assert bob_api.get("datasets/", params={"name": "M31"}).json()["count"] == 0
    assert bob_api.post("datasets/", json={"name": "M31"}).status_code == 201
    patched = api.patch(f"datasets/{body['uuid']}/", json={"name": "M31 b", "tags": "x, y"})
    assert patched.status_code == 200
    assert patched.json()["name"] == "M31 b" and patched.json()["tags"] == ["x", "y"]
    assert api.patch(f"datasets/{body['uuid']}/", json={"name": other["name"]}).status_code == 400
    assert api.get(f"datasets/{body['uuid']}/").json()["name"] == "M31 b"
    assert api.delete(f"datasets/{body['uuid']}/").status_code == 204
    assert api.get(f"datasets/{body['uuid']}/").status_code == 404
    assert api.get("datasets/not-a-uuid/").status_code == 404
    assert api.delete(f"datasets/{body['uuid']}/").status_code == 404


def test_datapackages_full_crud(alice, bob):
    _, api = alice
    first, second = api.dataset(), api.dataset()
    log = api.post("nightlogs/", json={"date": "2024-01-02"}).json()
    created = api.post("datapackages/", json={"name": "Paper", "description": "d",
                                              "datasets": [first["uuid"]],
                                              "nightlogs": [log["uuid"]]})
    assert created.status_code == 201, created.text
    package = created.json()
    assert package["datasets"] == [first["uuid"]] and package["nightlogs"] == [log["uuid"]]
    url = f"datapackages/{package['uuid']}/"
    patched = api.patch(url, json={"datasets": [second["uuid"], first["uuid"]]}).json()
    assert patched["datasets"] == [second["uuid"], first["uuid"]]
    assert patched["name"] == "Paper" and patched["nightlogs"] == [log["uuid"]]
    assert api.patch(url, json={"description": "new"}).json()["description"] == "new"
    foreign = bob[1].dataset()
    assert "datasets" in api.patch(url, json={"datasets": [foreign["uuid"]]}).json()
    assert api.post("datapackages/", json={"description": "no name"}).status_code == 400
    assert api.get("datapackages/").json()["count"] >= 1
    assert bob[1].get(url).status_code == 404
    api.delete(f"datasets/{second['uuid']}/")
    assert api.get(url).json()["datasets"] == [first["uuid"]]
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_nightlog_crud(server, alice, site):
    user, api = alice
    scope = server.admin("addtelescope", "NL scope", "--site", site["uuid"], "--owner",
                         user["username"])
    created = api.post("nightlogs/", json={"date": "2024-05-06", "telescope": scope["uuid"]})
    assert created.status_code == 201, created.text
    log = created.json()
    assert log["observing_site"] == site["uuid"] and log["datafiles_count"] == 0
    again = api.post("nightlogs/", json={"date": "2024-05-06", "telescope": scope["uuid"]})
    assert again.status_code == 400
    assert api.post("nightlogs/", json={"date": "06/05/2024"}).json().keys() == {"date"}
    found = api.get("nightlogs/", params={"date": "2024-05-06", "telescope": scope["uuid"]})
    assert [n["uuid"] for n in found.json()["results"]] == [log["uuid"]]
    assert api.get("nightlogs/", params={"date": "2024-05-07"}).json()["count"] == 0
    moved = api.patch(f"nightlogs/{log['uuid']}/", json={"date": "2024-05-07"})
    assert moved.status_code == 200 and moved.json()["date"] == "2024-05-07"
    assert api.delete(f"nightlogs/{log['uuid']}/").status_code == 204
    assert api.get(f"nightlogs/{log['uuid']}/").status_code == 404


def test_second_user_cannot_touch_first_users_objects(alice, server):
    _, api = alice
    dataset = api.dataset()
    _, other = new_user(server)
    assert other.patch(f"datasets/{dataset['uuid']}/", json={"name": "x"}).status_code == 404
    assert other.delete(f"datasets/{dataset['uuid']}/").status_code == 404
    assert api.get(f"datasets/{dataset['uuid']}/").status_code == 200


def test_detail_of_unknown_user_key_in_other_server_is_401(server):
    api = Api(server, "0" * 40)
    assert api.get("profiles/anyone/").status_code == 401

"""A portal's members (admins write, the last admin stays) and all-sky cameras with their images."""

from __future__ import annotations

import io
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from arcsecond_plugins.server.db import Database

from arcsecond_core.testing import ArcsecondServer

from .conftest import Api, new_user, partial_files
from .test_browser_sign_in import sign_in
from .test_limits import multipart_body

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def jpeg_bytes(colour: str = "navy") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def portal(server: ArcsecondServer, *members: str) -> str:
    subdomain = f"p{uuid.uuid4().hex[:8]}"
    args = [arg for member in members for arg in ("--member", member)]
    server.admin("addportal", subdomain, *args)
    return subdomain


@pytest.fixture(scope="module")
def team(server: ArcsecondServer) -> dict[str, Any]:
    """A portal with an admin, a member and a viewer, and a user outside it."""
    users = {role: new_user(server) for role in ("admin", "member", "viewer", "outsider")}
    subdomain = portal(server, *(f"{users[r][0]['username']}:{r}"
                                 for r in ("admin", "member", "viewer")))
    return {"portal": subdomain, **{role: (info, api.in_portal(subdomain))
                                    for role, (info, api) in users.items()}}


# -- members ----------------------------------------------------------------------------------

def test_every_member_reads_the_members_and_only_admins_write(server, team) -> None:
    admin, member, viewer = team["admin"], team["member"], team["viewer"]
    listing = member[1].get("members/").json()
    assert [(m["username"], m["role"], m["organisation"]) for m in listing["results"]] == [
        (admin[0]["username"], "admin", team["portal"]),
        (member[0]["username"], "member", team["portal"]),
        (viewer[0]["username"], "viewer", team["portal"])]
    assert all(isinstance(m["id"], int) for m in listing["results"])
    outsider, _ = new_user(server)
    for who in (member, viewer):
        answer = who[1].post("members/", json={"username": outsider["username"]})
        assert answer.status_code == 403, answer.text
        first = listing["results"][0]["id"]
        assert who[1].delete(f"members/{first}/").status_code == 403
    assert "admins" in member[1].post("members/", json={"username": "x"}).json()["detail"]
    assert team["outsider"][1].get("members/").status_code == 403
    assert admin[1].get("members/", params={"username": outsider["username"]}).json()[
        "count"] == 0


def test_admins_add_change_and_remove_members(server, team) -> None:
    api = team["admin"][1]
    newcomer, newcomer_api = new_user(server)
    added = api.post("members/", json={"username": newcomer["username"]})
    assert added.status_code == 201 and added.json()["role"] == "member"
    again = api.post("members/", json={"username": newcomer["username"], "role": "admin"})
    assert again.status_code == 200
    assert again.json() == {**added.json(), "role": "admin"}
    assert api.get(f"members/{added.json()['id']}/").json()["role"] == "admin"
    profile = newcomer_api.get(f"profiles/{newcomer['username']}/").json()
    assert {"role": "admin", "organisation": {"subdomain": team["portal"],
                                              "name": team["portal"]}} in profile["memberships"]
    assert api.delete(f"members/{added.json()['id']}/").status_code == 204
    assert api.get(f"members/{added.json()['id']}/").status_code == 404
    assert newcomer_api.in_portal(team["portal"]).get("members/").status_code == 403


def test_unknown_users_and_roles_are_field_errors(team) -> None:
    api = team["admin"][1]
    assert api.post("members/", json={"username": "nobody-at-all"}).json() == {
        "username": ["Object with username=nobody-at-all does not exist."]}
    answer = api.post("members/", json={"username": team["member"][0]["username"],
                                        "role": "owner"})
    assert answer.status_code == 400 and list(answer.json()) == ["role"]
    assert api.post("members/", json={}).json() == {"username": ["This field is required."]}


def test_the_last_admin_can_be_neither_removed_nor_demoted(server) -> None:
    (first, first_api), (second, _) = new_user(server), new_user(server)
    subdomain = portal(server, f"{first['username']}:admin")
    api = first_api.in_portal(subdomain)
    mine = api.get("members/").json()["results"][0]
    refused = api.delete(f"members/{mine['id']}/")
    assert refused.status_code == 409 and "last admin" in refused.json()["detail"]
    demoted = api.post("members/", json={"username": first["username"], "role": "member"})
    assert demoted.status_code == 409
    assert api.post("members/", json={"username": second["username"], "role": "admin"}
                    ).status_code == 201
    assert api.delete(f"members/{mine['id']}/").status_code == 204  # another admin remains
    assert api.get("members/").status_code == 403  # no longer a member


def test_members_exist_only_below_a_portal(team) -> None:
    api = team["admin"][1].in_portal(None)
    assert api.get("members/").status_code == 404
    assert api.post("members/", json={"username": "x"}).status_code == 404
    assert api.in_portal("no-such-portal").get("members/").status_code == 404


def test_an_older_database_gets_membership_ids_and_keeps_its_members(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / "arcsecond.sqlite3")
    old.executescript("""
        CREATE TABLE users (username TEXT PRIMARY KEY, email TEXT NOT NULL DEFAULT '',
            access_key TEXT NOT NULL UNIQUE, upload_key TEXT NOT NULL UNIQUE, created TEXT NOT NULL);
        CREATE TABLE organisations (subdomain TEXT PRIMARY KEY, name TEXT NOT NULL,
            created TEXT NOT NULL);
        CREATE TABLE memberships (username TEXT NOT NULL REFERENCES users(username)
            ON DELETE CASCADE, subdomain TEXT NOT NULL REFERENCES organisations(subdomain)
            ON DELETE CASCADE, role TEXT NOT NULL, PRIMARY KEY (username, subdomain));
        INSERT INTO users VALUES ('ann', '', 'k1', 'u1', 'x'), ('ben', '', 'k2', 'u2', 'x');
        INSERT INTO organisations VALUES ('obs', 'Obs', 'x');
        INSERT INTO memberships VALUES ('ben', 'obs', 'member'), ('ann', 'obs', 'admin');
    """)
    old.close()
    for _ in range(2):  # the second opening finds nothing left to do
        db = Database(tmp_path)
        rows = [tuple(r) for r in db.all("SELECT id, username, role FROM memberships ORDER BY id")]
        assert rows == [(1, "ben", "member"), (2, "ann", "admin")]
        db.close()
    db = Database(tmp_path)
    with db.write() as conn:  # the admin command's upsert needs the unique pair
        conn.execute("INSERT INTO memberships (username, subdomain, role) VALUES ('ben', 'obs',"
                     " 'admin') ON CONFLICT (username, subdomain) DO UPDATE SET role = "
                     "excluded.role")
    assert tuple(db.one("SELECT id, role FROM memberships WHERE username = 'ben'")) == (1, "admin")
    db.close()


# -- all-sky cameras --------------------------------------------------------------------------

def send(api: Api, camera: str, name: str, content: bytes, when: str | None,
         named: str | None = None) -> requests.Response:
    parts: list[tuple[str, Any]] = [("camera", (None, named or camera))]
    if when is not None:
        parts.append(("utc_timestamp", (None, when)))
    parts.append(("file", (name, content, "image/jpeg")))
    return api.post(f"allskycameras/{camera}/images/", files=parts)


def stored_images(server: ArcsecondServer) -> list[Path]:
    return sorted(p for p in (server.data_dir / "files" / "allsky").rglob("*") if p.is_file())


def test_a_cameras_images_are_stored_served_and_the_newest_is_its_latest(server, team) -> None:
    api = team["member"][1]
    site = server.admin("addsite", f"Roof {uuid.uuid4().hex[:6]}", "--longitude", "1",
                        "--latitude", "2")["uuid"]
    camera = api.post("allskycameras/", json={"name": "Roof cam", "observing_site": site})
    assert camera.status_code == 201, camera.text
    cam = camera.json()
    assert (cam["organisation"], cam["observing_site"], cam["latest_image"]) == (
        team["portal"], site, None)
    newer, older = jpeg_bytes("navy"), jpeg_bytes("black")
    first = send(api, cam["uuid"], "sky-2200.jpg", newer, "2026-12-03T23:00:00+01:00")
    assert first.status_code == 201, first.text
    second = send(api, cam["uuid"], "sky-2100.jpg", older, "2026-12-03T21:00:00")
    assert second.status_code == 201
    image = first.json()
    assert (image["utc_timestamp"], image["size"], image["camera"]) == (
        "2026-12-03T22:00:00.000000Z", len(newer), cam["uuid"])
    shown = api.get(f"allskycameras/{cam['uuid']}/").json()
    assert shown["latest_image"] == image["file"] and shown["images_count"] == 2
    served = api.get(image["file"])
    assert served.status_code == 200 and served.content == newer
    assert served.headers["Content-Type"] == "image/jpeg"
    assert sorted(p.read_bytes() for p in stored_images(server)) == sorted([newer, older])
    listing = api.get(f"allskycameras/{cam['uuid']}/images/").json()["results"]
    assert [i["file_name"] for i in listing] == ["sky-2100.jpg", "sky-2200.jpg"]
    same_time = api.get(f"allskycameras/{cam['uuid']}/images/",
                        params={"file_name": "sky-2200.jpg",
                                "utc_timestamp": "2026-12-03T22:00:00Z"}).json()
    assert [i["id"] for i in same_time["results"]] == [image["id"]]
    # the portal's camera is not the member's own
    assert api.in_portal(None).get(f"allskycameras/{cam['uuid']}/").status_code == 404
    assert api.in_portal(None).get(image["file"].replace(f"/{team['portal']}/", "/")
                                   ).status_code == 404

    page = api.get(f"allskycameras/{cam['uuid']}/", headers={"Accept": BROWSER})
    assert page.status_code == 200 and f'<img src="{image["file"]}"' in page.text
    assert "sky-2200.jpg" in page.text
    # a signed-in browser fetches the <img> with its cookie, asking for an image, not HTML
    browser, signed = sign_in(server, key=team["member"][0]["access_key"])
    assert signed.status_code == 303
    picture = browser.get(image["file"], headers={"Accept": "image/avif,image/webp,*/*"},
                          timeout=30)
    assert picture.status_code == 200 and picture.content == newer
    assert requests.get(image["file"], timeout=30).status_code == 401  # no cookie, no key

    assert api.delete(f"allskycameras/{cam['uuid']}/images/{second.json()['id']}/"
                      ).status_code == 204
    assert [p.read_bytes() for p in stored_images(server)] == [newer]
    assert team["viewer"][1].delete(f"allskycameras/{cam['uuid']}/").status_code == 403
    assert api.delete(f"allskycameras/{cam['uuid']}/").status_code == 204
    assert stored_images(server) == [] and api.get(image["file"]).status_code == 404


@pytest.mark.parametrize(("case", "fields"), [
    ("not an image", {"file": ["Upload a valid image. The file you uploaded was either not an "
                               "image or a corrupted image."]}),
    ("no time", {"utc_timestamp": ["This field is required."]}),
    ("a bad time", "utc_timestamp"),
    ("another camera", {"camera": ["Must be the camera of the URL."]}),
    ("empty", {"file": ["The submitted file is empty."]}),
])
def test_bad_images_are_field_errors_and_leave_nothing(server, team, case, fields) -> None:
    api = team["admin"][1]
    cam = api.post("allskycameras/", json={"name": f"cam {case}"}).json()["uuid"]
    content, when, named = jpeg_bytes(), "2026-12-03T21:00:00Z", None
    if case == "not an image":
        content = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    elif case == "no time":
        when = None
    elif case == "a bad time":
        when = "last night"
    elif case == "another camera":
        named = str(uuid.uuid4())
    elif case == "empty":
        content = b""
    answer = send(api, cam, "sky.jpg", content, when, named)
    assert answer.status_code == 400, answer.text
    assert answer.json() == fields if isinstance(fields, dict) else list(answer.json()) == [fields]
    assert api.get(f"allskycameras/{cam}/images/").json()["count"] == 0
    assert partial_files(server) == [] and stored_images(server) == []


def test_an_upload_key_sends_images_but_deletes_nothing(server, team) -> None:
    info, api = team["admin"]
    cam = api.post("allskycameras/", json={"name": "upload key"}).json()["uuid"]
    roof = Api(server, info["upload_key"], team["portal"])
    sent = send(roof, cam, "sky.jpg", jpeg_bytes(), "2026-12-03T21:00:00Z")
    assert sent.status_code == 201, sent.text
    assert roof.get(f"allskycameras/{cam}/images/").json()["count"] == 1
    assert roof.delete(f"allskycameras/{cam}/images/{sent.json()['id']}/").status_code == 403
    assert roof.delete(f"allskycameras/{cam}/").status_code == 403
    assert roof.get("members/").status_code == 403
    assert api.delete(f"allskycameras/{cam}/").status_code == 204


def test_malformed_image_uploads_are_400_and_leave_nothing(server, team) -> None:
    api = team["admin"][1]
    cam = api.post("allskycameras/", json={"name": "cut short"}).json()["uuid"]
    body = multipart_body("b0undary", [('name="utc_timestamp"', "2026-12-03T21:00:00Z"),
                                       ('name="file"; filename="x.jpg"', "\xff\xd8\xff")])
    for data, kind in ((body[:-30], "multipart/form-data; boundary=b0undary"),
                       (b"no parts", "multipart/form-data")):
        answer = api.post(f"allskycameras/{cam}/images/", data=data, headers={"Content-Type": kind})
        assert answer.status_code == 400 and "Multipart form parse error" in answer.json()["detail"]
    assert api.post(f"allskycameras/{cam}/images/", json={}).status_code == 415
    assert api.patch(f"allskycameras/{cam}/images/").status_code == 405
    assert partial_files(server) == [] and stored_images(server) == []
    assert "Traceback" not in server.stderr()

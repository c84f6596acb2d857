"""``portal member ...`` and ``allskycamera ...`` with the real console script on the embedded
server: what landed there (members, images and their times), refusals, and ``--watch``."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from arcsecond_core.errors import UsageError
from arcsecond_core.testing import arcsecond_script
from arcsecond_core.testing_client import ArcsecondClient, make_client

from .conftest import assert_error

pytestmark = pytest.mark.e2e
EXIF_IFD, DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x8769, 0x9003, 0x9011


def jpeg(path: Path, colour: str = "navy", taken: str | None = None,
         offset: str | None = None) -> Path:
    """A JPEG made with Pillow, with an EXIF DateTimeOriginal (and offset) when given."""
    from PIL import Image

    exif = Image.Exif()
    if taken:
        exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = taken
        if offset:
            exif.get_ifd(EXIF_IFD)[OFFSET_TIME_ORIGINAL] = offset
    Image.new("RGB", (48, 32), colour).save(path, "JPEG", exif=exif)
    return path


def png(path: Path, mtime: dt.datetime) -> Path:
    from PIL import Image

    Image.new("RGB", (8, 8), "black").save(path, "PNG")
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


@pytest.fixture(scope="module")
def team(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, ArcsecondClient | str]:
    """A portal with an admin and a member, and a user not in it yet."""
    made = {who: make_client(arcsecond_server, tmp_path_factory.mktemp(f"{who}-config"))
            for who in ("admin", "member", "newcomer")}
    subdomain = f"roof-{uuid.uuid4().hex[:6]}"
    arcsecond_server.admin("addportal", subdomain, "--member", f"{made['admin'].username}:admin",
                           "--member", f"{made['member'].username}:member")
    return {"portal": subdomain, **made}


def members(client: ArcsecondClient, portal: str) -> dict[str, str]:
    return {m["username"]: m["role"] for m in client.json("portal", "member", "list", portal)}


# -- members ----------------------------------------------------------------------------------

def test_admins_add_change_and_remove_members(team) -> None:
    admin, newcomer, portal = team["admin"], team["newcomer"], team["portal"]
    added = admin.run("portal", "member", "add", portal, newcomer.username, "-f", "json",
                      check=True)
    assert json.loads(added.stdout)["role"] == "member"
    assert added.stderr == f"{newcomer.username} added to {portal}\n"
    assert members(newcomer, portal)[newcomer.username] == "member"
    again = admin.run("portal", "member", "add", portal, newcomer.username, "--role", "admin",
                      check=True)
    assert again.stderr == f"{newcomer.username} is now admin of {portal}\n"
    assert members(admin, portal)[newcomer.username] == "admin"
    removed = admin.run("portal", "member", "remove", portal, newcomer.username, "--yes",
                        check=True)
    assert removed.stdout == f"deleted member {newcomer.username!r} (admin) of {portal}\n"
    assert newcomer.username not in members(admin, portal)
    assert_error(newcomer.run("portal", "member", "list", portal), 1,
                 "not a member of this organisation")


def test_members_are_refused_and_the_last_admin_stays(team) -> None:
    admin, member, portal = team["admin"], team["member"], team["portal"]
    before = members(admin, portal)
    assert_error(member.run("portal", "member", "add", portal, team["newcomer"].username), 1,
                 "Only the admins of this organisation can change its members", "403")
    assert_error(member.run("portal", "member", "remove", portal, admin.username, "--yes"), 1,
                 "Only the admins", "403")
    assert_error(admin.run("portal", "member", "remove", portal, admin.username, "--yes"), 1,
                 f"{admin.username} is the last admin of {portal}", "409")
    assert_error(admin.run("portal", "member", "add", portal, admin.username, "--role",
                           "member"), 1, "the last admin", "409")
    assert_error(admin.run("portal", "member", "add", portal, "nobody-here"), 1,
                 "username: Object with username=nobody-here does not exist.", "400")
    assert_error(admin.run("portal", "member", "remove", portal, "nobody-here", "--yes"), 1,
                 "no member named 'nobody-here'")
    assert members(admin, portal) == before
    assert admin.run("portal", "member", "add", portal, "x", "--role", "owner").returncode == 2


def test_the_python_module_reaches_members_through_a_portal(team) -> None:
    admin, newcomer, portal = team["admin"], team["newcomer"], team["portal"]
    with admin.api(portal) as api:
        record, new = api.members.add(newcomer.username, role="viewer")
        assert new and record["role"] == "viewer"
        assert {m["username"] for m in api.members.list()} >= {admin.username,
                                                               newcomer.username}
        assert api.members.remove(newcomer.username)["id"] == record["id"]
        assert newcomer.username not in {m["username"] for m in api.members.list()}
    with admin.api() as api, pytest.raises(UsageError, match="members belong to a portal"):
        list(api.members.list())


# -- all-sky cameras --------------------------------------------------------------------------

def images(client: ArcsecondClient, portal: str, camera: str) -> list[dict[str, Any]]:
    with client.api(portal) as api:
        return list(api.allskycameras.images(camera))


def test_upload_times_from_the_option_exif_and_mtime(team, tmp_path: Path) -> None:
    client, portal = team["member"], team["portal"]
    camera = client.json("allskycamera", "create", "--name", "Dome south", "-p", portal)
    given = [jpeg(tmp_path / f"given-{n}.jpg", colour) for n, colour in enumerate(("red", "blue"))]
    sent = client.run("allskycamera", "upload", "Dome south", *map(str, given), "--time",
                      "2026-12-03T22:30:00+01:00", "-p", portal, "-f", "json")
    assert sent.returncode == 0, sent.stderr
    assert [row["status"] for row in json.loads(sent.stdout)] == ["sent", "sent"]
    assert f"[2/2] sent {given[1]} (2026-12-03T21:30:00.000000Z from --time)" in sent.stderr
    exif_utc = jpeg(tmp_path / "exif-utc.jpg", taken="2026:12:04 01:02:03")
    exif_offset = jpeg(tmp_path / "exif-chile.jpg", "green", "2026:12:03 22:00:00", "-03:00")
    plain = png(tmp_path / "plain.png", dt.datetime(2026, 12, 4, 3, 4, 5, 250000,
                                                    dt.timezone.utc))
    client.run("allskycamera", "upload", camera["uuid"], str(exif_utc), str(exif_offset),
               str(plain), "-p", portal, check=True)
    landed = {i["file_name"]: i for i in images(client, portal, camera["uuid"])}
    assert {name: i["utc_timestamp"] for name, i in landed.items()} == {
        "given-0.jpg": "2026-12-03T21:30:00.000000Z", "given-1.jpg": "2026-12-03T21:30:00.000000Z",
        "exif-utc.jpg": "2026-12-04T01:02:03.000000Z",
        "exif-chile.jpg": "2026-12-04T01:00:00.000000Z",
        "plain.png": "2026-12-04T03:04:05.250000Z"}
    assert landed["plain.png"]["size"] == plain.stat().st_size
    with client.api(portal) as api:
        served = requests.get(landed["exif-utc.jpg"]["file"], headers=api.session.auth_headers(),
                              timeout=30)
    assert served.content == exif_utc.read_bytes()

    shown = client.json("allskycamera", "show", "Dome south", "-p", portal)
    assert shown["latest_image"] == landed["plain.png"]["file"] and shown["images_count"] == 5
    page = requests.get(shown["latest_image"].rsplit("/images/", 1)[0] + "/",
                        headers={"Accept": "text/html", **client.api(portal).session.auth_headers()},
                        timeout=30)
    assert f'<img src="{landed["plain.png"]["file"]}"' in page.text

    # the same files again: already there, nothing sent twice; a text file is no image
    notes = tmp_path / "notes.jpg"
    notes.write_text("cloudy\n")
    again = client.run("allskycamera", "upload", "Dome south", str(exif_utc), str(plain),
                       str(notes), "-p", portal)
    assert again.returncode == 1
    assert "all-sky camera 'Dome south': 0 sent, 2 already there, 1 failed" in again.stderr
    assert "failed notes.jpg" not in again.stderr and f"failed {notes}" in again.stderr
    assert "Upload a valid image" in again.stdout and "Traceback" not in again.stderr
    assert len(images(client, portal, camera["uuid"])) == 5
    client.login("upload")  # a roof computer with the upload key only
    try:
        client.run("allskycamera", "upload", "Dome south", str(jpeg(tmp_path / "roof.jpg")),
                   "-p", portal, check=True)
    finally:
        client.login("access")
    assert len(images(client, portal, camera["uuid"])) == 6

    listed = client.json("allskycamera", "list", "-p", portal)
    assert [c["name"] for c in listed] == ["Dome south"]
    assert client.json("allskycameras", "-p", portal) == listed  # the older plural
    assert client.json("allskycamera", "list") == []  # the portal's, not the member's own
    deleted = client.run("allskycamera", "delete", "Dome south", "-p", portal, "--yes",
                         check=True)
    assert deleted.stdout.startswith("deleted all-sky camera 'Dome south'")
    assert client.json("allskycamera", "list", "-p", portal) == []


def test_bad_upload_arguments_are_usage_errors(team, tmp_path: Path) -> None:
    client = team["member"]
    assert_error(client.run("allskycamera", "upload", "cam"), 2, "--watch FOLDER")
    assert_error(client.run("allskycamera", "upload", "cam", "--watch", str(tmp_path / "no")), 2,
                 "no folder")
    assert_error(client.run("allskycamera", "upload", "cam", "--watch", str(tmp_path),
                            "--time", "2026-12-03T00:00:00"), 2, "--time")
    assert client.run("allskycamera", "upload", "cam", "x.jpg", "--time", "dusk").returncode == 2
    assert_error(client.run("allskycamera", "upload", "no such cam", "x.jpg"), 1,
                 "no all-sky camera named 'no such cam'")


class Watching:
    """``allskycamera upload CAMERA --watch FOLDER`` running, its standard error read as it
    comes (a thread), stopped by SIGTERM; killed if it hangs."""

    def __init__(self, client: ArcsecondClient, portal: str, camera: str, folder: Path) -> None:
        self.out = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by __exit__)
        self.process = subprocess.Popen(
            [arcsecond_script(), "allskycamera", "upload", camera, "--watch", str(folder),
             "--interval", "0.2", "--settle", "1", "-p", portal, "-f", "json"],
            stdout=self.out, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env=client.env, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def __enter__(self) -> Watching:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.out.close()

    def stop(self) -> tuple[list[dict[str, Any]], str]:
        """SIGTERM: exit 143 within seconds; the report (JSON) and everything said."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(20)  # TimeoutExpired if it hangs: __exit__ kills it
        self.reader.join(10)
        assert self.process.returncode == 143, self.lines
        self.out.seek(0)
        return json.loads(self.out.read()), "".join(self.lines)

    def said(self, start: str) -> int:
        return sum(line.startswith(start) for line in list(self.lines))


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_watch_sends_new_images_once_each_and_stops_on_sigterm(team, tmp_path: Path) -> None:
    client, portal = team["member"], team["portal"]
    camera = client.json("allskycamera", "create", "--name", "Roof", "-p", portal)["uuid"]
    folder = tmp_path / "roof"
    (folder / ".cache").mkdir(parents=True)
    jpeg(folder / "before.jpg", "gray")
    jpeg(folder / ".cache" / "hidden.jpg")
    (folder / "camera.log").write_text("started\n")
    with Watching(client, portal, camera, folder) as first:
        wait_for(lambda: len(images(client, portal, camera)) == 1)
        night = folder / "20261203"
        night.mkdir()
        whole = jpeg(tmp_path / "whole.jpg", "white", "2026:12:03 23:59:59").read_bytes()
        with open(night / "late.jpg", "wb") as handle:  # written in two halves, as a camera may
            handle.write(whole[: len(whole) // 2])
            handle.flush()
            time.sleep(0.3)
            handle.write(whole[len(whole) // 2:])
        wait_for(lambda: len(images(client, portal, camera)) == 2)
        report, said = first.stop()
    landed = {i["file_name"]: i for i in images(client, portal, camera)}
    assert set(landed) == {"before.jpg", "late.jpg"}
    assert landed["late.jpg"]["size"] == len(whole)
    assert landed["late.jpg"]["utc_timestamp"] == "2026-12-03T23:59:59.000000Z"
    assert [(row["file"], row["status"]) for row in report] == [
        ("before.jpg", "sent"), ("20261203/late.jpg", "sent")]
    assert "interrupted: 2 sent, 0 already there, 0 failed" in said and "Traceback" not in said

    # a restart finds both on the server: nothing is sent twice
    with Watching(client, portal, camera, folder) as second:
        wait_for(lambda: second.said("already there ") == 2)
        report, said = second.stop()
    assert "interrupted: 0 sent, 2 already there, 0 failed" in said
    assert len(images(client, portal, camera)) == 2

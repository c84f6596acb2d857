"""End-to-end: file names arrive exactly, bad names are refused, fpack is read, and a second
upload of a name says what the dataset holds."""

from __future__ import annotations

import hashlib
import io
import tempfile
import uuid
from typing import Any

import pytest
import requests

from arcsecond_core.datafiles import MultipartFileBody

from .conftest import fits_bytes, new_user, partial_files

pytestmark = pytest.mark.e2e

ODD_NAMES = [
    "back\\slash.fits", "new\nline.fits", 'say "cheese".fits', "it's.fits", "semi;colon.fits",
    "été ✶ 天体.fits", "with  spaces .fits", " leading.fits", "100%.fits", "a%22b%0A.fits",
    "tab\there.fits", "c:\\dir\\x.fits", "=?utf-8?q?x?=.fits", "quote\\\".fits",
]


@pytest.fixture(scope="module")
def user(server):
    return new_user(server)


def send_as_the_cli(api: Any, dataset: str, name: str, content: bytes) -> requests.Response:
    """A POST with the very body the CLI streams (``MultipartFileBody``)."""
    with tempfile.TemporaryFile() as handle:
        handle.write(content)
        handle.seek(0)
        body = MultipartFileBody([("dataset", dataset), ("is_raw", "True")], "file", name,
                                 handle)
        data = b"".join(bytes(chunk) for chunk in iter(body.read, b""))
    return api.post("datafiles/", data=data, headers={"Content-Type": body.content_type})


@pytest.mark.parametrize("name", ODD_NAMES)
def test_the_cli_encoding_carries_every_name_exactly(user, name):
    _, api = user
    dataset = api.dataset()
    answer = send_as_the_cli(api, dataset["uuid"], name, b"x")
    assert answer.status_code == 201, answer.text
    assert answer.json()["file_name"] == name
    listed = api.get("datafiles/", params={"dataset": dataset["uuid"]}).json()["results"]
    assert [item["file_name"] for item in listed] == [name]
    again = send_as_the_cli(api, dataset["uuid"], name, b"x")
    assert again.status_code == 400 and "already exists in dataset" in again.text


@pytest.mark.parametrize("name", ["back\\slash.fits", 'say "cheese".fits', "new\nline.fits",
                                  "été ✶ 天体.fits", "semi;colon.fits", "100%.fits"])
def test_public_clients_keep_their_names(user, name):
    """requests/urllib3 2.x write names the HTML way (``"`` and LF escaped, ``\\`` as it is)."""
    _, api = user
    dataset = api.dataset()
    answer = api.upload(dataset["uuid"], name, b"y")
    assert answer.status_code == 201, answer.text
    assert answer.json()["file_name"] == name


def test_a_path_keeps_its_last_component(user):
    _, api = user
    answer = api.upload(api.dataset()["uuid"], "some/dir/x.fits", b"z")
    assert answer.status_code == 201 and answer.json()["file_name"] == "x.fits"


@pytest.mark.parametrize(("name", "message"), [
    (".", "not a valid file name"), ("..", "not a valid file name"),
    ("dir/..", "not a valid file name"), ("x" * 256, "at most 255 bytes (it has 256)"),
    ("é" * 128, "at most 255 bytes (it has 256)"), ("nul\x00.fits", "Null characters"),
])
def test_bad_names_are_refused_as_field_errors(server, user, name, message):
    _, api = user
    dataset = api.dataset()
    answer = send_as_the_cli(api, dataset["uuid"], name, b"x")
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["file"][0]
    assert partial_files(server) == []
    assert api.get("datafiles/", params={"dataset": dataset["uuid"]}).json()["count"] == 0


def test_an_empty_name_is_refused(user):
    _, api = user
    body = (b"--b\r\nContent-Disposition: form-data; name=\"dataset\"\r\n\r\n"
            + api.dataset()["uuid"].encode() + b"\r\n--b\r\nContent-Disposition: form-data; "
            b"name=\"file\"; filename=\"\"\r\n\r\nabc\r\n--b--\r\n")
    answer = api.post("datafiles/", data=body,
                      headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert answer.status_code == 400 and "file" in answer.json(), answer.text


def test_a_second_upload_of_a_name_says_what_the_dataset_holds(user):
    _, api = user
    dataset = api.dataset()
    content = fits_bytes({"OBJECT": "M1"})
    first = api.upload(dataset["uuid"], "m1.fits", content).json()
    again = api.upload(dataset["uuid"], "m1.fits", b"other bytes").json()
    assert "already exists in dataset" in again["detail"]
    assert again["checksum"] == hashlib.sha256(content).hexdigest() == first["checksum"]
    assert (again["id"], again["size"]) == (first["id"], len(content))


def test_fpack_frames_get_observations_and_night_logs(user):
    import numpy as np
    from astropy.io import fits

    _, api = user
    dataset = api.dataset()
    header = fits.Header({"DATE-OBS": "2024-03-10T22:30:00", "OBJECT": "M42",
                          "IMAGETYP": "Light Frame", "EXPTIME": 60.0, "FILTER": "R"})
    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(
        np.arange(256, dtype=np.int16).reshape(16, 16), header=header)]).writeto(buffer)
    body = api.upload(dataset["uuid"], f"{uuid.uuid4().hex}.fits.fz", buffer.getvalue()).json()
    assert (body["file_type"], body["compression"]) == ("fits", "fpack")
    assert body["date_obs"].startswith("2024-03-10T22:30:00") and body["night_log"]
    observation = api.get(f"observations/{body['observation']}/").json()
    assert (observation["target_name"], observation["filter"], observation["exposure_time"]) == (
        "M42", "R", 60.0)
    assert api.get(f"nightlogs/{body['night_log']}/").json()["date"] == "2024-03-10"

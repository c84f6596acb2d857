"""End-to-end: data file uploads, FITS/XISF/compressed inspection, observations, download."""

from __future__ import annotations

import hashlib
import os

import pytest

from .conftest import (
    bzip2_bytes,
    fits_bytes,
    gzip_bytes,
    new_user,
    partial_files,
    stored_files,
    xisf_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.e2e

LIGHT = {"DATE-OBS": "2024-03-10T22:30:00.5", "OBJECT": "M42", "FILTER": "Ha",
         "EXPTIME": 120.0, "IMAGETYP": "Light Frame"}


@pytest.fixture(scope="module")
def user(server):
    return new_user(server)


@pytest.fixture
def dataset(user):
    return user[1].dataset()


def test_fits_upload_creates_observation_and_night_log(server, user, dataset):
    _, api = user
    content = fits_bytes(LIGHT)
    answer = api.upload(dataset["uuid"], "m42.fits", content, tags="raw,  night1")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert isinstance(body["id"], int)
    assert body["dataset"] == dataset["uuid"] and body["file_name"] == "m42.fits"
    assert body["size"] == len(content)
    assert body["checksum"] == hashlib.sha256(content).hexdigest()
    assert body["file_type"] == "fits" and body["compression"] is None
    assert body["is_raw"] is True and body["tags"] == ["raw", "night1"]
    assert body["calibration"] is None and isinstance(body["observation"], int)
    assert body["date_obs"].startswith("2024-03-10T22:30:00.5")
    observation = api.get(f"observations/{body['observation']}/").json()
    assert observation["target_name"] == "M42" and observation["filter"] == "Ha"
    assert observation["exposure_time"] == 120.0 and observation["kind"] == "light"
    assert observation["datafile"] == body["id"] and observation["night_log"] == body["night_log"]
    log = api.get(f"nightlogs/{body['night_log']}/").json()
    assert log["date"] == "2024-03-10" and log["datafiles_count"] == 1
    assert log["telescope"] is None and log["observing_site"] is None
    assert api.get(f"datasets/{dataset['uuid']}/").json()["data_files_count"] == 1
    assert api.get(f"datafiles/{body['id']}/").json() == body


@pytest.mark.parametrize(("image_type", "kind"), [("Bias Frame", "bias"), ("ZERO", "bias"),
                                                  ("Dark Frame", "dark"), ("FLAT", "flat")])
def test_calibrations(user, dataset, image_type, kind):
    _, api = user
    cards = {"DATE-OBS": "2024-03-11T03:00:00", "IMAGETYP": image_type, "EXPTIME": 1.5}
    body = api.upload(dataset["uuid"], f"{kind}.fit", fits_bytes(cards)).json()
    assert body["observation"] is None and isinstance(body["calibration"], int)
    calibration = api.get(f"calibrations/{body['calibration']}/").json()
    assert calibration["kind"] == kind and calibration["exposure_time"] == 1.5
    assert api.get(f"observations/{body['calibration']}/").status_code == 404
    listed = api.get("calibrations/", params={"datafile": body["id"]}).json()["results"]
    assert [c["id"] for c in listed] == [body["calibration"]]


def test_duplicate_names_are_refused_per_dataset(server, user, dataset):
    _, api = user
    content = fits_bytes(LIGHT)
    assert api.upload(dataset["uuid"], "same.fits", content).status_code == 201
    before = stored_files(server)
    again = api.upload(dataset["uuid"], "same.fits", b"different bytes")
    assert again.status_code == 400
    assert "already exists in dataset" in again.text
    assert stored_files(server) == before and partial_files(server) == []
    other = api.dataset()
    assert api.upload(other["uuid"], "same.fits", content).status_code == 201


@pytest.mark.parametrize("content", [
    b"SIMPLE  =                    T / broken" + b"x" * 3000,
    b"not a fits file at all" * 10,
    b"SIMPLE  =                    T" + b" " * 50,
])
def test_corrupt_fits_is_stored_without_observation(user, dataset, content):
    _, api = user
    answer = api.upload(dataset["uuid"], "broken.fits", content)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["file_type"] == "fits" and body["size"] == len(content)
    assert body["observation"] is None and body["calibration"] is None
    assert body["night_log"] is None and body["date_obs"] is None
    assert api.get(f"datafiles/{body['id']}/download/").content == content


@pytest.mark.parametrize(("name", "pack", "compression"), [
    ("c.fits.gz", gzip_bytes, "gzip"), ("c.fits.gzip", gzip_bytes, "gzip"),
    ("c.fits.bz2", bzip2_bytes, "bzip2"), ("c.fts.bzip2", bzip2_bytes, "bzip2"),
    ("c.zip", lambda data: zip_bytes("inner.fits", data), "zip"),
])
def test_compressed_fits_is_inspected_inside(user, dataset, name, pack, compression):
    _, api = user
    content = pack(fits_bytes(LIGHT))
    body = api.upload(dataset["uuid"], name, content).json()
    assert body["compression"] == compression and body["file_type"] == "fits"
    assert body["size"] == len(content) and body["checksum"] == hashlib.sha256(content).hexdigest()
    observation = api.get(f"observations/{body['observation']}/").json()
    assert observation["target_name"] == "M42"


def test_corrupt_compressed_files(user, dataset):
    _, api = user
    packed = gzip_bytes(fits_bytes(LIGHT))
    scrambled = packed[:20] + bytes(b ^ 0x5A for b in packed[20:60]) + packed[60:]
    broken_zip = zip_bytes("inner.fits", fits_bytes(LIGHT))[:-30]
    for name, content, compression in (("cut.fits.gz", packed[:200], "gzip"),
                                       ("scrambled.fits.gz", scrambled, "gzip"),
                                       ("broken.zip", broken_zip, "zip"),
                                       ("cut.bin.bz2", bzip2_bytes(b"x" * 5000)[:40], "bzip2")):
        answer = api.upload(dataset["uuid"], name, content)
        assert answer.status_code == 201, (name, answer.text)
        body = answer.json()
        assert body["compression"] == compression, name
        assert body["observation"] is None and body["night_log"] is None, name
    assert api.get(f"datafiles/{body['id']}/").json()["file_type"] == "other"


def test_xisf_headers(user, dataset):
    _, api = user
    content = xisf_bytes({"DATE-OBS": "'2024-03-12T21:00:00'", "OBJECT": "'NGC 7000'",
                          "FILTER": "'OIII'", "EXPTIME": "300.", "IMAGETYP": "'LIGHT'"})
    body = api.upload(dataset["uuid"], "frame.xisf", content).json()
    assert body["file_type"] == "xisf" and body["date_obs"].startswith("2024-03-12T21:00:00")
    observation = api.get(f"observations/{body['observation']}/").json()
    assert (observation["target_name"], observation["filter"]) == ("NGC 7000", "OIII")
    assert observation["exposure_time"] == 300.0
    flat = xisf_bytes({"IMAGETYP": "'Flat'"},
                      {"Observation:Time:Start": "2024-03-12T23:00:00Z"})
    body = api.upload(dataset["uuid"], "flat.xisf", gzip_bytes(flat)).json()
    assert body["file_type"] == "xisf" and body["compression"] == "gzip"
    calibration = api.get(f"calibrations/{body['calibration']}/").json()
    assert calibration["kind"] == "flat" and calibration["date_obs"].startswith("2024-03-12T23")


def test_other_files_and_mime_type(user, dataset):
    _, api = user
    body = api.upload(dataset["uuid"], "notes.txt", b"hello").json()
    assert body["file_type"] == "other" and body["observation"] is None
    body = api.upload(dataset["uuid"], "noext", b"garbage", content_type="image/fits").json()
    assert body["file_type"] == "fits"
    body = api.upload(dataset["uuid"], "sub/dir/name.fits", fits_bytes(LIGHT)).json()
    assert body["file_name"] == "name.fits"


def test_download_patch_delete(server, user, dataset):
    _, api = user
    content = os.urandom(300_000)
    body = api.upload(dataset["uuid"], "blob.bin", content, is_raw="False").json()
    assert body["is_raw"] is False and body["tags"] == []
    download = api.get(f"datafiles/{body['id']}/download/")
    assert download.status_code == 200 and download.content == content
    assert "blob.bin" in download.headers["Content-Disposition"]
    patched = api.patch(f"datafiles/{body['id']}/", json={"tags": ["a", "b"], "is_raw": True})
    assert patched.status_code == 200
    assert patched.json()["tags"] == ["a", "b"] and patched.json()["is_raw"] is True
    assert api.patch(f"datafiles/{body['id']}/", json={"is_raw": "maybe"}).status_code == 400
    aliased = api.patch(f"datafiles/{body['id']}/", json={"custom_tags": ["c"]})
    assert aliased.json()["tags"] == ["c"]
    path = next(p for p in stored_files(server)
                if hashlib.sha256(p.read_bytes()).hexdigest() == body["checksum"])
    assert api.delete(f"datafiles/{body['id']}/").status_code == 204
    assert not path.exists()
    assert api.get(f"datafiles/{body['id']}/").status_code == 404
    assert api.get(f"datafiles/{body['id']}/download/").status_code == 404
    assert api.get("datafiles/abc/").status_code == 404


def test_deleting_a_dataset_deletes_its_files(server, user):
    _, api = user
    dataset = api.dataset()
    ids = [api.upload(dataset["uuid"], f"f{i}.fits", fits_bytes(LIGHT)).json()["id"]
           for i in range(3)]
    folder = server.data_dir / "files" / dataset["uuid"]
    assert len(list(folder.iterdir())) == 3
    log = api.get(f"datafiles/{ids[0]}/").json()["night_log"]
    count = api.get(f"nightlogs/{log}/").json()["datafiles_count"]
    assert api.delete(f"datasets/{dataset['uuid']}/").status_code == 204
    assert list(folder.iterdir()) == []
    assert all(api.get(f"datafiles/{i}/").status_code == 404 for i in ids)
    assert api.get(f"nightlogs/{log}/").json()["datafiles_count"] == count - 3


def test_filters(user):
    _, api = user
    first, second = api.dataset(), api.dataset()
    a = api.upload(first["uuid"], "a.fits", fits_bytes(LIGHT)).json()
    api.upload(second["uuid"], "b.fits", fits_bytes({**LIGHT, "DATE-OBS": "2023-01-01T20:00:00"}))
    listed = api.get("datafiles/", params={"dataset": first["uuid"]}).json()
    assert [f["id"] for f in listed["results"]] == [a["id"]]
    by_log = api.get("datafiles/", params={"night_log": a["night_log"]}).json()["results"]
    assert a["id"] in [f["id"] for f in by_log]
    assert all(f["night_log"] == a["night_log"] for f in by_log)
    observations = api.get("observations/", params={"night_log": a["night_log"]}).json()
    assert a["observation"] in [o["id"] for o in observations["results"]]
    assert api.get("datafiles/", params={"dataset": "zzz"}).status_code == 400
    assert api.get("observations/", params={"datafile": "zzz"}).status_code == 400


def test_upload_validation_errors(server, user, dataset):
    _, api = user
    _, other_api = new_user(server)
    foreign = other_api.dataset()
    cases = [
        (api.post("datafiles/", files=[("is_raw", (None, "True")),
                                       ("file", ("x.fits", b"x"))]), "dataset"),
        (api.upload(foreign["uuid"], "x.fits", b"x"), "dataset"),
        (api.upload("not-a-uuid", "x.fits", b"x"), "dataset"),
        (api.post("datafiles/", files=[("dataset", (None, dataset["uuid"])),
                                       ("is_raw", (None, "True"))]), "file"),
        (api.upload(dataset["uuid"], "x.fits", b"x", is_raw="perhaps"), "is_raw"),
    ]
    for answer, field in cases:
        assert answer.status_code == 400, answer.text
        assert field in answer.json()
    assert api.post("datafiles/", json={"dataset": dataset["uuid"]}).status_code == 415
    assert partial_files(server) == []
    assert api.get("datafiles/", params={"dataset": dataset["uuid"]}).json()["count"] == 0


def test_parts_in_any_order_and_custom_tags(user, dataset):
    _, api = user
    answer = api.post("datafiles/", files=[
        ("file", ("first.fits", fits_bytes(LIGHT), "application/octet-stream")),
        ("custom_tags", (None, "x,y")), ("dataset", (None, dataset["uuid"])),
    ])
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["file_name"] == "first.fits" and body["tags"] == ["x", "y"]
    assert body["is_raw"] is False and isinstance(body["observation"], int)

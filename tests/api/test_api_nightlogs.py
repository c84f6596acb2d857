"""Night logs, observations and calibrations through the Python module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.testing_client import ArcsecondClient
from tests.api.files import write_fits

pytestmark = pytest.mark.e2e


@pytest.fixture
def night(api: ArcsecondAPI, telescope: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Three frames at a Chilean telescope: two lights and a bias of the night of 2024-05-10."""
    dataset = api.datasets.create(name="Night of May 10", telescope=telescope["uuid"])
    frames = {
        # 23:30 and 03:00 UTC are 19:30 and 23:00 in Santiago (UTC-4): the night of the 10th.
        "light1.fits": {"OBJECT": "Eta Car", "FILTER": "Ha", "EXPTIME": 120.0,
                        "DATE_OBS": "2024-05-10T23:30:00"},
        "light2.fits": {"OBJECT": "Eta Car", "FILTER": "OIII", "EXPTIME": 180.0,
                        "DATE_OBS": "2024-05-11T03:00:00"},
        "bias.fits": {"IMAGETYP": "Bias Frame", "DATE_OBS": "2024-05-11T10:00:00"},
    }
    files = {name: api.datafiles.upload(write_fits(tmp_path / name, **cards), dataset["uuid"])
             for name, cards in frames.items()}
    return {"dataset": dataset, "files": files, "telescope": telescope}


def test_night_logs_are_made_as_files_arrive(api: ArcsecondAPI, night: dict[str, Any]) -> None:
    logs = list(api.nightlogs.list())
    assert len(logs) == 1
    log = logs[0]
    assert log["date"] == "2024-05-10"
    assert log["telescope"] == night["telescope"]["uuid"]
    assert log["observing_site"] == night["telescope"]["observing_site"]
    assert {f["night_log"] for f in night["files"].values()} == {log["uuid"]}
    assert api.nightlogs.read(log["uuid"]) == log
    assert api.nightlogs.find("2024-05-10") == log
    assert api.nightlogs.find_id("2024-05-10") == log["uuid"]
    assert [n["uuid"] for n in api.nightlogs.list(date="2024-05-10")] == [log["uuid"]]
    assert list(api.nightlogs.list(date="2024-05-11")) == []
    assert [f["file_name"] for f in api.datafiles.list(night_log=log["uuid"])] == [
        "light1.fits", "light2.fits", "bias.fits"]


def test_observations_and_calibrations(api: ArcsecondAPI, night: dict[str, Any]) -> None:
    log = api.nightlogs.find("2024-05-10")
    observations = list(api.observations.list(night_log=log["uuid"]))
    assert [(o["target_name"], o["filter"], o["exposure_time"]) for o in observations] == [
        ("Eta Car", "Ha", 120.0), ("Eta Car", "OIII", 180.0)]
    assert observations[0]["datafile"] == night["files"]["light1.fits"]["id"]
    assert api.observations.read(observations[0]["id"]) == observations[0]
    assert api.observations.find(str(observations[1]["id"])) == observations[1]
    bias = list(api.calibrations.list())
    assert [(c["kind"], c["datafile"]) for c in bias] == [
        ("bias", night["files"]["bias.fits"]["id"])]
    assert list(api.calibrations.list(datafile=night["files"]["light1.fits"]["id"])) == []
    with pytest.raises(errors.NotFound, match="no observation 999999 on "):
        api.observations.read(999999)
    with pytest.raises(errors.NotFound):
        api.calibrations.read(observations[0]["id"])


def test_frames_are_read_only(api: ArcsecondAPI, night: dict[str, Any]) -> None:
    observation = next(api.observations.list())
    with pytest.raises(errors.MethodNotAllowed) as raised:
        api.observations.update(observation["id"], target_name="other")
    assert raised.value.status_code == 405
    with pytest.raises(errors.MethodNotAllowed):
        api.calibrations.create(kind="dark")


def test_create_update_delete(api: ArcsecondAPI, telescope: dict[str, Any]) -> None:
    log = api.nightlogs.create(date="2024-06-01", telescope=telescope["uuid"])
    assert log["date"] == "2024-06-01"
    assert log["observing_site"] == telescope["observing_site"]
    moved = api.nightlogs.update(log["uuid"], date="2024-06-02")
    assert moved["date"] == "2024-06-02" and moved["telescope"] == telescope["uuid"]
    api.nightlogs.delete(log["uuid"])
    with pytest.raises(errors.NotFound, match="no night log"):
        api.nightlogs.read(log["uuid"])


def test_validation(api: ArcsecondAPI, telescope: dict[str, Any]) -> None:
    with pytest.raises(errors.ValidationError) as bad_date:
        api.nightlogs.create(date="10/05/2024")
    assert list(bad_date.value.fields) == ["date"]
    api.nightlogs.create(date="2024-07-01", telescope=telescope["uuid"])
    with pytest.raises(errors.ValidationError, match="already exists") as duplicate:
        api.nightlogs.create(date="2024-07-01", telescope=telescope["uuid"])
    assert list(duplicate.value.fields) == ["non_field_errors"]


def test_one_date_at_two_telescopes_is_ambiguous(arcsecond_server: Any, api: ArcsecondAPI,
                                                 telescope: dict[str, Any],
                                                 arcsecond_client: ArcsecondClient) -> None:
    second = arcsecond_server.admin("addtelescope", "Second scope", "--site",
                                    telescope["observing_site"], "--owner",
                                    arcsecond_client.username)
    first = api.nightlogs.create(date="2024-08-15", telescope=telescope["uuid"])
    other = api.nightlogs.create(date="2024-08-15", telescope=second["uuid"])
    with pytest.raises(errors.AmbiguousName) as raised:
        api.nightlogs.find("2024-08-15")
    message = str(raised.value)
    assert "2 nightlogs are dated '2024-08-15'" in message
    assert first["uuid"] in message and other["uuid"] in message
    assert raised.value.exit_code == 1
    assert api.nightlogs.find(first["uuid"]) == first


def test_portal_night_logs(arcsecond_client: ArcsecondClient, api: ArcsecondAPI, portal: str,
                           tmp_path: Path) -> None:
    with arcsecond_client.api(portal) as in_portal:
        dataset = in_portal.datasets.create(name="Portal night")
        in_portal.datafiles.upload(
            write_fits(tmp_path / "p.fits", OBJECT="M8", DATE_OBS="2024-09-01T01:00:00"),
            dataset["uuid"])
        log = in_portal.nightlogs.find("2024-08-31")
        assert [o["target_name"] for o in in_portal.observations.list(night_log=log["uuid"])] == [
            "M8"]
    assert list(api.nightlogs.list()) == []
    assert list(api.observations.list()) == []

"""Observation and calibration commands, and the resources this plugin declares."""

from __future__ import annotations


def upload_frames(arcsecond_client, fits_file) -> tuple[dict, dict]:
    api = arcsecond_client.api()
    dataset = api.datasets.create(name="Frames")
    light = api.datafiles.upload(
        fits_file("light.fits", OBJECT="NGC 7000", IMAGETYP="Light Frame", FILTER="Ha",
                  EXPTIME=300.0, DATE_OBS="2024-06-01T23:30:00"),
        dataset["uuid"],
    )
    dark = api.datafiles.upload(
        fits_file("dark.fits", IMAGETYP="Dark Frame", EXPTIME=300.0,
                  DATE_OBS="2024-06-02T04:00:00"),
        dataset["uuid"],
    )
    return light, dark


def test_observation_list_and_show(arcsecond_client, fits_file) -> None:
    light, _dark = upload_frames(arcsecond_client, fits_file)
    observations = arcsecond_client.json("example", "observation", "list")
    assert [o["target_name"] for o in observations] == ["NGC 7000"]
    shown = arcsecond_client.json("example", "observation", "show", str(observations[0]["id"]))
    assert shown["datafile"] == light["id"]
    assert shown["filter"] == "Ha"


def test_calibration_list_by_night_log_date(arcsecond_client, fits_file) -> None:
    upload_frames(arcsecond_client, fits_file)
    calibrations = arcsecond_client.json("example", "calibration", "list",
                                         "--night-log", "2024-06-01")
    assert [c["kind"] for c in calibrations] == ["dark"]
    missing = arcsecond_client.run("example", "calibration", "list", "--night-log", "2024-06-02")
    assert missing.returncode == 1
    assert "no night log dated '2024-06-02'" in missing.stderr


def test_show_unknown_observation(arcsecond_client) -> None:
    proc = arcsecond_client.run("example", "observation", "show", "999999")
    assert proc.returncode == 1
    assert "no observation '999999'" in proc.stderr


def test_declared_resources_in_the_python_module(arcsecond_client, fits_file) -> None:
    light, dark = upload_frames(arcsecond_client, fits_file)
    api = arcsecond_client.api()
    assert [o["datafile"] for o in api.example_observations.list()] == [light["id"]]
    assert [c["datafile"] for c in api.example_calibrations.list()] == [dark["id"]]

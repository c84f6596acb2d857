"""End-to-end: night logs run from local noon to local noon at the telescope's site."""

from __future__ import annotations

import pytest

from .conftest import fits_bytes, new_user, xisf_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def user(server):
    return new_user(server)


def telescope_at(server, user, name, *site_args):
    site = server.admin("addsite", name, *site_args)
    return server.admin("addtelescope", f"{name} scope", "--site", site["uuid"], "--owner",
                        user[0]["username"]), site


def night_of(api, dataset, name, date_obs, xisf=False):
    if xisf:
        content = xisf_bytes({"DATE-OBS": f"'{date_obs}'", "IMAGETYP": "'Light'"})
    else:
        content = fits_bytes({"DATE-OBS": date_obs, "IMAGETYP": "Light"})
    body = api.upload(dataset["uuid"], name, content)
    assert body.status_code == 201, body.text
    log = api.get(f"nightlogs/{body.json()['night_log']}/").json()
    return log


# (site arguments, [(UTC time, expected night date)]): both sides of local noon.
SITES = {
    # east of Greenwich, by time zone: Tokyo is UTC+9, local noon is 03:00 UTC
    "tokyo": (["--longitude", "139.69", "--latitude", "35.68", "--time-zone", "Asia/Tokyo"],
              [("2024-03-10T02:59:00", "2024-03-09"), ("2024-03-10T03:01:00", "2024-03-10")]),
    # west of Greenwich, by mean solar time: 105 W is UTC-7, local noon is 19:00 UTC
    "west-solar": (["--longitude", "-105", "--latitude", "40"],
                   [("2024-03-10T18:59:00", "2024-03-09"), ("2024-03-10T19:01:00", "2024-03-10"),
                    ("2024-03-11T06:00:00", "2024-03-10")]),
    # east of Greenwich, by mean solar time: 120 E is UTC+8, local noon is 04:00 UTC
    "east-solar": (["--longitude", "120", "--latitude", "-30"],
                   [("2024-03-10T03:59:00", "2024-03-09"), ("2024-03-10T04:01:00", "2024-03-10")]),
    # west of Greenwich, by time zone: Santiago in March 2024 is UTC-3 (summer time)
    "santiago": (["--longitude", "-70.7", "--latitude", "-30.2", "--time-zone",
                  "America/Santiago"],
                 [("2024-03-10T14:59:00", "2024-03-09"), ("2024-03-10T15:01:00", "2024-03-10")]),
}


@pytest.mark.parametrize("site_key", sorted(SITES))
def test_night_dates_either_side_of_local_noon(server, user, site_key):
    _, api = user
    site_args, cases = SITES[site_key]
    telescope, site = telescope_at(server, user, site_key, *site_args)
    dataset = api.dataset(telescope=telescope["uuid"])
    logs = []
    for i, (when, expected) in enumerate(cases):
        log = night_of(api, dataset, f"{i}.fits", when, xisf=bool(i % 2))
        assert log["date"] == expected, (site_key, when)
        assert log["telescope"] == telescope["uuid"] and log["observing_site"] == site["uuid"]
        logs.append(log["uuid"])
    assert len(set(logs)) == len({expected for _, expected in cases})
    listed = api.get("nightlogs/", params={"telescope": telescope["uuid"]}).json()["results"]
    counts = {log["date"]: log["datafiles_count"] for log in listed}
    expected_counts: dict[str, int] = {}
    for _, expected in cases:
        expected_counts[expected] = expected_counts.get(expected, 0) + 1
    assert counts == expected_counts


def test_dataset_without_telescope_uses_utc(user):
    _, api = user
    dataset = api.dataset()
    before = night_of(api, dataset, "a.fits", "2024-06-01T11:59:00")
    after = night_of(api, dataset, "b.fits", "2024-06-01T12:01:00")
    same = night_of(api, dataset, "c.fits", "2024-06-02T06:00:00")
    assert before["date"] == "2024-05-31" and after["date"] == "2024-06-01"
    assert same["uuid"] == after["uuid"] and same["datafiles_count"] == 2
    assert before["telescope"] is None and before["observing_site"] is None


def test_date_and_time_in_separate_cards_and_mjd(user):
    _, api = user
    dataset = api.dataset()
    split = api.upload(dataset["uuid"], "split.fits", fits_bytes(
        {"DATE-OBS": "2024-07-01", "TIME-OBS": "13:30:00", "IMAGETYP": "Light"})).json()
    assert split["date_obs"] == "2024-07-01T13:30:00Z"
    mjd = api.upload(dataset["uuid"], "mjd.fits", fits_bytes({"MJD-OBS": 60000.75})).json()
    assert mjd["date_obs"] == "2023-02-25T18:00:00Z"
    assert api.get(f"nightlogs/{mjd['night_log']}/").json()["date"] == "2023-02-25"


def test_nightlog_deletion_detaches_files(user):
    _, api = user
    dataset = api.dataset()
    body = api.upload(dataset["uuid"], "x.fits", fits_bytes({"DATE-OBS": "2022-01-01T20:00:00",
                                                             "IMAGETYP": "Light"})).json()
    assert api.delete(f"nightlogs/{body['night_log']}/").status_code == 204
    detached = api.get(f"datafiles/{body['id']}/").json()
    assert detached["night_log"] is None
    assert api.get(f"observations/{body['observation']}/").json()["night_log"] is None
    log = api.post("nightlogs/", json={"date": "2022-01-01"}).json()
    moved = api.patch(f"datafiles/{body['id']}/", json={"night_log": log["uuid"]}).json()
    assert moved["night_log"] == log["uuid"]
    assert api.get(f"nightlogs/{log['uuid']}/").json()["datafiles_count"] == 1

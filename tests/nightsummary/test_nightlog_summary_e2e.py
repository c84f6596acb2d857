"""The test night uploaded to the embedded server: filtered frames, ``nightlog summary``, the
night log's page and the dry run's summary, end to end."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from arcsecond_core.testing_client import ArcsecondClient, make_client

from .night import FRAMES, write_night
from .test_night_summary_e2e import EXPECTED_GROUPS, EXPECTED_MISSING, group_rows, missing_rows

NIGHT = "2024-03-10"


@pytest.fixture(scope="module")
def client(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> ArcsecondClient:
    return make_client(arcsecond_server, tmp_path_factory.mktemp("config"))


@pytest.fixture(scope="module")
def uploaded(client: ArcsecondClient, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The test night, and one more M31 light in another dataset, uploaded with --yes."""
    folder = write_night(tmp_path_factory.mktemp("night") / f"night-{uuid.uuid4().hex[:6]}")
    client.run("upload", str(folder), "--yes", check=True)
    other = tmp_path_factory.mktemp("other") / "other-night"
    write_night(other)
    for path in other.iterdir():
        if path.name != "m31_V_1.fits":
            path.unlink()
    client.run("upload", str(other), "--yes", check=True)
    with client.api() as api:
        files = {f["file_name"]: f for f in api.datafiles.list(dataset=api.datasets.find(
            folder.name)["uuid"])}
    return {"folder": folder, "dataset": folder.name, "files": files}


def test_observations_by_dataset_and_target(client: ArcsecondClient, uploaded: dict) -> None:
    m31 = client.json("observation", "list", "--dataset", uploaded["dataset"], "--target", "M31")
    expected = {uploaded["files"][name]["id"] for name, (_, cards) in FRAMES.items()
                if cards.get("OBJECT") == "M31"}
    assert {o["datafile"] for o in m31} == expected and len(expected) == 3
    everywhere = client.json("observation", "list", "--target", "M31")
    assert len(everywhere) == 4  # the other dataset's M31 light too
    one = client.json("observation", "show", str(m31[0]["id"]))
    assert one["target_name"] == "M31" and one["binning"] == "1x1"


def test_calibrations_by_kind(client: ArcsecondClient, uploaded: dict) -> None:
    darks = client.json("calibration", "list", "--kind", "dark", "--dataset", uploaded["dataset"])
    assert sorted(d["exposure_time"] for d in darks) == [60.0, 300.0]
    assert {d["kind"] for d in darks} == {"dark"}
    bias = client.json("calibration", "list", "--kind", "bias", "--night-log", NIGHT)
    assert len(bias) == 2
    table = client.run("calibration", "list", "--kind", "flat", check=True).stdout
    assert "| flat" in table and "| dark" not in table
    wrong = client.run("calibration", "list", "--kind", "light")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


def test_bad_filter_values_are_400s(client: ArcsecondClient, uploaded: dict) -> None:
    headers = client.server.headers(client.access_key)
    for query in ("calibrations/?kind=light", "observations/?kind=bias",
                  "observations/?dataset=not-a-uuid", "calibrations/?night_log=42"):
        answer = requests.get(client.server.endpoint(query), headers=headers, timeout=30)
        assert answer.status_code == 400, (query, answer.text)
        assert answer.json()


def test_nightlog_summary_matches_the_local_one(client: ArcsecondClient, uploaded: dict) -> None:
    answer = client.json("nightlog", "summary", NIGHT)
    # The server holds one more M31 V light (the other dataset's) in the same night log.
    groups = group_rows(answer)
    m31_v = groups.index(("light", "M31", "V", 30.0, "1x1", 3, 90.0))
    assert [*groups[:m31_v], EXPECTED_GROUPS[m31_v], *groups[m31_v + 1:]] == EXPECTED_GROUPS
    assert missing_rows(answer) == EXPECTED_MISSING
    assert answer["unreadable"] == []
    table = client.run("nightlog", "summary", NIGHT, check=True).stdout
    assert "a scaled dark could serve" in table
    unknown = client.run("nightlog", "summary", "2001-01-01")
    assert unknown.returncode == 1 and "no night log dated '2001-01-01'" in unknown.stderr


def test_the_night_log_page_shows_the_summary(client: ArcsecondClient, uploaded: dict) -> None:
    night_log = uploaded["files"]["bias_1.fits"]["night_log"]
    headers = {**client.server.headers(client.access_key), "Accept": "text/html"}
    page = requests.get(client.server.endpoint(f"nightlogs/{night_log}/"), headers=headers,
                        timeout=30)
    assert page.status_code == 200
    html = page.text.split('<details class="raw">')[0]
    assert 'id="summary"' in html and "NGC 7000" in html
    assert "no flat for filter Ha (1 light binned 2x2)" in html
    assert "a scaled dark could serve" in html


def test_upload_dry_run_ends_with_the_summary(client: ArcsecondClient, uploaded: dict,
                                              tmp_path: Path) -> None:
    folder = write_night(tmp_path / "dry")
    proc = client.run("upload", str(folder), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    listing, summary = proc.stdout.split("night summary:\n")
    assert "m31_V_2.fits.fz" in listing
    assert f"missing: {len(EXPECTED_MISSING)}" in summary and "NGC 7000" in summary
    assert "unreadable: 2" in summary
    as_json = client.run("upload", str(folder), "--dry-run", "-f", "json")
    assert len(json.loads(as_json.stdout)) == len(list(folder.iterdir()))
    assert "night summary:" in as_json.stderr
    assert client.json("dataset", "list", "--name", "dry") == []  # nothing sent


def test_nothing_hangs(client: ArcsecondClient) -> None:
    proc = client.run("nightlog", "summary", "not-a-date")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert isinstance(proc, subprocess.CompletedProcess)

"""``arcsecond night show|explore|plan``: the real console script against the embedded server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing_client import ArcsecondClient, make_client

from .conftest import assert_error

DATE = "2026-12-21"


@pytest.fixture(scope="module")
def night(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A user with La Silla, a telescope there, and a site at +69 degrees latitude."""
    client = make_client(arcsecond_server, tmp_path_factory.mktemp("night-config"))
    sfx = uuid.uuid4().hex[:6]
    admin = arcsecond_server.admin
    silla = admin("addsite", f"La Silla-{sfx}", "--longitude", "-70.7377", "--latitude", "-29.2567",
                  "--height", "2400", "--time-zone", "America/Santiago")
    north = admin("addsite", f"Tromso-{sfx}", "--longitude", "18.9553", "--latitude", "69.6492",
                  "--time-zone", "Europe/Oslo")
    scope = admin("addtelescope", f"Scope-{sfx}", "--site", silla["uuid"], "--owner", client.username)
    return {"client": client, "silla": silla, "north": north, "scope": scope, "sfx": sfx}


def test_night_show_gives_every_event_in_json_and_both_times_in_a_table(night: dict[str, Any]) -> None:
    client: ArcsecondClient = night["client"]
    events = client.json("night", "show", "--site", night["silla"]["name"], "--date", DATE)
    times = ["sunset", "civil_dusk", "nautical_dusk", "astronomical_dusk", "astronomical_dawn",
             "nautical_dawn", "civil_dawn", "sunrise"]
    assert all(events[name].endswith("Z") for name in times)
    assert [events[name] for name in times] == sorted(events[name] for name in times)
    assert events["date"] == DATE and events["no_astronomical_night"] is False
    assert 0 <= events["moon_illumination"] <= 1 and 6 < events["dark_hours"] < 8
    assert events["moonrise"] is None or events["moonrise"].endswith("Z")
    # The telescope's site gives the same night; the table shows UTC and local time.
    by_scope = client.json("night", "show", "--telescope", night["scope"]["name"], "--date", DATE)
    assert by_scope == events
    table = client.run("night", "show", "--site", night["silla"]["uuid"], "--date", DATE, check=True)
    assert "UTC" in table.stdout and "local, UTC-03:00" in table.stdout


def test_night_show_says_when_there_is_no_astronomical_night(night: dict[str, Any]) -> None:
    proc = night["client"].run("night", "show", "--site", night["north"]["name"], "--date",
                               "2026-06-21", "-f", "json", check=True)
    events = json.loads(proc.stdout)
    assert events["no_astronomical_night"] and events["sun_never_sets"]
    assert events["astronomical_dusk"] is None and events["sunset"] is None
    assert "no astronomical night" in proc.stderr and "the sun never sets" in proc.stderr


def test_night_explore_ranks_objects_and_bodies_and_draws_charts(night: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    client: ArcsecondClient = night["client"]
    chart = tmp_path / "night.png"
    proc = client.run("night", "explore", "--site", night["silla"]["name"], "--date", DATE,
                      "M42", "Jupiter", "Sirius", "Polaris", "--plot", str(chart), "-f", "json",
                      check=True)
    rows = json.loads(proc.stdout)
    assert [row["name"] for row in rows][-1] == "Polaris"  # never up at La Silla: last
    by_name = {row["name"]: row for row in rows}
    assert by_name["Polaris"]["hours_observable"] == 0 and by_name["Polaris"]["rises"] is None
    assert by_name["M42"]["hours_observable"] > 5 and by_name["M42"]["transit"].endswith("Z")
    assert abs(by_name["M42"]["declination"] - -5.39) < 0.05
    hours = [row["hours_observable"] for row in rows]
    assert hours == sorted(hours, reverse=True)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 20_000
    assert f"chart saved to {chart}" in proc.stderr
    text = client.run("night", "explore", "--site", night["silla"]["name"], "--date", DATE,
                      "M42", "Jupiter", "--chart", "-c", "name", "-f", "value", check=True).stdout
    lines = text.splitlines()
    assert "a M42  b Jupiter  m Moon" in text and all(len(line) <= 80 for line in lines)
    assert lines[-2:] == ["M42", "Jupiter"]
    csv = client.run("night", "explore", "--site", night["silla"]["name"], "--date", DATE, "M42",
                     "-f", "csv", "-c", "name", "-c", "best_time", check=True).stdout
    assert csv.splitlines()[0] == '"name","best_time"' and "Z" in csv.splitlines()[1]


def test_night_errors_are_one_clear_line(night: dict[str, Any]) -> None:
    client: ArcsecondClient = night["client"]
    site = night["silla"]["name"]
    assert_error(client.run("night", "show", "--site", "Nowhere", "--date", DATE), 1,
                 "no observing site named 'Nowhere'")
    assert_error(client.run("night", "explore", "--site", site, "--date", DATE, "No-such-thing-42"),
                 1, "no target or object named 'No-such-thing-42'")
    assert_error(client.run("night", "show", "--site", site, "--date", "2026-02-30"), 2,
                 "'2026-02-30' is not a date")
    assert_error(client.run("night", "show"), 2, "give --site SITE or --telescope TELESCOPE")
    assert_error(client.run("night", "explore", "--site", site, "M42", "--plot", "chart.gif"), 2,
                 "must end in .png, .svg or .pdf")


def test_night_explore_and_plan_a_target_list_saved_as_a_night_plan(night: dict[str, Any]) -> None:
    client: ArcsecondClient = night["client"]
    for name in ("M42", "Sirius", "Jupiter", "Polaris"):
        client.run("target", "create", "--name", name, check=True)
    listing = f"Tonight-{night['sfx']}"
    client.run("targetlist", "create", "--name", listing, "--target", "M42", "--target", "Sirius",
               "--target", "Jupiter", "--target", "Polaris", check=True)
    site = night["silla"]["name"]
    rows = client.json("night", "explore", "--site", site, "--date", DATE, "--targetlist", listing)
    assert {row["name"] for row in rows} == {"M42", "Sirius", "Jupiter", "Polaris"}
    proc = client.run("night", "plan", "--site", site, "--telescope", night["scope"]["name"],
                      "--date", DATE, "--targetlist", listing, "--exposure", "40m",
                      "--exposure", "Sirius=1h", "--priority", "Sirius", "-f", "json", check=True)
    planned = json.loads(proc.stdout)
    slots = [row for row in planned if row["start"]]
    assert {row["target"] for row in slots} == {"M42", "Sirius", "Jupiter"}
    assert [row for row in planned if row["left_out"]] == [
        {"target": "Polaris", "start": None, "end": None, "altitude_start": None,
         "altitude_end": None, "left_out": "never above the horizon during the night"}]
    assert "left out: Polaris: never above the horizon during the night" in proc.stderr
    uuid_saved = proc.stderr.split("night plan ")[1].split()[0]
    saved = client.json("nightplan", "show", uuid_saved)
    assert saved["date"] == DATE
    assert [(s["target_name"], s["start"], s["end"]) for s in saved["slots"]] == [
        (row["target"], row["start"], row["end"]) for row in slots]
    sirius = next(s for s in saved["slots"] if s["target_name"] == "Sirius")
    assert sirius["exposure_time"] == 3600
    # --dry-run saves nothing.
    before = client.json("nightplan", "list")
    client.run("night", "plan", "--site", site, "--date", DATE, "--targetlist", listing,
               "--dry-run", check=True)
    assert len(client.json("nightplan", "list")) == len(before)


def test_the_target_list_page_shows_the_nights_chart(night: dict[str, Any]) -> None:
    import base64
    import re

    import requests

    client: ArcsecondClient = night["client"]
    listing = client.json("targetlist", "create", "--name", f"Page-{night['sfx']}",
                          "--target", "M42", "--target", "Jupiter")
    if not listing["targets"]:  # the targets come from the test above when it ran first
        pytest.skip("no targets")
    url = f"{client.url}/targetlists/{listing['uuid']}/"
    headers = {"Accept": "text/html", "X-Arcsecond-API-Authorization": f"Key {client.access_key}"}
    page = requests.get(url, params={"site": night["silla"]["uuid"], "date": DATE}, headers=headers,
                        timeout=120)
    assert page.status_code == 200, page.text[:500]
    found = re.search(r'<img class="chart" src="data:image/png;base64,([^"]+)"', page.text)
    assert found, page.text[:2000]
    png = base64.b64decode(found.group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert f"night of {DATE} at {night['silla']['name']}" in page.text


def test_the_python_module_ranks_targets_as_data(night: dict[str, Any]) -> None:
    import datetime as dt

    api = night["client"].api()
    rows = api.observability(site=night["silla"]["name"], date=DATE, targets=["M42", "Polaris"],
                             min_altitude=20)
    assert [row["name"] for row in rows] == ["M42", "Polaris"]
    assert isinstance(rows[0]["transit"], dt.datetime) and rows[0]["transit"].tzinfo is not None
    assert rows[1]["hours_observable"] == 0 and rows[1]["rises"] is None
    events = api.night_events(telescope=night["scope"]["name"], date=DATE)
    assert events["astronomical_dusk"].endswith("Z") and events["date"] == DATE

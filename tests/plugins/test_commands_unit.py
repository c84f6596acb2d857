"""Unit tests of the resource commands: argument parsing and output shaping, on an API in memory."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from arcsecond_plugins.datafiles.commands import DeleteDataFile, ListDataFile, ShowDataFile, UpdateDataFile
from arcsecond_plugins.datapackages.commands import CreateDataPackage, UpdateDataPackage
from arcsecond_plugins.datasets.commands import (
    CreateDataset,
    DeleteDataset,
    ListDataset,
    ListDatasetAlias,
    ShowDataset,
    UpdateDataset,
)
from arcsecond_plugins.nightlogs.commands import CreateNightLog, ListNightLog, ShowNightLog
from arcsecond_plugins.profiles.commands import ListPortal
from arcsecond_plugins.telescopes.commands import ListTelescope, ListTelescopeAlias, ShowTelescope

from arcsecond_core import errors
from arcsecond_core.cli.base import web_url

from .fakes import FakeApp, TTYInput, run

T1, TWIN1, TWIN2, SITE = (str(uuid.uuid4()) for _ in range(4))
M31, M42 = str(uuid.uuid4()), str(uuid.uuid4())
NL1, NL2 = str(uuid.uuid4()), str(uuid.uuid4())


def dataset(uid: str, name: str, files: int = 0, telescope: str | None = None) -> dict[str, Any]:
    return {"uuid": uid, "name": name, "telescope": telescope, "data_files_count": files,
            "tags": ["a", "b"], "created": "2024-01-02T03:04:05Z", "modified": "2024-01-03T00:00:00Z"}


@pytest.fixture
def store() -> dict[str, list[dict[str, Any]]]:
    return {
        "telescopes": [
            {"uuid": T1, "name": "T1", "observing_site": SITE},
            {"uuid": TWIN1, "name": "Twin", "observing_site": SITE},
            {"uuid": TWIN2, "name": "Twin", "observing_site": SITE},
        ],
        "observingsites": [{"uuid": SITE, "name": "Pic", "longitude": 0.1, "latitude": 42.9}],
        "datasets": [dataset(M31, "M31", 3, T1), dataset(M42, "M42")],
        "datafiles": [
            {"id": 7, "dataset": M31, "file_name": "a.fits", "size": 10, "file_type": "fits",
             "is_raw": True, "tags": [], "night_log": NL1, "date_obs": None, "created": "x"},
        ],
        "nightlogs": [
            {"uuid": NL1, "date": "2024-03-10", "telescope": T1, "observing_site": SITE,
             "datafiles_count": 1},
            {"uuid": NL2, "date": "2024-03-10", "telescope": TWIN1, "observing_site": SITE,
             "datafiles_count": 0},
        ],
        "datapackages": [],
        "profile": [{"username": "alice", "email": "a@b.c", "memberships": [
            {"role": "admin", "organisation": {"subdomain": "pic", "name": "Pic Obs"}},
            {"role": "viewer", "organisation": {"subdomain": "ohp", "name": "OHP"}},
        ]}],
    }


@pytest.fixture
def app(store: dict[str, list[dict[str, Any]]]) -> FakeApp:
    return FakeApp(store)


def table_lines(app: FakeApp) -> list[str]:
    return [line for line in app.stdout.getvalue().splitlines() if line.startswith("|")]


# -- lists -----------------------------------------------------------------------------------


def test_list_table_shows_human_columns_in_their_order(app: FakeApp) -> None:
    assert run(ListDataset, [], app) == 0
    header, *rows = table_lines(app)
    assert [c.strip() for c in header.strip("|").split("|")] == list(ListDataset.columns)
    assert len(rows) == 2 and "M31" in rows[0] and "M42" in rows[1]
    assert "tags" not in header and "modified" not in header


def test_list_json_has_every_api_field_in_api_order(app: FakeApp, store: dict) -> None:
    run(ListDataset, ["-f", "json"], app)
    items = json.loads(app.stdout.getvalue())
    assert items == store["datasets"]
    assert list(items[0]) == list(store["datasets"][0])


def test_list_columns_by_api_field_name(app: FakeApp) -> None:
    run(ListDataset, ["-f", "json", "-c", "name", "-c", "tags"], app)
    assert json.loads(app.stdout.getvalue()) == [
        {"name": "M31", "tags": ["a", "b"]}, {"name": "M42", "tags": ["a", "b"]}
    ]


def test_unknown_column_is_a_usage_error(app: FakeApp) -> None:
    with pytest.raises(errors.UsageError, match=r"unknown column 'nope'.*data_files_count"):
        run(ListDataset, ["-c", "nope"], app)


def test_empty_list_prints_an_empty_table_and_empty_json(store: dict) -> None:
    store["datasets"].clear()
    app = FakeApp(store)
    run(ListDataset, [], app)
    assert len(table_lines(app)) == 1 and "name" in table_lines(app)[0]
    app = FakeApp(store)
    run(ListDataset, ["-f", "json"], app)
    assert json.loads(app.stdout.getvalue()) == []
    app = FakeApp(store)
    run(ListDataset, ["-c", "modified"], app)  # nothing to check the column against: accepted
    assert "modified" in app.stdout.getvalue()


def test_limit_stops_early_and_asks_for_small_pages(app: FakeApp) -> None:
    run(ListDataset, ["-f", "json", "--limit", "1"], app)
    assert [d["name"] for d in json.loads(app.stdout.getvalue())] == ["M31"]
    assert app.calls()[0] == ("LIST", "datasets", {"page_size": 1})


def test_page_size_default_and_option(app: FakeApp) -> None:
    run(ListDataset, ["-f", "json"], app)
    run(ListDataset, ["-f", "json", "--page-size", "50"], app)
    run(ListDataset, ["-f", "json", "--page-size", "1000"], app)
    assert [c[2]["page_size"] for c in app.calls()] == [1000, 50, 1000]


def test_page_size_over_the_api_maximum_is_a_usage_error(app: FakeApp) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(ListDataset, ["--page-size", "1001"], app)
    assert exit_info.value.code == 2
    assert app.calls() == []


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_limit_must_be_a_positive_whole_number(app: FakeApp, value: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(ListDataset, ["--limit", value], app)
    assert exit_info.value.code == 2


def test_filter_by_telescope_name_sends_its_uuid(app: FakeApp) -> None:
    run(ListDataset, ["--telescope", "T1", "-f", "value", "-c", "name"], app)
    assert app.stdout.getvalue().split() == ["M31"]
    assert ("LIST", "datasets", {"telescope": T1, "page_size": 1000}) in app.calls()


def test_ambiguous_lookup_names_the_candidates(app: FakeApp) -> None:
    with pytest.raises(errors.AmbiguousName, match=f"2 telescopes are named 'Twin'.*{TWIN1}"):
        run(ListDataset, ["--telescope", "Twin"], app)


def test_sort_column_works_on_any_field(app: FakeApp, store: dict) -> None:
    store["datasets"][1]["modified"] = "2030-01-01T00:00:00Z"
    run(ListDataset, ["-f", "value", "-c", "name", "--sort-column", "modified",
                      "--sort-descending"], app)
    assert app.stdout.getvalue().split() == ["M42", "M31"]


def test_portal_goes_to_the_api(app: FakeApp) -> None:
    run(ListDataset, ["-p", "pic", "-f", "json"], app)
    assert app.calls("pic") and not app.calls(None)


def test_aliases_are_hidden_list_commands() -> None:
    assert ListDatasetAlias.hidden and issubclass(ListDatasetAlias, ListDataset)
    assert ListTelescopeAlias.hidden and issubclass(ListTelescopeAlias, ListTelescope)
    assert not ListDataset.hidden


# -- show ------------------------------------------------------------------------------------


def test_show_by_name_and_by_uuid(app: FakeApp, store: dict) -> None:
    run(ShowDataset, ["M31", "-f", "json"], app)
    assert json.loads(app.stdout.getvalue()) == store["datasets"][0]
    app.stdout.truncate(0), app.stdout.seek(0)
    run(ShowDataset, [M42, "-f", "json", "-c", "name"], app)
    assert json.loads(app.stdout.getvalue()) == {"name": "M42"}
    assert ("GET", f"datasets/{M42}", {}) in app.calls()


def test_show_unknown_name_is_not_found(app: FakeApp) -> None:
    with pytest.raises(errors.NotFound, match="no dataset named 'M1'"):
        run(ShowDataset, ["M1"], app)


def test_show_unknown_column_is_a_usage_error(app: FakeApp) -> None:
    with pytest.raises(errors.UsageError):
        run(ShowTelescope, ["T1", "-c", "owner"], app)


def test_data_file_ids_are_whole_numbers(app: FakeApp) -> None:
    with pytest.raises(SystemExit):
        run(ShowDataFile, ["a.fits"], app)
    run(ShowDataFile, ["7", "-f", "value", "-c", "file_name"], app)
    assert app.stdout.getvalue().strip() == "a.fits"


def test_nightlog_by_date_may_be_ambiguous(app: FakeApp) -> None:
    with pytest.raises(errors.AmbiguousName):
        run(ShowNightLog, ["2024-03-10"], app)
    run(ListNightLog, ["--date", "2024-03-10", "--telescope", "T1", "-f", "value", "-c", "uuid"], app)
    assert app.stdout.getvalue().split() == [NL1]


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday"])
def test_nightlog_dates_are_checked(app: FakeApp, bad: str) -> None:
    with pytest.raises(SystemExit):
        run(CreateNightLog, ["--date", bad], app)


def test_datafile_filters_resolve_names(app: FakeApp) -> None:
    run(ListDataFile, ["--dataset", "M31", "-f", "value", "-c", "id"], app)
    assert app.stdout.getvalue().split() == ["7"]
    assert app.calls()[-1] == ("LIST", "datafiles", {"dataset": M31, "page_size": 1000})


# -- create / update -------------------------------------------------------------------------


def test_create_sends_the_options_as_fields(app: FakeApp) -> None:
    run(CreateDataset, ["--name", "NGC 1", "--telescope", "T1", "--tag", "x", "--tag", "y",
                        "-f", "json"], app)
    assert app.calls()[-1] == ("POST", "datasets", {"name": "NGC 1", "telescope": T1,
                                                     "tags": ["x", "y"]})
    assert json.loads(app.stdout.getvalue())["name"] == "NGC 1"


def test_create_requires_its_required_options(app: FakeApp) -> None:
    with pytest.raises(SystemExit):
        run(CreateDataset, ["--telescope", "T1"], app)


def test_update_sends_only_what_changes(app: FakeApp) -> None:
    run(UpdateDataset, ["M42", "--name", "Orion", "-f", "json"], app)
    assert app.calls()[-1] == ("PATCH", f"datasets/{M42}", {"name": "Orion"})


def test_update_without_changes_is_a_usage_error(app: FakeApp) -> None:
    with pytest.raises(errors.UsageError, match="nothing to update"):
        run(UpdateDataset, ["M42"], app)


def test_datafile_update_flags(app: FakeApp) -> None:
    run(UpdateDataFile, ["7", "--no-raw", "--tag", "t1", "--night-log", NL2, "-f", "json"], app)
    assert app.calls()[-1] == ("PATCH", "datafiles/7",
                               {"is_raw": False, "tags": ["t1"], "night_log": NL2})


def test_datapackage_lists_of_datasets_and_nightlogs(app: FakeApp) -> None:
    run(CreateDataPackage, ["--name", "P", "--dataset", "M31", "--dataset", M42,
                            "--nightlog", NL2, "-f", "json"], app)
    assert app.calls()[-1] == ("POST", "datapackages",
                               {"name": "P", "datasets": [M31, M42], "nightlogs": [NL2]})
    run(UpdateDataPackage, ["P", "--description", "d", "-f", "json"], app)
    assert app.calls()[-1][0] == "PATCH" and app.calls()[-1][2] == {"description": "d"}


# -- delete ----------------------------------------------------------------------------------


def test_dataset_delete_refuses_without_a_terminal(app: FakeApp, store: dict) -> None:
    with pytest.raises(errors.UsageError, match="--yes"):
        run(DeleteDataset, ["M31"], app)
    assert len(store["datasets"]) == 2


def test_dataset_delete_with_yes(app: FakeApp, store: dict) -> None:
    assert run(DeleteDataset, ["M31", M42, "--yes"], app) == 0
    assert store["datasets"] == []
    assert app.stdout.getvalue().count("deleted dataset") == 2


def test_dataset_delete_asks_and_says_what_goes(store: dict) -> None:
    app = FakeApp(store, stdin=TTYInput("n\ny\n"))
    assert run(DeleteDataset, ["M31", "M42"], app) == 1
    question = app.stderr.getvalue()
    assert f"Delete dataset 'M31' ({M31}) and its 3 data file(s)? [y/N]" in question
    assert "not deleted" in question
    assert [d["name"] for d in store["datasets"]] == ["M31"]


def test_delete_of_several_goes_on_past_a_missing_one(app: FakeApp, store: dict) -> None:
    with pytest.raises(errors.ArcsecondError, match="1 of 2 failed"):
        run(DeleteDataset, ["nope", "M31", "--yes"], app)
    assert len(store["datasets"]) == 1
    assert "deleted dataset 'M31'" in app.stdout.getvalue()


def test_datafile_delete_needs_yes_without_a_terminal(app: FakeApp, store: dict) -> None:
    with pytest.raises(errors.UsageError, match="--yes"):
        run(DeleteDataFile, ["7"], app)
    assert len(store["datafiles"]) == 1
    assert run(DeleteDataFile, ["7", "--yes"], app) == 0
    assert store["datafiles"] == []
    assert "deleted data file 7" in app.stdout.getvalue()


# -- portals, errors, web pages --------------------------------------------------------------


def test_portal_list_flattens_memberships(app: FakeApp) -> None:
    run(ListPortal, ["-f", "json"], app)
    assert json.loads(app.stdout.getvalue()) == [
        {"subdomain": "pic", "name": "Pic Obs", "role": "admin"},
        {"subdomain": "ohp", "name": "OHP", "role": "viewer"},
    ]
    app.stdout.truncate(0), app.stdout.seek(0)
    run(ListPortal, ["-f", "value", "-c", "subdomain", "--limit", "1"], app)
    assert app.stdout.getvalue().split() == ["pic"]


def test_portal_list_has_no_portal_option(app: FakeApp) -> None:
    with pytest.raises(SystemExit):
        run(ListPortal, ["-p", "pic"], app)


def test_forbidden_with_an_upload_key_says_what_to_do(store: dict) -> None:
    app = FakeApp(store, key_type="upload")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise errors.Forbidden("You do not have permission to perform this action. (403)", 403)

    app.api().session.delete = refuse  # type: ignore[method-assign]
    with pytest.raises(errors.Forbidden, match=r"upload key.*arcsecond login --type access"):
        run(DeleteDataset, ["M31", "--yes"], app)


def test_open_shows_the_object_page(app: FakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    run(ShowDataset, ["M31", "--open", "-f", "json"], app)
    run(ShowDataset, ["M31", "--open", "-f", "json", "-p", "pic"], app)
    # A local server answers a browser at the API URL itself, in the portal where there is one.
    assert opened == [f"http://fake.test/datasets/{M31}/", f"http://fake.test/pic/datasets/{M31}/"]
    assert f"opening {opened[0]}" in app.stderr.getvalue()


def test_web_url_of_every_kind_of_resource(store: dict) -> None:
    local = FakeApp(store).api("pic")
    assert web_url(local, "organisations", "pic") == "http://fake.test/organisations/pic/"
    assert web_url(local, "datafiles", 12) == "http://fake.test/pic/datafiles/12/"
    assert web_url(local, "telescopes") == "http://fake.test/pic/telescopes/"
    # A resource a plugin adds later (objects by name, spaces and slashes encoded).
    assert web_url(FakeApp(store).api(), "objects", "HD 5980/b") == (
        "http://fake.test/objects/HD%205980%2Fb/")
    cloud = FakeApp(store, api_server="https://api.arcsecond.io").api()
    assert web_url(cloud, "objects", "HD 5980") == "https://www.arcsecond.io/objects/HD%205980"
    assert web_url(cloud, "exoplanets", "51 Peg b") == "https://www.arcsecond.io/objects/51%20Peg%20b"
    assert web_url(cloud, "activities", 3) == "https://www.arcsecond.io/live/"


def test_open_on_the_cloud_uses_the_web_app(store: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url))
    app = FakeApp(store, api_server="https://api.arcsecond.io")
    run(ShowDataset, ["M31", "--open", "-p", "pic", "-f", "json"], app)
    run(ListDataset, ["--open", "-f", "json"], app)
    assert opened == [f"https://pic.app.arcsecond.io/datasets/{M31}/",
                      "https://app.arcsecond.io/datasets/"]

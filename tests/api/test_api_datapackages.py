"""Data packages through the Python module: full CRUD, partial updates, lookups."""

from __future__ import annotations

from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.testing_client import ArcsecondClient

pytestmark = pytest.mark.e2e


@pytest.fixture
def content(api: ArcsecondAPI, telescope: dict[str, Any]) -> dict[str, Any]:
    datasets = [api.datasets.create(name=f"Part {i}")["uuid"] for i in range(2)]
    nightlog = api.nightlogs.create(date="2024-02-02", telescope=telescope["uuid"])["uuid"]
    return {"datasets": datasets, "nightlog": nightlog}


def test_create_read_update_delete(api: ArcsecondAPI, content: dict[str, Any]) -> None:
    package = api.datapackages.create(name="Paper I", description="Figures 1-3",
                                      datasets=content["datasets"])
    assert package["name"] == "Paper I"
    assert package["datasets"] == content["datasets"]
    assert package["nightlogs"] == []
    assert api.datapackages.read(package["uuid"]) == package
    patched = api.datapackages.update(package["uuid"], nightlogs=[content["nightlog"]])
    assert patched["nightlogs"] == [content["nightlog"]]
    assert patched["datasets"] == content["datasets"]
    assert patched["description"] == "Figures 1-3"
    renamed = api.datapackages.update(package["uuid"], name="Paper II", datasets=[])
    assert (renamed["name"], renamed["datasets"]) == ("Paper II", [])
    assert api.datapackages.find("Paper II")["uuid"] == package["uuid"]
    assert [p["uuid"] for p in api.datapackages.list(name="Paper II")] == [package["uuid"]]
    api.datapackages.delete(package["uuid"])
    with pytest.raises(errors.NotFound, match="no data package"):
        api.datapackages.read(package["uuid"])


def test_validation(api: ArcsecondAPI, content: dict[str, Any]) -> None:
    with pytest.raises(errors.ValidationError) as missing:
        api.datapackages.create(description="no name")
    assert missing.value.fields == {"name": ["This field is required."]}
    with pytest.raises(errors.ValidationError) as not_a_list:
        api.datapackages.create(name="x", datasets=content["datasets"][0])
    assert list(not_a_list.value.fields) == ["datasets"]
    with pytest.raises(errors.ValidationError) as unknown:
        api.datapackages.create(name="x", nightlogs=["0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11"])
    assert "does not exist" in unknown.value.fields["nightlogs"][0]


def test_same_name_twice_is_ambiguous(api: ArcsecondAPI) -> None:
    first = api.datapackages.create(name="Draft")
    second = api.datapackages.create(name="Draft")
    with pytest.raises(errors.AmbiguousName, match="2 datapackages are named 'Draft'"):
        api.datapackages.find("Draft")
    with pytest.raises(errors.AmbiguousName):
        api.datapackages.find_id("Draft")
    assert api.datapackages.find(second["uuid"]) == second
    assert api.datapackages.find_id(first["uuid"]) == first["uuid"]


def test_packages_of_other_owners_are_invisible(arcsecond_client: ArcsecondClient,
                                                api: ArcsecondAPI, portal: str) -> None:
    mine = api.datapackages.create(name="Mine")
    with arcsecond_client.api(portal) as in_portal:
        theirs = in_portal.datapackages.create(name="Observatory's")
        assert [p["uuid"] for p in in_portal.datapackages.list()] == [theirs["uuid"]]
        with pytest.raises(errors.ValidationError):
            in_portal.datapackages.update(theirs["uuid"], datasets=[
                api.datasets.create(name="private")["uuid"]])
        with pytest.raises(errors.NotFound):
            in_portal.datapackages.read(mine["uuid"])
    assert [p["uuid"] for p in api.datapackages.list()] == [mine["uuid"]]

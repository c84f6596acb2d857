"""Datasets through the Python module: CRUD, lookups, validation, pagination, portals, scopes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI
from arcsecond_core.testing_client import ArcsecondClient
from tests.api.conftest import unique

pytestmark = pytest.mark.e2e
MISSING = "0b9d7f3e-1a55-4e0c-9a53-7f0b7d6b6e11"


def test_create_read_update_delete(api: ArcsecondAPI, telescope: dict[str, Any]) -> None:
    created = api.datasets.create(name="M31 night", telescope=telescope["uuid"])
    assert created["name"] == "M31 night"
    assert created["telescope"] == telescope["uuid"]
    assert created["data_files_count"] == 0
    assert api.datasets.read(created["uuid"]) == created
    updated = api.datasets.update(created["uuid"], name="M31 first night", tags=["m31", "rgb"])
    assert updated["name"] == "M31 first night"
    assert updated["tags"] == ["m31", "rgb"]
    assert updated["telescope"] == telescope["uuid"]
    assert api.datasets.delete(created["uuid"]) is None
    with pytest.raises(errors.NotFound, match=f"no dataset '{created['uuid']}'"):
        api.datasets.read(created["uuid"])


def test_list_filters_and_find(api: ArcsecondAPI, telescope: dict[str, Any]) -> None:
    first = api.datasets.create(name="NGC 7000")
    second = api.datasets.create(name="IC 1396", telescope=telescope["uuid"])
    listed = api.datasets.list()
    assert isinstance(listed, Iterator)
    assert [d["uuid"] for d in listed] == [first["uuid"], second["uuid"]]
    assert [d["uuid"] for d in api.datasets.list(name="NGC 7000")] == [first["uuid"]]
    assert [d["uuid"] for d in api.datasets.list(telescope=telescope["uuid"])] == [second["uuid"]]
    assert list(api.datasets.list(name="nothing")) == []
    assert api.datasets.find("IC 1396") == second
    assert api.datasets.find(second["uuid"]) == second
    assert api.datasets.find_id("NGC 7000") == first["uuid"]
    assert api.datasets.find_id(first["uuid"]) == first["uuid"]
    with pytest.raises(errors.NotFound, match="no dataset named 'M1'"):
        api.datasets.find("M1")


def test_validation_errors_carry_field_messages(api: ArcsecondAPI) -> None:
    api.datasets.create(name="Taken")
    with pytest.raises(errors.ValidationError) as duplicate:
        api.datasets.create(name="Taken")
    assert duplicate.value.status_code == 400
    assert duplicate.value.fields == {"name": ["A dataset with this name already exists."]}
    assert "name: A dataset with this name already exists." in str(duplicate.value)
    with pytest.raises(errors.ValidationError) as blank:
        api.datasets.create(name="  ")
    assert blank.value.fields == {"name": ["This field may not be blank."]}
    with pytest.raises(errors.ValidationError) as missing:
        api.datasets.create()
    assert missing.value.fields == {"name": ["This field is required."]}
    with pytest.raises(errors.ValidationError) as telescope:
        api.datasets.create(name="Somewhere", telescope=MISSING)
    assert list(telescope.value.fields) == ["telescope"]


def test_not_found(api: ArcsecondAPI) -> None:
    for call in (lambda: api.datasets.read(MISSING), lambda: api.datasets.delete(MISSING),
                 lambda: api.datasets.update(MISSING, name="x")):
        with pytest.raises(errors.NotFound) as raised:
            call()
        assert raised.value.status_code == 404


def count_requests(api: ArcsecondAPI) -> list[str]:
    """The URLs of the requests ``api`` sends from now on."""
    sent: list[str] = []
    api.session.http.hooks["response"].append(lambda response, **_: sent.append(response.url))
    return sent


@pytest.fixture
def many(api: ArcsecondAPI) -> list[str]:
    """250 datasets: three pages at the server's default page size of 100."""
    return [api.datasets.create(name=f"night {i:03d}")["uuid"] for i in range(250)]


def test_lazy_pagination_across_pages(api: ArcsecondAPI, many: list[str]) -> None:
    sent = count_requests(api)
    items = api.datasets.list()
    assert sent == []
    first_page = [next(items)["uuid"] for _ in range(100)]
    assert len(sent) == 1
    assert next(items)["uuid"] == many[100]
    assert len(sent) == 2 and "page=2" in sent[1]
    rest = [item["uuid"] for item in items]
    assert len(sent) == 3 and "page=3" in sent[2]
    assert [*first_page, many[100], *rest] == many
    assert len(set(many)) == 250


def test_limit_and_page_size(api: ArcsecondAPI, many: list[str]) -> None:
    sent = count_requests(api)
    assert [d["uuid"] for d in api.datasets.list(limit=5)] == many[:5]
    assert len(sent) == 1
    sent.clear()
    assert [d["uuid"] for d in api.datasets.list(page_size=40)] == many
    assert len(sent) == 7
    assert all("page_size=40" in url for url in sent)


def test_pagination_keeps_the_filters(api: ArcsecondAPI, telescope: dict[str, Any]) -> None:
    wanted = [api.datasets.create(name=f"t{i}", telescope=telescope["uuid"])["uuid"]
              for i in range(5)]
    api.datasets.create(name="elsewhere")
    found = api.datasets.list(telescope=telescope["uuid"], page_size=2)
    assert [d["uuid"] for d in found] == wanted


def test_portal_datasets_are_separate(arcsecond_client: ArcsecondClient, api: ArcsecondAPI,
                                      portal: str) -> None:
    with arcsecond_client.api(portal) as in_portal:
        assert in_portal.portal == portal
        shared = in_portal.datasets.create(name="Shared night")
        assert in_portal.session.url("datasets") == f"{arcsecond_client.url}/{portal}/datasets/"
        assert [d["uuid"] for d in in_portal.datasets.list()] == [shared["uuid"]]
        mine = api.datasets.create(name="Shared night")
        assert [d["uuid"] for d in api.datasets.list()] == [mine["uuid"]]
        with pytest.raises(errors.NotFound, match=f"in portal '{portal}'"):
            in_portal.datasets.read(mine["uuid"])
        api.datasets.create(name="Mine only")
        with pytest.raises(errors.NotFound, match=f"named 'Mine only' in portal '{portal}'"):
            in_portal.datasets.find("Mine only")


def test_portal_of_others_and_unknown_portals(arcsecond_server: Any,
                                              arcsecond_client: ArcsecondClient) -> None:
    subdomain = unique("closed")
    other = arcsecond_server.add_user(unique("other"))
    arcsecond_server.admin("addportal", subdomain, "--member", f"{other['username']}:admin")
    with arcsecond_client.api(subdomain) as outsider, pytest.raises(errors.Forbidden):
        list(outsider.datasets.list())
    with arcsecond_client.api("no-such-portal") as nowhere, pytest.raises(errors.NotFound):
        nowhere.datasets.create(name="x")


def test_viewer_role_is_read_only(arcsecond_server: Any, arcsecond_client: ArcsecondClient) -> None:
    subdomain = unique("view")
    arcsecond_server.admin("addportal", subdomain, "--member", f"{arcsecond_client.username}:viewer")
    with arcsecond_client.api(subdomain) as viewer:
        assert list(viewer.datasets.list()) == []
        with pytest.raises(errors.Forbidden, match="read-only"):
            viewer.datasets.create(name="x")


def test_upload_key_scope(api: ArcsecondAPI, upload_api: ArcsecondAPI) -> None:
    created = upload_api.datasets.create(name="From the observatory")
    assert upload_api.datasets.read(created["uuid"]) == created
    assert upload_api.datasets.find("From the observatory")["uuid"] == created["uuid"]
    for forbidden in (
        lambda: upload_api.datasets.update(created["uuid"], name="renamed"),
        lambda: upload_api.datasets.delete(created["uuid"]),
        lambda: list(upload_api.nightlogs.list()),
        lambda: list(upload_api.datapackages.list()),
        lambda: list(upload_api.datafiles.list()),
        lambda: upload_api.datapackages.create(name="p"),
    ):
        with pytest.raises(errors.Forbidden, match="not allowed with an upload key") as raised:
            forbidden()
        assert raised.value.status_code == 403
    api.datasets.delete(created["uuid"])

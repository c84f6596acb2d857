"""A confirmed run creates its new dataset beside the lookup: one round trip less before the
first file, and nothing left behind when the run goes no further."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arcsecond_plugins.upload.execute import execute
from arcsecond_plugins.upload.plan import Options, prepare

from arcsecond_core import errors

from .fakes import FakeAPI, FakeResource

WAIT = 10.0


class SlowLookup(FakeResource):
    """Datasets whose lookup answers only once a creation has arrived (a far link where both
    are in flight together); a lookup left alone fails after ``WAIT`` seconds."""

    def __init__(self, unique: bool = True) -> None:
        super().__init__()
        self.unique = unique
        self.created = threading.Event()
        self.deleted: list[str] = []

    def list(self, **filters: Any) -> Iterator[dict[str, Any]]:
        if not self.created.wait(WAIT):
            raise AssertionError("the lookup was not joined by the dataset's creation")
        return super().list(**filters)

    def create(self, **fields: Any) -> dict[str, Any]:
        try:
            if self.unique:
                return super().create(**fields)
            record = {"uuid": f"copy-{len(self.items)}", "telescope": None, **fields}
            self.items.append(record)
            return record
        finally:
            self.created.set()

    def delete(self, object_id: Any) -> None:
        self.deleted.append(object_id)
        super().delete(object_id)


def folder(tmp_path: Path, *names: str) -> Path:
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
    return tmp_path


def test_new_dataset_created_beside_its_lookup_and_used(tmp_path: Path) -> None:
    api = FakeAPI()
    api.datasets = SlowLookup()
    plan = prepare(api, Options(folder(tmp_path, "a.fits", "b.fits"), "night", jobs=2),
                   confirmed=True)
    assert [d["name"] for d in api.datasets.items] == ["night"]
    assert not plan.dataset.exists  # still the new dataset: nothing to list, all to send
    report = execute(plan)
    assert report.ok and report.dataset_uuid == api.datasets.items[0]["uuid"]
    assert sorted(f["file_name"] for f in api.datafiles.items) == ["a.fits", "b.fits"]
    assert len(api.datasets.items) == 1


def test_existing_dataset_refuses_the_creation_and_is_used(tmp_path: Path) -> None:
    api = FakeAPI()
    api.datasets = SlowLookup()
    api.datasets.items.append({"uuid": "old", "name": "night", "telescope": None})
    plan = prepare(api, Options(folder(tmp_path, "a.fits"), "night", jobs=1), confirmed=True)
    assert plan.dataset.uuid == "old" and plan.creation is None
    assert [d["uuid"] for d in api.datasets.items] == ["old"]


def test_a_server_without_unique_names_keeps_the_older_dataset(tmp_path: Path) -> None:
    api = FakeAPI()
    api.datasets = SlowLookup(unique=False)
    api.datasets.items.append({"uuid": "old", "name": "night", "telescope": None})
    plan = prepare(api, Options(folder(tmp_path, "a.fits"), "night", jobs=1), confirmed=True)
    assert plan.dataset.uuid == "old"
    assert api.datasets.deleted and [d["uuid"] for d in api.datasets.items] == ["old"]


def test_unconfirmed_run_creates_nothing_before_the_question(tmp_path: Path) -> None:
    api = FakeAPI()
    plan = prepare(api, Options(folder(tmp_path, "a.fits"), "night", jobs=1))
    assert api.datasets.items == [] and plan.creation is None


@pytest.mark.parametrize("names, options", [
    (("n1/img.fits", "n2/img.fits"), {}),  # duplicate names: refused before anything is made
    (("a.fits",), {"min_age": 3600.0}),  # every file too recent: nothing to send
])
def test_nothing_created_when_nothing_would_go(tmp_path: Path, names: tuple[str, ...],
                                               options: dict[str, Any]) -> None:
    api = FakeAPI()
    with contextlib.suppress(errors.UsageError):
        prepare(api, Options(folder(tmp_path, *names), "night", jobs=1, **options),
                confirmed=True)
    assert api.datasets.items == []


def test_created_dataset_deleted_when_the_lookup_fails(tmp_path: Path) -> None:
    api = FakeAPI()
    api.telescopes.items.append({"uuid": "5c3e0f7a-1d2b-4c5d-8e9f-0a1b2c3d4e5f", "name": "T"})

    def refused(name_or_id: str) -> dict[str, Any]:
        raise errors.NotFound(f"no telescope {name_or_id!r}", 404)

    api.telescopes.find = refused  # type: ignore[method-assign]
    with pytest.raises(errors.ArcsecondError):
        prepare(api, Options(folder(tmp_path, "a.fits"), "night",
                             "5c3e0f7a-1d2b-4c5d-8e9f-0a1b2c3d4e5f", jobs=1, retries=1),
                confirmed=True)
    assert api.datasets.items == []

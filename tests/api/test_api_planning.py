"""Targets, target lists and night plans through the Python module, against the real server."""

from __future__ import annotations

from typing import Any

import pytest

from arcsecond_core import errors
from arcsecond_core.api import ArcsecondAPI

pytestmark = pytest.mark.e2e


def manual(api: ArcsecondAPI, name: str, ra: float, dec: float) -> dict[str, Any]:
    return api.targets.create(name=name, coordinates={"right_ascension": ra, "declination": dec})


def test_targets_and_the_lists_extra_methods(api: ArcsecondAPI) -> None:
    m31 = api.targets.create(name="M31")
    assert m31["target_class"] == "AstronomicalObject" and isinstance(m31["id"], int)
    assert api.targets.find("M31") == m31 and api.targets.find(str(m31["id"])) == m31
    a, b = manual(api, "A", 1, 2), manual(api, "B", 3, 4)
    with pytest.raises(errors.ValidationError) as raised:
        api.targets.create(name="Nowhere-at-all")
    assert list(raised.value.fields) == ["name"]
    listed = api.targetlists.create(name="Tonight", targets=[m31["id"]])
    assert [t["id"] for t in api.targetlists.add_targets("Tonight", [b, a["id"], m31])
            ["targets"]] == [m31["id"], b["id"], a["id"]]
    assert [t["name"] for t in api.targetlists.set_targets(listed, [a, b])["targets"]] == [
        "A", "B"]
    assert [t["name"] for t in api.targetlists.remove_targets(listed["uuid"], [a])
            ["targets"]] == ["B"]
    with pytest.raises(ValueError, match="not in the list"):
        api.targetlists.remove_targets("Tonight", [m31])
    assert [t["name"] for t in api.targetlists.read(listed["uuid"])["targets"]] == ["B"]


def test_nightplans_by_date_narrowed_by_telescope(api: ArcsecondAPI,
                                                  telescope: dict[str, Any]) -> None:
    target = manual(api, "Plan target", 80, -20)
    slot = {"target": target["id"], "start": "2026-05-01T02:00:00Z",
            "end": "2026-05-01T03:00:00Z"}
    planned = api.nightplans.create(date="2026-04-30", telescope=telescope["uuid"], slots=[slot])
    api.nightplans.create(date="2026-04-30", slots=[])
    with pytest.raises(errors.AmbiguousName, match="give --telescope or --site"):
        api.nightplans.find("2026-04-30")
    narrowed = api.nightplans.narrowed(telescope=telescope["uuid"])
    assert narrowed.find("2026-04-30")["uuid"] == planned["uuid"]
    assert [p["uuid"] for p in narrowed.list()] == [planned["uuid"]]
    assert api.nightplans.find(planned["uuid"])["slots"][0]["target_name"] == "Plan target"
    with pytest.raises(errors.ValidationError):
        api.nightplans.create(date="2026-04-30", slots=[slot, slot])  # they overlap

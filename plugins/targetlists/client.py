"""``api.targetlists``: target lists, with their targets set, added or removed in one PATCH."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession


def target_id(target: Any) -> int:
    """A target's id, from the id itself or a target object."""
    value = target.get("id") if isinstance(target, dict) else target
    return int(value)


class TargetLists(Resource):
    """The ``targetlists`` resource; a list's ``targets`` embed the target objects."""

    def __init__(self, session: ArcsecondSession) -> None:
        super().__init__(session, "targetlists", singular="target list")

    def _list_id(self, target_list: Any) -> Any:
        return target_list.get("uuid") if isinstance(target_list, dict) else \
            self.find_id(target_list)

    def set_targets(self, target_list: Any, targets: Iterable[Any]) -> Record:
        """Make ``targets`` (ids or target objects) the whole list, in this order."""
        ids = list(dict.fromkeys(target_id(t) for t in targets))
        return self.update(self._list_id(target_list), targets=ids)

    def add_targets(self, target_list: Any, targets: Iterable[Any]) -> Record:
        """Add ``targets`` at the end of the list (those already in it stay where they are)."""
        uuid = self._list_id(target_list)
        current = [t["id"] for t in self.read(uuid).get("targets", [])]
        return self.set_targets(uuid, [*current, *(target_id(t) for t in targets)])

    def remove_targets(self, target_list: Any, targets: Iterable[Any]) -> Record:
        """Take ``targets`` out of the list (a target not in it is a ValueError, and nothing
        changes)."""
        uuid = self._list_id(target_list)
        current = [t["id"] for t in self.read(uuid).get("targets", [])]
        gone = {target_id(t) for t in targets}
        missing = sorted(gone - set(current))
        if missing:
            raise ValueError(f"not in the list: target {', '.join(map(str, missing))}")
        return self.set_targets(uuid, [pk for pk in current if pk not in gone])

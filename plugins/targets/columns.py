"""How targets show in tables: positions in sexagesimal, a list's targets one per line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from cliff.columns import FormattableColumn

from .coordinates import position, sexagesimal

#: Formats that keep nested values as they are; the others (table, csv, value...) get text.
NESTED_FORMATS = frozenset({"json", "yaml"})


def cell(parsed_args: argparse.Namespace | None,
         column: type[FormattableColumn]) -> Callable[[Any], Any]:
    """What shows a field: ``column`` for JSON and YAML, its text for people and spreadsheets
    (a CSV cell holds ``00:42:44.4 +41:16:09``, not a Python dict)."""
    if parsed_args is None or getattr(parsed_args, "formatter", "") in NESTED_FORMATS:
        return column
    return lambda value: column(value).human_readable()


class CoordinatesColumn(FormattableColumn):
    """``{right_ascension, declination}`` shown as ``00:42:44.3 +41:16:08``; kept for machines."""

    def human_readable(self) -> str:
        value = self._value or {}
        return sexagesimal(value.get("right_ascension"), value.get("declination"))

    def machine_readable(self) -> Any:
        return self._value


class ObjectColumn(FormattableColumn):
    """A target's catalogue object shown as ``NGC0224 00:42:44.8 +41:16:09``."""

    def human_readable(self) -> str:
        value = self._value or {}
        place = value.get("equatorial_coordinates") or {}
        where = sexagesimal(place.get("right_ascension"), place.get("declination"))
        return f"{value.get('name') or ''} {where}".strip()

    def machine_readable(self) -> Any:
        return self._value


def target_line(target: dict[str, Any]) -> str:
    """One target in a line: name, position, class (and id)."""
    where = sexagesimal(*position(target))
    return f"{target.get('name')}  {where}  {target.get('target_class')}  (id {target.get('id')})"


class TargetsColumn(FormattableColumn):
    """A target list's embedded targets, one per line for people; the objects for machines."""

    def human_readable(self) -> str:
        return "\n".join(target_line(t) for t in self._value or [])

    def machine_readable(self) -> Any:
        return self._value


class TargetNamesColumn(TargetsColumn):
    """A target list's targets by name, on one line (list tables stay one row per list)."""

    def human_readable(self) -> str:
        return ", ".join(str(t.get("name")) for t in self._value or [])

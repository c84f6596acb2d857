"""``arcsecond nightplan export``: the observing list of a plan, one row per slot."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from typing import Any

from arcsecond_plugins.targets.coordinates import position, sexagesimal
from cliff.columns import FormattableColumn
from cliff.lister import Lister

from arcsecond_core.cli.base import ColumnChoice
from arcsecond_core.cli.resource_commands import ResourceCommand, TargetArgument
from arcsecond_core.errors import NotFound

from .commands import RESOURCE, PlanArgument

EXPORT_COLUMNS = (
    "target", "right_ascension", "declination", "ra_sexagesimal", "dec_sexagesimal",
    "start", "end", "altitude_start", "altitude_end", "exposure_time", "duration",
)

DEGREES = ("right_ascension", "declination")


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def duration(item: dict[str, Any]) -> float | None:
    """A slot's length in seconds."""
    try:
        return (_moment(item["end"]) - _moment(item["start"])).total_seconds()
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def slot_line(item: dict[str, Any]) -> str:
    """A slot in a line: ``23:00-01:00 UTC  M31  40°→62°``."""
    start, end = str(item.get("start") or "")[11:16], str(item.get("end") or "")[11:16]
    altitudes = [f"{v:.0f}°" if isinstance(v, (int, float)) else "—"
                 for v in (item.get("altitude_start"), item.get("altitude_end"))]
    return f"{start}-{end} UTC  {item.get('target_name')}  {altitudes[0]}→{altitudes[1]}"


class SlotsColumn(FormattableColumn):
    """A plan's slots, one per line for people; the slot objects for machines."""

    def human_readable(self) -> str:
        return "\n".join(slot_line(item) for item in self._value or [])

    def machine_readable(self) -> Any:
        return self._value


class SlotsCountColumn(SlotsColumn):
    """A plan's slots as their number (list tables stay one row per plan)."""

    def human_readable(self) -> str:
        return str(len(self._value or []))


class ExportNightPlan(PlanArgument, TargetArgument, ColumnChoice, ResourceCommand, Lister):
    """Export a night plan's observing list: one row per slot, with the target's coordinates"""

    resource = RESOURCE
    web_option = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_target(parser)
        return parser

    def default_columns(self, parsed_args: argparse.Namespace,
                        column_names: Sequence[str]) -> list[str]:
        """Tables for people show the coordinates in sexagesimal only."""
        if parsed_args.formatter == "table":
            return [name for name in column_names if name not in DEGREES]
        return list(column_names)

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list]:
        plan = self.client(parsed_args).find(parsed_args.target)
        targets = self.api(parsed_args).resource("targets")
        found: dict[Any, dict[str, Any] | None] = {}
        rows = []
        for item in plan.get("slots", []):
            pk = item.get("target")
            if pk is not None and pk not in found:
                try:
                    found[pk] = targets.read(pk)
                except NotFound:  # deleted since: the slot keeps its name, not its place
                    found[pk] = None
            ra, dec = position(found.get(pk) or {})
            rows.append((
                item.get("target_name"), ra, dec, sexagesimal(ra, dec)[:10] or None,
                sexagesimal(ra, dec)[11:] or None, item.get("start"), item.get("end"),
                item.get("altitude_start"), item.get("altitude_end"), item.get("exposure_time"),
                duration(item),
            ))
        return EXPORT_COLUMNS, rows

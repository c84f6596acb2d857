"""``arcsecond nightplan export``: the observing list of a plan, one row per slot."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from arcsecond_plugins.targets.coordinates import position, sexagesimal
from cliff.lister import Lister

from arcsecond_core.cli.base import ColumnChoice
from arcsecond_core.cli.resource_commands import ResourceCommand, TargetArgument
from arcsecond_core.errors import NotFound

from .commands import RESOURCE, PlanArgument
from .slots import duration

EXPORT_COLUMNS = (
    "target", "right_ascension", "declination", "ra_sexagesimal", "dec_sexagesimal",
    "start", "end", "altitude_start", "altitude_end", "exposure_time", "duration",
)

DEGREES = ("right_ascension", "declination")


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

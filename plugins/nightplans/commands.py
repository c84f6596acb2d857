"""``arcsecond nightplan ...``: night plans, given by UUID or by date (as night logs are)."""

from __future__ import annotations

import argparse
from typing import Any

from arcsecond_core.cli.legacy import LegacyPlural
from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceLister,
    ResourceShow,
    option_values,
)
from arcsecond_core.cli.resource_delete import ResourceDelete


def night_date(text: str) -> str:
    """A date as the API writes it (``YYYY-MM-DD``); argparse reports anything else."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


RESOURCE = "nightplans"
TELESCOPE = Option("--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
                   help="Telescope, by name or UUID.")
SITE = Option("--site", "observing_site", lookup="observingsites", metavar="SITE",
              extra_flags=("--observing-site",), help="Observing site, by name or UUID.")
NARROWING = (TELESCOPE, SITE)


class PlanArgument:
    """A plan by UUID, or by date with ``--telescope``/``--site`` to pick among several."""

    argument = "PLAN"
    argument_help = ("The night plan's UUID, or its date (YYYY-MM-DD); --telescope or --site "
                     "picks among plans of the same date.")

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)  # type: ignore[misc]
        for option in NARROWING:
            option.add_to(parser)
        return parser

    def client(self, parsed_args: argparse.Namespace) -> Any:
        plans = super().client(parsed_args)  # type: ignore[misc]
        return plans.narrowed(**option_values(NARROWING, parsed_args, self))  # type: ignore[arg-type]


class SlotsCount:
    """A plan's slots one per line in tables (or their number, in lists); every slot in JSON."""

    count_only = False

    def cells(self, parsed_args: argparse.Namespace, *, with_id: bool = False) -> dict[str, Any]:
        from arcsecond_plugins.targets.columns import cell

        from .slots import SlotsColumn, SlotsCountColumn

        cells = super().cells(parsed_args, with_id=with_id)  # type: ignore[misc]
        cells["slots"] = cell(parsed_args, SlotsCountColumn if self.count_only else SlotsColumn)
        return cells


class ListNightPlan(SlotsCount, ResourceLister):
    """List night plans"""

    resource = RESOURCE
    count_only = True
    columns = ("date", "uuid", "telescope", "observing_site", "slots", "night_log")
    optional_columns = ("night_log", "observing_site", "telescope")
    filters = (
        Option("--date", "date", kind=night_date, metavar="YYYY-MM-DD", help="The night's date."),
        TELESCOPE,
        SITE,
        Option("--targetlist", "targetlist", lookup="targetlists", metavar="TARGET_LIST",
               help="Target list, by name or UUID."),
    )


class ShowNightPlan(PlanArgument, SlotsCount, ResourceShow):
    """Show a night plan, by UUID or date"""

    resource = RESOURCE


class DeleteNightPlan(PlanArgument, ResourceDelete):
    """Delete night plans, by UUID or date (their targets and night logs stay)"""

    resource = RESOURCE


class NightPlansOldForm(LegacyPlural):
    """Plural form of 'nightplan': nightplans [list|delete|PLAN]"""

    noun = "nightplan"
    verbs = ("list", "show", "delete")

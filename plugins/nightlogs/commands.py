"""``arcsecond nightlog ...``: list, show, create, update and delete night logs."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
    option_values,
)
from arcsecond_core.cli.resource_delete import ResourceDelete
from arcsecond_core.errors import UsageError

RESOURCE = "nightlogs"


def night_date(text: str) -> str:
    """A date as the API writes it (``YYYY-MM-DD``); argparse reports anything else."""
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


DATE = Option("--date", "date", kind=night_date, metavar="YYYY-MM-DD",
              help="The night's date (the local date of the noon that starts it).")
TELESCOPE = Option("--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
                   help="Telescope, by name or UUID.")
SITE = Option("--observing-site", "observing_site", lookup="observingsites", metavar="SITE",
              help="Observing site, by name or UUID (a telescope's site wins).")


class NightLogTarget:
    argument = "NIGHT_LOG"
    argument_help = "The night log's UUID, or its date (YYYY-MM-DD) when only one has it."


class ListNightLog(ResourceLister):
    """List night logs"""

    resource = RESOURCE
    columns = ("date", "uuid", "telescope", "observing_site", "datafiles_count")
    optional_columns = ("observing_site", "datafiles_count", "telescope")
    filters = (DATE, TELESCOPE, SITE)


class ListNightLogAlias(ListNightLog):
    """List night logs (same as 'nightlog list')"""

    hidden = True


class ShowNightLog(NightLogTarget, ResourceShow):
    """Show a night log, by UUID or date"""

    resource = RESOURCE
    argument_help = ("The night log's UUID, or its date (YYYY-MM-DD); --telescope or --site "
                     "picks among night logs of the same date.")
    filters = (
        TELESCOPE,
        Option("--site", "observing_site", lookup="observingsites", metavar="SITE",
               extra_flags=("--observing-site",), help="Observing site, by name or UUID."),
    )

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        for option in self.filters:
            option.add_to(parser)
        return parser

    def find(self, parsed_args: argparse.Namespace, name_or_id: str) -> dict[str, Any]:
        return find_night_log(self, parsed_args, name_or_id)


def find_night_log(command: Any, parsed_args: argparse.Namespace,
                   name_or_id: str) -> dict[str, Any]:
    """The night log a UUID or date names; ``command``'s filters (telescope, site) pick among
    night logs of the same date."""
    from arcsecond_core.resources import is_uuid

    client = command.api(parsed_args).resource(RESOURCE)
    if is_uuid(name_or_id):
        return client.find(name_or_id)
    try:
        date = night_date(name_or_id)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{exc}, nor a UUID") from None
    filters = option_values(command.filters, parsed_args, command)
    matches = [log for log in client.list(date=date, **filters) if log.get("date") == date]
    return client.only(matches, date, "give --telescope or --site, or use the uuid")


class CreateNightLog(ResourceCreate):
    """Create a night log"""

    resource = RESOURCE
    fields = (
        Option("--date", "date", kind=night_date, required=True, metavar="YYYY-MM-DD",
               help="The night's date."),
        TELESCOPE,
        SITE,
    )


class UpdateNightLog(NightLogTarget, ResourceUpdate):
    """Change the date, telescope or site of a night log"""

    resource = RESOURCE
    fields = (DATE, TELESCOPE, SITE)


class DeleteNightLog(NightLogTarget, ResourceDelete):
    """Delete night logs (their data files stay, without a night log)"""

    resource = RESOURCE

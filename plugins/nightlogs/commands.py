"""``arcsecond nightlog ...``: list, show, create, update and delete night logs."""

from __future__ import annotations

import argparse
import datetime as dt

from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceDelete,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
)

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
    filters = (DATE, TELESCOPE, SITE)


class ShowNightLog(NightLogTarget, ResourceShow):
    """Show a night log, by UUID or date"""

    resource = RESOURCE


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

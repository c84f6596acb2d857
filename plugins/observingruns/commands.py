"""``arcsecond observingrun ...``: observing runs, linking night logs."""

from __future__ import annotations

import argparse

from arcsecond_core.cli.legacy import LegacyPlural, add_hidden_options
from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "observingruns"
OLD_SPELLINGS = {"--observing_site": "observing_site", "--start_date": "start_date",
                 "--end_date": "end_date"}
FIELDS = (
    Option("--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
           help="Telescope, by name or UUID."),
    Option("--observing-site", "observing_site", lookup="observingsites", metavar="SITE",
           help="Observing site, by name or UUID."),
    Option("--start-date", "start_date", metavar="YYYY-MM-DD", help="First night."),
    Option("--end-date", "end_date", metavar="YYYY-MM-DD", help="Last night."),
    Option("--night-log", "nightlogs", lookup="nightlogs", multiple=True, metavar="NIGHT_LOG",
           help="A night log of the run, by UUID or date (repeat for more); on update, the new "
                "list."),
)


class _OldSpellings:
    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)  # type: ignore[misc]
        add_hidden_options(parser, OLD_SPELLINGS)
        return parser


class ListObservingRun(ResourceLister):
    """List observing runs"""

    resource = RESOURCE
    columns = ("name", "uuid", "start_date", "end_date", "telescope")
    filters = (
        Option("--name", "name", metavar="NAME", help="Only the run with this exact name."),
        FIELDS[0],
    )


class ShowObservingRun(ResourceShow):
    """Show an observing run, by name or UUID"""

    resource = RESOURCE
    argument = "RUN"


class CreateObservingRun(_OldSpellings, ResourceCreate):
    """Create an observing run"""

    resource = RESOURCE
    fields = (Option("--name", "name", required=True, metavar="NAME", help="Its name."), *FIELDS)


class UpdateObservingRun(_OldSpellings, ResourceUpdate):
    """Rename an observing run, or change its telescope, dates or night logs"""

    resource = RESOURCE
    argument = "RUN"
    fields = (Option("--name", "name", metavar="NAME", help="The new name."), *FIELDS)


class DeleteObservingRun(ResourceDelete):
    """Delete observing runs (their night logs stay)"""

    resource = RESOURCE
    argument = "RUN"


class ObservingRunsOldForm(LegacyPlural):
    """Older form of 'observingrun': observingruns [read [UUID]|list|create|update|delete]"""

    noun = "observingrun"

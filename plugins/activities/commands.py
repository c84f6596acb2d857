"""``arcsecond activity ...``: the public log of what is being observed."""

from __future__ import annotations

import argparse
import math

from arcsecond_core.cli.legacy import LegacyPlural, add_hidden_options
from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
    TargetArgument,
    identifier,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "activities"
OLD_SPELLINGS = {"--observing_site": "observing_site", "--target_name": "target_name"}


def coordinates(text: str) -> dict[str, float]:
    """argparse type: ``RA,DEC`` in degrees."""
    try:
        ra, dec = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not RA,DEC in degrees") from None
    if not (math.isfinite(ra) and math.isfinite(dec) and 0 <= ra < 360 and -90 <= dec <= 90):
        raise argparse.ArgumentTypeError(f"{text!r}: RA must be in [0, 360) and DEC in [-90, 90]")
    return {"right_ascension": ra, "declination": dec}


FIELDS = (
    Option("--title", "title", metavar="TITLE", help="What is happening."),
    Option("--content", "content", metavar="TEXT", help="More about it."),
    Option("--observing-site", "observing_site", lookup="observingsites", metavar="SITE",
           help="Observing site, by name or UUID."),
    Option("--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
           help="Telescope, by name or UUID."),
    Option("--instrument", "instrument", lookup="instruments", metavar="INSTRUMENT",
           help="Instrument, by name or UUID."),
    Option("--target-name", "target_name", metavar="NAME", help="The object observed."),
    Option("--coordinates", "coordinates", kind=coordinates, metavar="RA,DEC",
           help="Where, in degrees (ICRS)."),
)


class ActivityTarget(TargetArgument):
    argument = "ID"
    argument_help = "The activity's id (a whole number)."
    argument_type = staticmethod(identifier)


class ListActivity(ResourceLister):
    """List activities, newest first"""

    resource = RESOURCE
    columns = ("id", "title", "target_name", "profile", "creation_date")


class ShowActivity(ActivityTarget, ResourceShow):
    """Show an activity"""

    resource = RESOURCE


class CreateActivity(ResourceCreate):
    """Log an activity (what you are observing, where, with what)"""

    resource = RESOURCE
    fields = (Option("--title", "title", required=True, metavar="TITLE",
                     help="What is happening."), *FIELDS[1:])

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_hidden_options(parser, OLD_SPELLINGS)
        return parser


class UpdateActivity(ActivityTarget, ResourceUpdate):
    """Change one of your activities"""

    resource = RESOURCE
    fields = FIELDS

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_hidden_options(parser, OLD_SPELLINGS)
        return parser


class DeleteActivity(ActivityTarget, ResourceDelete):
    """Delete your activities"""

    resource = RESOURCE


class ActivitiesOldForm(LegacyPlural):
    """Older form of 'activity': activities [read [ID]|list|create|update ID|delete ID]"""

    noun = "activity"

"""``arcsecond exoplanet list|show``: known exoplanets and their parameters."""

from __future__ import annotations

import argparse
from typing import Any

from arcsecond_core.cli.legacy import LegacyNamed
from arcsecond_core.cli.public_pages import open_public_page
from arcsecond_core.cli.resource_commands import Option, ResourceLister, ResourceShow

RESOURCE = "exoplanets"


class ListExoplanet(ResourceLister):
    """List exoplanets, or those of one star"""

    resource = RESOURCE
    portal_option = False
    web_option = False
    columns = ("name", "parent_star", "detection_method", "discovery_year")
    filters = (Option("--star", "parent_star", metavar="NAME",
                      help="Only the planets of this star (case and spacing do not matter)."),)


class ShowExoplanet(ResourceShow):
    """Show an exoplanet by name (e.g. "51 Peg b"), with its parameters"""

    resource = RESOURCE
    portal_option = False
    argument = "NAME"
    argument_help = "The planet's name; case and spacing do not matter."

    def maybe_open(self, parsed_args: argparse.Namespace, object_id: Any | None = None) -> None:
        open_public_page(self, parsed_args, self.resource, str(parsed_args.target))


class ExoplanetsOldForm(LegacyNamed):
    """Older form of 'exoplanet show': exoplanets NAME [--open]"""

    noun = "exoplanet"
    lists_without_name = True

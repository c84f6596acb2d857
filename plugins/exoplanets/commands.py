"""``arcsecond exoplanet list|show``: known exoplanets and their parameters."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyNamed
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


class ExoplanetsOldForm(LegacyNamed):
    """Older form of 'exoplanet show': exoplanets NAME [--open]"""

    noun = "exoplanet"
    lists_without_name = True

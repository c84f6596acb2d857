"""``arcsecond satellite list|show``: Earth satellites, and where one is now."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import Option, ResourceLister, ResourceShow, identifier

RESOURCE = "satellites"


class ListSatellite(ResourceLister):
    """List satellites (from their two-line elements)"""

    resource = RESOURCE
    portal_option = False
    columns = ("norad_number", "name", "epoch")
    filters = (Option("--name", "name", metavar="NAME", help="Only satellites with this name."),)


class ShowSatellite(ResourceShow):
    """Show a satellite and where it is now (latitude, longitude, altitude)"""

    resource = RESOURCE
    portal_option = False
    argument = "NORAD_NUMBER"
    argument_help = "The satellite's NORAD catalogue number."
    argument_type = staticmethod(identifier)

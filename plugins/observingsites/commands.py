"""``arcsecond observingsite list|show``: observing sites (read-only)."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import ResourceLister, ResourceShow

RESOURCE = "observingsites"


class ListObservingSite(ResourceLister):
    """List observing sites"""

    resource = RESOURCE
    columns = ("name", "uuid", "longitude", "latitude", "height", "time_zone")


class ShowObservingSite(ResourceShow):
    """Show an observing site, by name or UUID"""

    resource = RESOURCE
    argument = "SITE"

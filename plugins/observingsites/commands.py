"""``arcsecond observingsite list|show``: observing sites (read-only)."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import ResourceLister, ResourceShow

RESOURCE = "observingsites"


class ListObservingSite(ResourceLister):
    """List observing sites"""

    resource = RESOURCE
    columns = ("name", "uuid", "longitude", "latitude", "height", "time_zone")
    optional_columns = ("height", "time_zone", "latitude", "longitude")


class ListObservingSiteAlias(ListObservingSite):
    """List observing sites (same as 'observingsite list')"""

    hidden = True


class ShowObservingSite(ResourceShow):
    """Show an observing site, by name or UUID"""

    resource = RESOURCE
    argument = "SITE"

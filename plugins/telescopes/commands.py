"""``arcsecond telescope list|show``: the telescopes you may use (read-only)."""

from __future__ import annotations

from arcsecond_core.cli.resource_commands import Option, ResourceLister, ResourceShow

RESOURCE = "telescopes"


class ListTelescope(ResourceLister):
    """List the telescopes you may use"""

    resource = RESOURCE
    columns = ("name", "uuid", "observing_site")
    optional_columns = ("observing_site",)
    filters = (
        Option("--name", "name", metavar="NAME", help="Only telescopes with this exact name."),
        Option("--observing-site", "observing_site", lookup="observingsites", metavar="SITE",
               help="Only the telescopes of this observing site (name or UUID)."),
    )


class ListTelescopeAlias(ListTelescope):
    """List the telescopes you may use (same as 'telescope list')"""

    hidden = True


class ShowTelescope(ResourceShow):
    """Show a telescope, by name or UUID"""

    resource = RESOURCE
    argument = "TELESCOPE"

"""``arcsecond instrument list|show``: the instruments of the telescopes you may use."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyPlural
from arcsecond_core.cli.resource_commands import Option, ResourceLister, ResourceShow

RESOURCE = "instruments"


class ListInstrument(ResourceLister):
    """List instruments"""

    resource = RESOURCE
    portal_option = False
    columns = ("name", "uuid", "kind", "telescope")
    filters = (
        Option("--name", "name", metavar="NAME", help="Only instruments with this exact name."),
        Option("--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
               help="Only the instruments of this telescope (name or UUID)."),
    )


class ShowInstrument(ResourceShow):
    """Show an instrument, by name or UUID"""

    resource = RESOURCE
    portal_option = False
    argument = "INSTRUMENT"


class InstrumentsOldForm(LegacyPlural):
    """Older form of 'instrument': instruments [read [UUID]|list]"""

    noun = "instrument"
    verbs = ("list", "show")

"""``arcsecond object show NAME``: an object (star, galaxy, planet...) looked up by name."""

from __future__ import annotations

from arcsecond_core.cli.legacy import LegacyNamed
from arcsecond_core.cli.resource_commands import ResourceShow


class ShowObject(ResourceShow):
    """Show an object by name (e.g. M31, "NGC 224", Jupiter, Sirius), with coordinates"""

    resource = "objects"
    portal_option = False
    argument = "NAME"
    argument_help = "The object's name; case and spacing do not matter."


class ObjectsOldForm(LegacyNamed):
    """Older form of 'object show': objects NAME [--open]"""

    noun = "object"

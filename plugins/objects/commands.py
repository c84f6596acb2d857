"""``arcsecond object show NAME``: an object (star, galaxy, planet...) looked up by name."""

from __future__ import annotations

import argparse
from typing import Any

from arcsecond_core.cli.legacy import LegacyNamed
from arcsecond_core.cli.public_pages import open_public_page
from arcsecond_core.cli.resource_commands import ResourceShow


class ShowObject(ResourceShow):
    """Show an object by name (e.g. M31, "NGC 224", Jupiter, Sirius), with coordinates"""

    resource = "objects"
    portal_option = False
    argument = "NAME"
    argument_help = "The object's name; case and spacing do not matter."

    def maybe_open(self, parsed_args: argparse.Namespace, object_id: Any | None = None) -> None:
        open_public_page(self, parsed_args, self.resource, str(parsed_args.target))


class ObjectsOldForm(LegacyNamed):
    """Older form of 'object show': objects NAME [--open]"""

    noun = "object"

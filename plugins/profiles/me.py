"""``arcsecond me`` and ``arcsecond profile show USERNAME``: profiles."""

from __future__ import annotations

import argparse

from arcsecond_core.cli.resource_commands import ResourceShow, ResourceShowOne


class ShowMe(ResourceShowOne):
    """Show your own profile"""

    resource = "profiles"
    portal_option = False
    web_option = False

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple]:
        return self.show(self.api(parsed_args).me())


class ShowProfile(ResourceShow):
    """Show a user's profile"""

    resource = "profiles"
    portal_option = False
    web_option = False
    argument = "USERNAME"
    argument_help = "The username."

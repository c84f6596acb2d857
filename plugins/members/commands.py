"""``arcsecond portal member list|add|remove PORTAL ...``: a portal's members and their roles."""

from __future__ import annotations

import argparse
from typing import Any

from arcsecond_core.cli.base import add_yes_option
from arcsecond_core.cli.resource_commands import (
    ResourceCommand,
    ResourceLister,
    ResourceShowOne,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "members"
ROLES = ("member", "admin", "viewer")


def add_portal_argument(parser: argparse.ArgumentParser) -> None:
    # ``dest="portal"``: the commands' API works inside that portal, as ``-p`` does elsewhere.
    parser.add_argument("portal", metavar="PORTAL", help="The portal's subdomain.")


class ListMember(ResourceLister):
    """List the members of a portal and their roles"""

    resource = RESOURCE
    portal_option = False
    web_option = False
    columns = ("username", "role", "id")

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_portal_argument(parser)
        parser.add_argument("--role", choices=ROLES, default=None,
                            help="Only the members with this role.")
        return parser

    def query(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return {"role": parsed_args.role} if parsed_args.role else {}


class AddMember(ResourceShowOne):
    """Add a user to a portal, or change the role of a member (admins only)"""

    resource = RESOURCE
    portal_option = False
    web_option = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_portal_argument(parser)
        parser.add_argument("username", metavar="USER", help="The user's username.")
        parser.add_argument("--role", choices=ROLES, default="member",
                            help="Their role: member (default), admin, or viewer (read-only, "
                                 "on the embedded server). For a member already, the new role.")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Any]:
        record, added = self.client(parsed_args).add(parsed_args.username, parsed_args.role)
        what = "added to" if added else "is now"
        where = parsed_args.portal if added else f"{record.get('role')} of {parsed_args.portal}"
        self.app.stderr.write(f"{record.get('username')} {what} {where}\n")
        return self.show(record, parsed_args)


class RemoveMember(ResourceDelete):
    """Remove members from a portal (admins only; the last admin stays)"""

    resource = RESOURCE
    portal_option = False
    argument = "USER"
    argument_help = "The username (several remove several)."

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = ResourceCommand.get_parser(self, prog_name)
        add_portal_argument(parser)
        self.add_target(parser, many=True)
        add_yes_option(parser)
        return parser

    def describe(self, client: Any, record: dict[str, Any]) -> str:
        return f"member {record.get('username')!r} ({record.get('role')}) of {client.session.portal}"

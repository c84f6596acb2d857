"""``arcsecond portal list``: the portals (organisations) you are a member of, and your role."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterator
from typing import Any

from arcsecond_core.cli.resource_commands import ResourceLister


class ListPortal(ResourceLister):
    """List your portals (organisations you are a member of) and your role in each"""

    resource = "profiles"
    portal_option = False
    web_option = False
    columns = ("subdomain", "name", "role")

    def fetch(self, parsed_args: argparse.Namespace) -> Iterator[dict[str, Any]]:
        profile = self.api(parsed_args).me()
        rows = (membership_row(m) for m in profile.get("memberships") or [])
        return itertools.islice(rows, parsed_args.limit)


class ListPortalAlias(ListPortal):
    """List your portals (same as 'portal list')"""

    hidden = True


def membership_row(membership: dict[str, Any]) -> dict[str, Any]:
    """One membership as a flat row: the portal's subdomain and name, and the user's role."""
    organisation = membership.get("organisation") or {}
    return {
        "subdomain": organisation.get("subdomain"),
        "name": organisation.get("name"),
        "role": membership.get("role"),
    }

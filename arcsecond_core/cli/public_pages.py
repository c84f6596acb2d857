"""Web pages of public objects and of the activity log, where the older CLI's ``--open`` went."""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import quote

from arcsecond_core.cli.base import open_in_browser, web_url
from arcsecond_core.config import CLOUD_URL

WEB_SITE = "https://www.arcsecond.io"


def public_page_url(api: Any, resource: str, name: str | None = None) -> str:
    """``www.arcsecond.io/objects/<name>`` (objects and exoplanets alike) or ``/live/``
    (activities) on the cloud; the server's own page of the resource elsewhere."""
    if api.profile.api_server == CLOUD_URL:
        if resource == "activities":
            return f"{WEB_SITE}/live/"
        return f"{WEB_SITE}/objects/{quote(name or '', safe='')}"
    return web_url(api, resource, quote(name, safe="") if name is not None else None)


def open_public_page(command: Any, parsed_args: argparse.Namespace, resource: str,
                     name: str | None = None) -> None:
    """With ``--open``, open the page of ``name`` (or of the resource) in a browser."""
    if getattr(parsed_args, "open", False):
        url = public_page_url(command.api(parsed_args), resource, name)
        open_in_browser(url, command.app.stderr)

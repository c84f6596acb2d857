"""The night's altitude chart on a target list's page: a PNG drawn by the planning package.

The site is the one named by the ``site`` query parameter (name or UUID), else the reader's
first site; the night is ``date`` (YYYY-MM-DD), else tonight there. Without matplotlib (the
``plot`` extra), a site or a target with a position, the page simply has no chart.
"""

from __future__ import annotations

import base64
from importlib.util import find_spec
from typing import Any

from .html_context import Page

MAX_CHART_TARGETS = 20


def night_chart(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """``{"chart": {"src", "site", "date"}}`` for the template, or nothing."""
    targets = data.get("targets") or []
    if not targets or find_spec("matplotlib") is None:
        return {}
    wanted = page.request.args.get("site")
    sites = page.fetch_all("observingsites") or []
    site = next((s for s in sites if wanted in (s.get("uuid"), s.get("name"))), None) if wanted \
        else next(iter(sites), None)
    if site is None:
        return {}
    from arcsecond_core.planning import as_date, as_targets
    from arcsecond_core.planning.chart_image import chart_png
    from arcsecond_core.planning.site import site_from_api
    from arcsecond_core.planning.visibility import observe

    try:
        place = site_from_api(site)
        date = as_date(page.request.args.get("date") or None, place)
        observation = observe(place, date, as_targets(targets[:MAX_CHART_TARGETS]))
        png = chart_png(observation)
    except ValueError:  # a site without coordinates, a bad date, a target without a position
        return {}
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return {"chart": {"src": src, "site": place.name, "date": date.isoformat()}}

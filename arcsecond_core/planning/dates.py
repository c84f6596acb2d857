"""Dates of nights: parsing what people type, and tonight at a site."""

from __future__ import annotations

import datetime as dt

from .site import Site


class DateError(ValueError):
    """Text that is not a date."""


RELATIVE = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}


def parse_date(text: str, site: Site | None = None) -> dt.date:
    """``2026-12-03``, or ``tonight``/``today``, ``tomorrow``, ``yesterday``: relative to
    tonight at ``site`` (the UTC date without a site)."""
    word = text.strip().lower()
    if word in RELATIVE:
        base = tonight(site) if site is not None else dt.datetime.now(dt.timezone.utc).date()
        return base + dt.timedelta(days=RELATIVE[word])
    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        raise DateError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def tonight(site: Site, now: dt.datetime | None = None) -> dt.date:
    """The night holding ``now`` at ``site``, or the coming one when it is already daytime."""
    from .twilight import night_events

    now = now or dt.datetime.now(dt.timezone.utc)
    date = site.night_of(now)
    events = night_events(site, date)
    if events.sunrise is not None and now >= events.sunrise:
        return date + dt.timedelta(days=1)
    return date

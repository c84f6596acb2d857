"""Options the night commands share: where, when, and the constraints."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arcsecond_core.planning.site import Site
    from arcsecond_core.planning.visibility import Constraints


def date_text(text: str) -> str:
    """argparse type: ``YYYY-MM-DD``, ``tonight``, ``today``, ``tomorrow`` or ``yesterday``."""
    from arcsecond_core.planning.dates import RELATIVE, DateError, parse_date

    if text.strip().lower() in RELATIVE:
        return text
    try:
        parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def degrees(low: float, high: float) -> Any:
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of degrees") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value:g} is outside {low:g}..{high:g} degrees")
        return value

    return convert


def airmass(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an airmass") from None
    if value < 1.0:
        raise argparse.ArgumentTypeError("an airmass is 1 or more")
    return value


def minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 0.5 <= value <= 60:
        raise argparse.ArgumentTypeError("the step is from 0.5 to 60 minutes")
    return value


def add_place(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="SITE", help="The observing site (name or UUID).")
    parser.add_argument("--telescope", metavar="TELESCOPE",
                        help="A telescope (name or UUID): its observing site, when --site is not given.")
    parser.add_argument("--date", metavar="DATE", type=date_text, default=None,
                        help="The night's date, YYYY-MM-DD (the local date of its evening; "
                        "default: tonight at the site).")


def add_constraints(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-altitude", metavar="DEG", type=degrees(-90, 90), default=30.0,
                        help="Lowest altitude that counts as observable (default: 30).")
    parser.add_argument("--max-airmass", metavar="X", type=airmass, default=None,
                        help="Highest airmass that counts as observable (default: none).")
    parser.add_argument("--min-moon-separation", metavar="DEG", type=degrees(0, 180), default=None,
                        help="Smallest distance to the moon that counts as observable (default: none).")
    parser.add_argument("--step", metavar="MINUTES", type=minutes, default=5.0,
                        help="Minutes between the times computed (default: 5).")


def night_date(parsed_args: argparse.Namespace, site: Site) -> dt.date:
    from arcsecond_core.planning import as_date

    return as_date(parsed_args.date, site)


def constraints(parsed_args: argparse.Namespace) -> Constraints:
    from arcsecond_core.planning.visibility import Constraints

    return Constraints(parsed_args.min_altitude, parsed_args.max_airmass,
                       parsed_args.min_moon_separation)

"""``arcsecond night show|explore``: a night's events, and the targets ranked for it."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from cliff.lister import Lister
from cliff.show import ShowOne

from arcsecond_core.cli.base import ArcsecondCommand, ColumnChoice
from arcsecond_core.cli.fit import fit, table_width
from arcsecond_core.errors import UsageError

from . import options, resolve
from .cells import ClockTime, EventTime

EVENTS = ("sunset", "civil_dusk", "nautical_dusk", "astronomical_dusk", "astronomical_dawn",
          "nautical_dawn", "civil_dawn", "sunrise", "moonrise", "moonset")
FLAGS = ("no_astronomical_night", "sun_never_sets", "sun_never_rises")
EXPLORE_COLUMNS = ("name", "right_ascension", "declination", "rises", "transit", "sets",
                   "transit_altitude", "max_altitude", "best_time", "hours_observable",
                   "airmass_min", "moon_separation")
#: Left out, in this order, while the table is wider than the terminal.
OPTIONAL_COLUMNS = ("right_ascension", "declination", "transit_altitude", "moon_separation",
                    "airmass_min", "rises", "sets")
TIMES = frozenset({"rises", "transit", "sets", "best_time"})
MACHINE = frozenset({"json", "yaml"})


def dark_sentence(events: Any) -> str | None:
    """What to say plainly when the night has no astronomical night."""
    if not events.no_astronomical_night:
        return None
    where = f"{events.site.name} on {events.date.isoformat()}"
    if events.sun_never_sets:
        return (f"no astronomical night at {where}: the sun never sets; the darkest hours are "
                "around its lowest point")
    return (f"no astronomical night at {where}: the sun stays above -18 degrees; the darkest "
            f"period is {events.dark_kind} twilight" if events.dark_kind in ("nautical", "civil")
            else f"no astronomical night at {where}: the darkest period is {events.dark_kind}")


class NightCommand(ArcsecondCommand):
    """What the night commands share: the place, the date, notes on stderr."""

    def note(self, text: str | None) -> None:
        if text:
            self.app.stderr.write(text.rstrip() + "\n")

    def where_and_when(self, parsed_args: argparse.Namespace) -> tuple[resolve.Place, Any]:
        from arcsecond_core.planning.offline import accuracy_note

        place = resolve.place(self.api(parsed_args), parsed_args.site, parsed_args.telescope)
        date = options.night_date(parsed_args, place.site)
        self.note(accuracy_note(date))
        return place, date


class ShowNight(ColumnChoice, NightCommand, ShowOne):
    """Show a night's twilight, sunrise and sunset, and the moon, in UTC and local time"""

    portal_option = True

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        options.add_place(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        from arcsecond_core.planning.twilight import night_events

        place, date = self.where_and_when(parsed_args)
        events = night_events(place.site, date)
        self.note(dark_sentence(events))
        zone = place.site.zone
        record: dict[str, Any] = {"site": place.site.name, "date": date.isoformat(),
                                  "time_zone": place.site.zone_name}
        record.update({name: EventTime(getattr(events, name), zone) for name in EVENTS})
        record["moon_illumination"] = events.moon_illumination
        record["dark_hours"] = events.dark_hours
        record["dark_start"] = EventTime(events.dark_start, zone)
        record["dark_end"] = EventTime(events.dark_end, zone)
        record["darkest"] = events.dark_kind
        record.update({name: getattr(events, name) for name in FLAGS})
        return tuple(record), tuple(record.values())


class ExploreNight(ColumnChoice, NightCommand, Lister):
    """Rank targets for a night: rise, transit, set, altitudes and hours observable"""

    portal_option = True

    @property
    def need_sort_by_cliff(self) -> bool:
        return False  # sorted here, on the values (blanks last), before cells are made

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("names", metavar="TARGET", nargs="*",
                            help="A solar-system body (Jupiter, Moon...), a saved target or an "
                            "object the server resolves (M31, Vega...).")
        parser.add_argument("--targetlist", metavar="LIST",
                            help="The targets of this target list (name or UUID).")
        options.add_place(parser)
        options.add_constraints(parser)
        parser.add_argument("--plot", metavar="FILE",
                            help="Also draw the altitudes to FILE (.png, .svg or .pdf; needs the "
                            "'plot' extra).")
        parser.add_argument("--chart", action="store_true",
                            help="Also draw the altitudes in text, before the table.")
        parser.set_defaults(print_empty=True)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Iterable[Any]]:
        from arcsecond_core.planning.visibility import observe

        if parsed_args.chart and parsed_args.formatter in MACHINE:
            raise UsageError(f"--chart draws text: not with -f {parsed_args.formatter}")
        plot = self.plot_format(parsed_args.plot)
        place, date = self.where_and_when(parsed_args)
        found, _ = resolve.targets(self.api(parsed_args), parsed_args.names, parsed_args.targetlist)
        result = observe(place.site, date, found, options.constraints(parsed_args), parsed_args.step)
        self.note(dark_sentence(result.events))
        if plot:
            from arcsecond_core.planning.chart_image import save_chart

            save_chart(result, parsed_args.plot)
            self.note(f"chart saved to {parsed_args.plot}")
        if parsed_args.chart:
            from arcsecond_core.planning.chart_text import text_chart

            self.app.stdout.write(text_chart(result, color=_colour(self.app.stdout)) + "\n")
        rows = sort_rows(result.rows, getattr(parsed_args, "sort_columns", None) or [],
                         getattr(parsed_args, "sort_direction", "asc") == "desc")
        table = [tuple(_cell(name, row[name]) for name in EXPLORE_COLUMNS) for row in rows]
        width = table_width(parsed_args) if parsed_args.formatter == "table" else 0
        if width and not parsed_args.columns:
            return fit(EXPLORE_COLUMNS, table, width, optional=OPTIONAL_COLUMNS, wrappable=("name",))
        return EXPLORE_COLUMNS, table

    def plot_format(self, path: str | None) -> str | None:
        """The chart's format from the file name; a missing extra is one line with the hint."""
        if path is None:
            return None
        from arcsecond_core.errors import ArcsecondError

        from .plugin import PLOT

        suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
        if suffix not in ("png", "svg", "pdf"):
            raise UsageError(f"--plot {path!r}: the file name must end in .png, .svg or .pdf")
        if PLOT.missing_modules():
            raise ArcsecondError(f"--plot needs matplotlib: {PLOT.install_hint()}")
        return suffix


def sort_rows(rows: list[dict[str, Any]], columns: list[str], reverse: bool) -> list[dict[str, Any]]:
    """Rows sorted on ``columns`` (field names), blanks last whatever the direction."""
    from arcsecond_core.cli.base import normalize_column_name

    for column in reversed(columns):
        name = normalize_column_name(column)
        present = [row for row in rows if row.get(name) is not None]
        blank = [row for row in rows if row.get(name) is None]
        rows = sorted(present, key=lambda row: row[name], reverse=reverse) + blank
    return rows


def _cell(name: str, value: Any) -> Any:
    return ClockTime(value) if name in TIMES else value


def _colour(stream: Any) -> bool:
    import os

    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")

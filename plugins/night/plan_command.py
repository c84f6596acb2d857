"""``arcsecond night plan``: schedule a target list into the night, and keep it as a night plan."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable
from typing import Any

from cliff.lister import Lister

from arcsecond_core.cli.base import ColumnChoice
from arcsecond_core.errors import UsageError

from . import options, resolve
from .cells import ClockTime, iso
from .commands import NightCommand, dark_sentence

PLAN_COLUMNS = ("target", "start", "end", "altitude_start", "altitude_end", "left_out")


class PlanNight(ColumnChoice, NightCommand, Lister):
    """Schedule a target list into the night and save it as a night plan"""

    portal_option = True

    @property
    def need_sort_by_cliff(self) -> bool:
        return False  # slots in time order, then the targets left out

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("--targetlist", metavar="LIST", required=True,
                            help="The target list to schedule (name or UUID).")
        options.add_place(parser)
        parser.add_argument("--exposure", metavar="DURATION", action="append", default=[],
                            help="Time per target (45m, 1h30m, 90s, or minutes; default 45m), "
                            "or TARGET=DURATION for one target; repeatable.")
        parser.add_argument("--priority", metavar="TARGET", nargs="+", action="extend", default=[],
                            help="Schedule these targets first, in this order.")
        options.add_constraints(parser)
        parser.add_argument("--dry-run", action="store_true",
                            help="Show the schedule without saving it.")
        parser.set_defaults(print_empty=True)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], Iterable[Any]]:
        from arcsecond_core.planning.schedule import plan_night

        default, per_target = exposures(parsed_args.exposure)
        place, date = self.where_and_when(parsed_args)
        api = self.api(parsed_args)
        found, listed = resolve.targets(api, [], parsed_args.targetlist)
        names = {t.name for t in found}
        unknown = [n for n in [*per_target, *parsed_args.priority] if n not in names]
        if unknown:
            raise UsageError(f"not in target list {parsed_args.targetlist!r}: {', '.join(unknown)}")
        constraints = options.constraints(parsed_args)
        plan = plan_night(place.site, date, found, constraints, per_target or default,
                          parsed_args.priority, default_exposure=default, step_minutes=parsed_args.step)
        self.note(dark_sentence(plan.observation.events))
        if plan.dark_kind != "astronomical":
            self.note(f"scheduled in the darkest period available: {plan.dark_kind}")
        for target, reason in plan.left_out:
            self.note(f"left out: {target.name}: {reason}")
        if not parsed_args.dry_run:
            saved = api.resource("nightplans").create(
                date=date.isoformat(), observing_site=place.record.get("uuid"),
                telescope=(place.telescope or {}).get("uuid"), targetlist=(listed or {}).get("uuid"),
                constraints={k: v for k, v in constraints.as_dict().items() if v is not None},
                slots=[{"target": slot.target.ident, "start": iso(slot.start), "end": iso(slot.end),
                        "altitude_start": slot.altitude_start, "altitude_end": slot.altitude_end,
                        "exposure_time": (slot.end - slot.start).total_seconds()}
                       for slot in plan.slots])
            self.note(f"night plan {saved.get('uuid')} saved ({len(plan.slots)} slots)")
        rows = [(slot.target.name, ClockTime(slot.start), ClockTime(slot.end), slot.altitude_start,
                 slot.altitude_end, None) for slot in plan.slots]
        rows += [(target.name, None, None, None, None, reason) for target, reason in plan.left_out]
        return PLAN_COLUMNS, rows


def exposures(values: list[str]) -> tuple[dt.timedelta, dict[str, dt.timedelta]]:
    """The default exposure and the per-target ones from ``--exposure`` values."""
    from arcsecond_core.planning.schedule import DurationError, parse_duration

    default = dt.timedelta(minutes=45)
    per_target: dict[str, dt.timedelta] = {}
    try:
        for value in values:
            name, sep, duration = value.rpartition("=")
            if sep:
                per_target[name.strip()] = parse_duration(duration)
            else:
                default = parse_duration(value)
    except DurationError as exc:
        raise UsageError(f"--exposure: {exc}") from None
    return default, per_target

"""``arcsecond target ...``: targets, by a name the server resolves or by their coordinates."""

from __future__ import annotations

import argparse
from typing import Any

from arcsecond_core.cli.legacy import LegacyPlural
from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCreate,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
    option_values,
)
from arcsecond_core.cli.resource_delete import ResourceDelete
from arcsecond_core.errors import UsageError

from .columns import CoordinatesColumn, ObjectColumn, cell
from .coordinates import coordinates, parse_dec, parse_ra

RESOURCE = "targets"
#: The classes of the API (a choice of ``--class``).
TARGET_CLASSES = ("AstronomicalObject", "Exoplanet", "StandardStar", "SolarSystemPlanet",
                  "SmallBody", "Microlensing", "Transient")
CLASS = Option("--class", "target_class", metavar="CLASS", choices=TARGET_CLASSES,
               help=f"The target's class (default: inferred from the name; one of "
                    f"{', '.join(TARGET_CLASSES)}).")
RA = Option("--ra", "right_ascension", kind=parse_ra, metavar="RA",
            help="Right ascension: degrees, or hours as 00:42:44.3 or 00h42m44s (with --dec: "
                 "a manual target, at these coordinates).")
DEC = Option("--dec", "declination", kind=parse_dec, metavar="DEC",
             help="Declination: degrees, or +41:16:09 or 41d16m09s (with --ra). A negative one "
                  "in sexagesimal goes after an equals sign: --dec=-05:23:28.")
DETAILS = (
    Option("--notes", "notes", metavar="TEXT", help="Notes."),
    Option("--color", "color", metavar="COLOR", help="A colour for charts (e.g. '#ff8800')."),
    Option("--tag", "tags", multiple=True, metavar="TAG",
           help="A tag (repeat for more; on update, the new list)."),
)


class TargetCells:
    """Positions in sexagesimal in tables."""

    def cells(self, parsed_args: argparse.Namespace, *, with_id: bool = False) -> dict[str, Any]:
        cells = super().cells(parsed_args, with_id=with_id)  # type: ignore[misc]
        cells.update(coordinates=cell(parsed_args, CoordinatesColumn),
                     object=cell(parsed_args, ObjectColumn))
        return cells


class TargetArgument:
    argument = "TARGET"
    argument_help = "The target's name, or its id."


class TargetBody:
    """The API fields of a create or update, ``--ra``/``--dec`` made into ``coordinates``."""

    fields: tuple[Option, ...] = ()

    def body(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        values = option_values(self.fields, parsed_args, self)  # type: ignore[arg-type]
        try:
            place = coordinates(values.pop("right_ascension", None),
                                values.pop("declination", None))
        except argparse.ArgumentTypeError as exc:
            raise UsageError(str(exc)) from None
        if place is not None:
            values["coordinates"] = place
        return values


class ListTarget(TargetCells, ResourceLister):
    """List targets"""

    resource = RESOURCE
    columns = ("id", "name", "target_class", "mode", "object", "coordinates")
    optional_columns = ("coordinates", "mode", "object")
    filters = (
        Option("--name", "name", metavar="NAME", help="Only the target with this exact name."),
        Option("--class", "target_class", metavar="CLASS", choices=TARGET_CLASSES,
               help="Only targets of this class."),
    )


class ShowTarget(TargetArgument, TargetCells, ResourceShow):
    """Show a target, by name or id"""

    resource = RESOURCE


class CreateTarget(TargetBody, TargetCells, ResourceCreate):
    """Create a target: a name the server resolves (M31, Jupiter, 51 Peg b), or coordinates"""

    resource = RESOURCE
    fields = (Option("--name", "name", required=True, metavar="NAME",
                     help="Its name; without --ra/--dec the server finds it in its catalogues "
                          "(objects, exoplanets, solar-system bodies) and infers its class."),
              RA, DEC, CLASS, *DETAILS)


class UpdateTarget(TargetArgument, TargetBody, TargetCells, ResourceUpdate):
    """Rename a target (resolved again), or change its coordinates, class, notes, colour or tags"""

    resource = RESOURCE
    fields = (Option("--name", "name", metavar="NAME", help="The new name."), RA, DEC, CLASS,
              *DETAILS)


class DeleteTarget(TargetArgument, ResourceDelete):
    """Delete targets (they leave the target lists that hold them)"""

    resource = RESOURCE


class TargetsOldForm(LegacyPlural):
    """Plural form of 'target': targets [list|create|update|delete|ID]"""

    noun = "target"


"""``arcsecond server import objects|exoplanets|satellites FILE`` and ``server addinstrument``."""

from __future__ import annotations

import argparse
from typing import Any

from .commands import _AdminShowOne


class _Import(_AdminShowOne):
    kind = ""
    file_help = ""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("file", metavar="FILE", help=self.file_help)
        return parser

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        from . import admin_imports

        return getattr(admin_imports, f"import_{self.kind}")(db, args.file)


class ImportObjects(_Import):
    """Import objects from a CSV file (name, ra, dec[, type, magnitude, aliases])"""

    kind = "objects"
    file_help = ("CSV with a header: name, ra, dec (degrees or sexagesimal), optional type, "
                 "magnitude, aliases (separated by ';'). A name imported before is replaced.")


class ImportExoplanets(_Import):
    """Import exoplanets from a NASA Exoplanet Archive 'Planetary Systems Composite Parameters' CSV"""

    kind = "exoplanets"
    file_help = "The archive's CSV ('#' comment lines, then a header with pl_name, hostname...)."


class ImportSatellites(_Import):
    """Import satellites from a file of two-line elements (TLE)"""

    kind = "satellites"
    file_help = "Two- or three-line element sets (name line optional)."


class AddInstrument(_AdminShowOne):
    """Create an instrument, on a telescope or on none"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("name", metavar="NAME")
        parser.add_argument("--telescope", metavar="TELESCOPE", default=None,
                            help="The telescope's uuid or name.")
        parser.add_argument("--kind", default=None, help="e.g. imager, spectrograph.")
        return parser

    def act(self, admin: Any, db: Any, args: argparse.Namespace) -> dict[str, Any]:
        from . import admin_imports

        return admin_imports.add_instrument(db, args.name, args.telescope, args.kind)

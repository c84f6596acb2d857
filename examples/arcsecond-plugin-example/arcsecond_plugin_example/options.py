"""The global option this plugin adds: ``arcsecond --size-unit UNIT COMMAND ...``.

This module is imported on every run of ``arcsecond`` (global options are parsed before the
command is known), so it imports nothing beyond the standard library.
"""

from __future__ import annotations

import argparse
import os

SIZE_UNITS: dict[str, int] = {
    "B": 1,
    "kB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KiB": 1024,
    "MiB": 1024**2,
    "GiB": 1024**3,
}
ENV_VAR = "ARCSECOND_SIZE_UNIT"


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--size-unit`` to the global options of ``arcsecond``."""
    parser.add_argument(
        "--size-unit",
        choices=list(SIZE_UNITS),
        default=os.environ.get(ENV_VAR) or "B",
        help=f"Unit of the sizes 'dataset stats' shows beside exact bytes (default: ${ENV_VAR}, "
        "else B, bytes only).",
    )


def format_size(size: int, unit: str) -> str:
    """``size`` bytes written in ``unit``, e.g. ``1.50 MiB``."""
    return f"{size / SIZE_UNITS[unit]:.2f} {unit}"

"""``arcsecond night summary FOLDER...``: a night's summary from the files' headers, sent nowhere."""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from arcsecond_core.cli.base import positive_int

from .output import Summary, SummaryCommand

DEFAULT_JOBS = 4


def local_summary(paths: list[str], jobs: int = DEFAULT_JOBS,
                  cancel: Any = None) -> tuple[Summary, list[str]]:
    """The summary of the files under ``paths``, and lines about what was left aside."""
    from arcsecond_plugins.upload.scan import scan

    from arcsecond_core.nightframes import read_frames

    scanned = scan(paths)
    found = read_frames([(item.path, item.relative) for item in scanned.files], jobs=jobs,
                        cancel=cancel)
    failed = [{"path": p.relative, "reason": p.reason} for p in scanned.problems
              if p.kind == "failed"]
    found.unreadable.extend(failed)
    aside = Counter(p.reason for p in scanned.problems if p.kind != "failed")
    if found.not_frames:
        aside["neither FITS nor XISF"] = len(found.not_frames)
    if scanned.hidden:
        aside["hidden"] = scanned.hidden
    notes = []
    if aside:
        notes.append("left aside: " + ", ".join(f"{n} {r}" for r, n in sorted(aside.items())))
    if found.cancelled:
        notes.append("interrupted: the summary covers the files read so far")
    return found.summary(), notes


class NightSummary(SummaryCommand):
    """Summarise a night from its files' headers: groups, missing calibrations (nothing is sent)"""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("paths", metavar="FOLDER", nargs="+",
                            help="Folders (subfolders included, hidden files skipped) and files "
                                 "of the night: FITS or XISF, plain, fpack, gzip, bzip2 or zip.")
        parser.add_argument("-j", "--jobs", type=positive_int, default=DEFAULT_JOBS,
                            metavar="N", help=f"Files read at once (default: {DEFAULT_JOBS}).")
        return parser

    def summary(self, parsed_args: argparse.Namespace) -> Summary:
        from arcsecond_core.interrupts import Interrupts

        with Interrupts() as interrupts:
            summary, notes = local_summary(parsed_args.paths, parsed_args.jobs, interrupts.cancel)
            for line in notes:
                self.app.stderr.write(line + "\n")
            if interrupts.cancel.is_set():
                self.exit_code = interrupts.exit_code
        return summary

    exit_code = 0

    def run(self, parsed_args: argparse.Namespace) -> int:
        return super().run(parsed_args) or self.exit_code

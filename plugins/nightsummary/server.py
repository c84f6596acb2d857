"""``arcsecond nightlog summary NIGHT_LOG``: a night's summary from the server's frames."""

from __future__ import annotations

import argparse

from arcsecond_core.cli.resource_commands import MAX_PAGE_SIZE, Option

from .output import Summary, SummaryCommand

FILTERS = (
    Option("--telescope", "telescope", lookup="telescopes", metavar="TELESCOPE",
           help="Telescope, by name or UUID (picks among night logs of the same date)."),
    Option("--site", "observing_site", lookup="observingsites", metavar="SITE",
           extra_flags=("--observing-site",), help="Observing site, by name or UUID."),
)


class NightLogSummary(SummaryCommand):
    """Summarise a night log from the server's observations and calibrations: groups, missing"""

    portal_option = True
    filters = FILTERS
    empty_text = "no observations or calibrations in this night log"

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("target", metavar="NIGHT_LOG",
                            help="The night log's UUID, or its date (YYYY-MM-DD); --telescope "
                                 "or --site picks among night logs of the same date.")
        for option in self.filters:
            option.add_to(parser)
        return parser

    def summary(self, parsed_args: argparse.Namespace) -> Summary:
        from arcsecond_plugins.nightlogs.commands import find_night_log

        from arcsecond_core.nightsummary import frame_from_record, summarize

        night = find_night_log(self, parsed_args, parsed_args.target)
        api = self.api(parsed_args)
        frames = [
            frame_from_record(record)
            for resource in ("observations", "calibrations")
            for record in api.resource(resource).list(night_log=night["uuid"],
                                                      page_size=MAX_PAGE_SIZE)
        ]
        return summarize(frames)

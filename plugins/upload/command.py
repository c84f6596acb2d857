"""``arcsecond upload PATH...``: the command line of the upload."""

from __future__ import annotations

import argparse
from typing import Any

from cliff.lister import Lister

from arcsecond_core.cli.base import (
    ArcsecondCommand,
    add_yes_option,
    positive_int,
    seconds,
    seconds_up_to,
)
from arcsecond_core.transfer import DEFAULT_JOBS, FAR_JOBS
from arcsecond_core.transfer.filters import add_filter_options

DRY_RUN_COLUMNS = ("path", "type", "compression", "date_obs", "object", "imagetyp", "night_log",
                   "action", "note")


def night_summary_text(plan: Any) -> str:
    """The summary ``night summary`` gives of the files to upload, as text."""
    from arcsecond_core.nightframes import read_frames
    from arcsecond_core.nightsummary_text import summary_lines

    found = read_frames([(item.path, item.relative) for item in plan.files])
    return "\n".join(summary_lines(found.summary()))


#: --min-age: up to a year.
AGE = seconds_up_to(365 * 86400, "a year")


def add_transfer_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--bwlimit and --log-file, as upload and download both take them."""
    parser.add_argument("--bwlimit", metavar="RATE", default=None,
                        help="Cap the total rate of all jobs: 512K (KiB/s), 10M, off, or a "
                             "timetable in the observatory's local time such as "
                             "\"08:00,512K 19:00,off\" (default: the server's bwlimit in "
                             "config.ini, else none).")
    parser.add_argument("--log-file", metavar="FILE", default=None,
                        help=f"Append one JSON line per file to FILE as each ends (path, "
                             f"outcome, bytes, sha256, seconds, error, dataset) for {what}.")


class Upload(ArcsecondCommand, Lister):
    """Upload folders and files into a dataset: parallel, resumable, with retries"""

    portal_option = True
    #: The exit code (the report is printed by cliff's formatter after ``take_action``).
    exit_code = 0
    #: The line under the report: on stdout after a table, on stderr otherwise.
    headline: str | None = None
    #: The --log-file of the run, while it runs.
    log: Any = None

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("paths", metavar="PATH", nargs="+",
                            help="The folders (subfolders included, hidden files and folders "
                                 "skipped) and files to upload; a file keeps its base name.")
        parser.add_argument("-d", "--dataset", metavar="DATASET", default=None,
                            help="Dataset name or UUID; a name no dataset has is created "
                                 "(default: the folder's name, or the file's folder's name; "
                                 "required with several paths).")
        parser.add_argument("-t", "--telescope", metavar="TELESCOPE", default=None,
                            help="Telescope name or UUID for a new dataset (its site sets the "
                                 "night-log dates).")
        parser.add_argument("--tags", metavar="A,B", action="append", default=None,
                            help="Comma-separated tags for every file (repeatable).")
        parser.add_argument("--raw", action=argparse.BooleanOptionalAction, default=True,
                            help="Mark the files as raw data (default) or not.")
        add_yes_option(parser)
        parser.add_argument("--dry-run", action="store_true",
                            help="Send nothing; list each file with its type, headers and "
                                 "night-log date.")
        parser.add_argument("-j", "--jobs", type=positive_int, default=None, metavar="N",
                            help=f"Files sent at once (default: {DEFAULT_JOBS}, enough to hide a "
                                 f"50 ms round trip on small files; {FAR_JOBS} for files under "
                                 "4 MB when the server's round trip is 100 ms or more).")
        parser.add_argument("--retries", type=positive_int, default=10, metavar="N",
                            help="Attempts per file on connection errors, 5xx and 429, with "
                                 "exponential backoff (default: 10).")
        parser.add_argument("--verify", action="store_true",
                            help="Hash each file while it is sent and check that the server's "
                                 "sha256 matches (costs CPU; sizes are always checked).")
        parser.add_argument("--replace", action="store_true",
                            help="When the dataset holds a file of the same name with other "
                                 "content, delete the server's copy and send this one "
                                 "(default: report a conflict; needs the access key).")
        parser.add_argument("--rename-duplicates", action="store_true",
                            help="Send files whose names repeat across subfolders as "
                                 "sub_dir__name instead of refusing.")
        parser.add_argument("--watch", action="store_true",
                            help="Keep running and upload new files once complete; Ctrl-C "
                                 "stops.")
        parser.add_argument("--interval", type=seconds, default=5.0, metavar="SECONDS",
                            help="With --watch: seconds between scans of the folder "
                                 "(default: 5).")
        parser.add_argument("--settle", type=seconds, default=5.0, metavar="SECONDS",
                            help="With --watch: how long a file's size must stay the same "
                                 "before it is sent (default: 5).")
        parser.add_argument("--min-age", type=AGE, default=None, metavar="SECONDS",
                            help="Leave aside files modified less than SECONDS ago, reported as "
                                 "too recent (a later run sends them); with --watch, a file "
                                 "must be this old as well as settled.")
        add_filter_options(parser, "files")
        add_transfer_options(parser, "every file of the run")
        return parser

    def run(self, parsed_args: argparse.Namespace) -> int:
        return super().run(parsed_args) or self.exit_code

    def produce_output(self, parsed_args: argparse.Namespace, column_names: Any, data: Any) -> int:
        """The report (or dry-run listing) through cliff's formatter, then the headline."""
        if column_names is None:
            return 0
        if data or parsed_args.formatter != "table":  # no empty table before the headline
            super().produce_output(parsed_args, column_names, data)
        if self.headline is not None:
            stream = self.app.stdout if parsed_args.formatter == "table" else self.app.stderr
            stream.write(self.headline + "\n")
        return 0

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        from arcsecond_core.errors import UsageError
        from arcsecond_core.interrupts import Interrupts
        from arcsecond_core.transfer.filters import from_arguments

        from .plan import Options

        options = Options(
            paths=parsed_args.paths, dataset=parsed_args.dataset,
            telescope=parsed_args.telescope, tags=tuple(parsed_args.tags or ()),
            raw=parsed_args.raw, jobs=parsed_args.jobs,
            rename_duplicates=parsed_args.rename_duplicates, retries=parsed_args.retries,
            verify=parsed_args.verify, replace=parsed_args.replace,
            rules=from_arguments(parsed_args.filter_rules), min_age=parsed_args.min_age,
            bwlimit=parsed_args.bwlimit,
        )
        if parsed_args.watch and parsed_args.dry_run:
            raise UsageError("--watch and --dry-run cannot be used together")
        # Ctrl-C and SIGTERM only set an event from here on; every phase looks at it. A one-shot
        # run keeps the handlers until the process ends: a signal after the report changes
        # nothing (the shell gets its own handlers back).
        interrupts = Interrupts().install()
        try:
            return self._upload(options, parsed_args, interrupts)
        finally:
            if self.log is not None:
                self.log.close()
                self.log = None
            if self.app.interactive_mode:
                interrupts.restore()

    def _upload(self, options: Any, parsed_args: argparse.Namespace, interrupts: Any) -> Any:
        from arcsecond_core.transfer.report import as_rows, report_rows

        from .execute import execute
        from .plan import prepare
        from .summary import dry_run_rows, summary_lines


        api = self.app.api(parsed_args.portal, pool_size=max(10, (options.jobs or FAR_JOBS) + 2))
        nothing_sent = "interrupted: nothing was sent"
        confirmed = parsed_args.yes and not parsed_args.dry_run and not parsed_args.watch
        # Confirmed already: a new dataset is created beside its lookup, no round trip waited.
        plan = interrupts.wait_for(lambda: prepare(api, options, confirmed), nothing_sent)
        if confirmed and plan.to_send:
            plan.create_early(interrupts.cancel)
        stderr = self.app.stderr
        lines = interrupts.wait_for(lambda: summary_lines(plan), nothing_sent)
        if parsed_args.dry_run:
            rows = interrupts.wait_for(lambda: dry_run_rows(plan), nothing_sent)
            stderr.write("\n".join(lines) + "\ndry run: nothing was sent\n")
            # The night's summary (what it holds, what is missing) ends the listing.
            self.headline = interrupts.wait_for(lambda: night_summary_text(plan), nothing_sent)
            columns = DRY_RUN_COLUMNS if parsed_args.formatter == "table" else None
            return as_rows(rows, columns)
        if parsed_args.log_file:
            from arcsecond_core.transfer.joblog import TransferLog

            self.log = TransferLog(parsed_args.log_file, "upload")
        if not plan.files and not parsed_args.watch:
            stderr.write("\n".join(lines) + "\nnothing to upload\n")
            return self._finish(execute(plan, log=self.log), parsed_args.formatter, report_rows)
        stderr.write("\n".join(lines) + "\n")
        stderr.flush()
        needs_question = bool(plan.to_send) or parsed_args.watch
        if needs_question and not parsed_args.yes:
            # Ctrl-C at the question ends it at once. With --yes there is no question, and the
            # handlers stay: a signal in that moment must cancel, not kill with nothing said.
            with interrupts.paused():
                confirmed = self.confirm(self._question(plan, parsed_args.watch), False)
            if not confirmed:
                stderr.write("nothing was sent\n")
                self.exit_code = 1
                return None, ()
        interrupts.check(nothing_sent)
        if parsed_args.watch:
            from .watch import Watch

            watch = Watch(plan, interval=parsed_args.interval, settle=parsed_args.settle,
                          stop=interrupts.cancel, log=self.log)
            return self._finish(watch.run(), parsed_args.formatter, report_rows)
        return self._send(plan, parsed_args.formatter, execute, report_rows, interrupts)

    def _question(self, plan: Any, watch: bool) -> str:
        from arcsecond_core.transfer.progress import human_bytes

        size = human_bytes(sum(item.size for item in plan.to_send))
        what = f"Upload {len(plan.to_send)} files ({size}) to dataset {plan.dataset.name!r}"
        return what + (" and keep watching the folder?" if watch else "?")

    def _send(self, plan: Any, formatter: str, execute: Any, report_rows: Any,
              interrupts: Any) -> Any:
        from .progress import make_progress

        sending = plan.to_send
        progress = make_progress(self.app.stderr, len(sending), sum(f.size for f in sending))
        try:
            report = execute(plan, progress, interrupts.cancel, self.log)
        finally:
            progress.close()
        rows = self._finish(report, formatter, report_rows)
        if report.interrupted:
            self.app.stderr.write("run the same command again to send the rest\n")
            self.exit_code = interrupts.exit_code
        return rows

    def _finish(self, report: Any, formatter: str, report_rows: Any) -> Any:
        """The report's rows for cliff's formatter; its headline and exit code for later."""
        self.headline = report.headline()
        self.exit_code = 0 if report.ok else 1
        return report_rows(report, formatter)

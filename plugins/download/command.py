"""``arcsecond download``: the command line of the download of a dataset, night log or package."""

from __future__ import annotations

import argparse
from typing import Any

from arcsecond_core.cli.base import ArcsecondCommand, positive_int
from arcsecond_core.transfer import DEFAULT_JOBS, FAR_JOBS
from arcsecond_core.transfer.filters import add_filter_options

DRY_RUN_COLUMNS = ("path", "id", "bytes", "action", "note")
AGAIN = "run the same command again to fetch the rest"


class Download(ArcsecondCommand):
    """Download the data files of a dataset, night log or data package: parallel, resumable, verified"""

    portal_option = True

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("target", metavar="DATASET", nargs="?", default=None,
                            help="Dataset name or UUID (or give --nightlog or --datapackage).")
        parser.add_argument("folder", metavar="DIR", nargs="?", default=None,
                            help="Where the files go (default: a folder named after the "
                                 "dataset, night log or data package, in the current one).")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--nightlog", metavar="NIGHT_LOG", default=None,
                           help="Download a night log's files (UUID or date YYYY-MM-DD), one "
                                "folder per dataset.")
        which.add_argument("--datapackage", metavar="DATA_PACKAGE", default=None,
                           help="Download a data package's datasets and night logs (name or "
                                "UUID), one folder per dataset.")
        parser.add_argument("--pattern", metavar="GLOB", action="append", default=None,
                            help="Only the files whose name matches the shell-style pattern "
                                 "GLOB (repeatable).")
        parser.add_argument("--overwrite", action="store_true",
                            help="Replace local files that differ from the server's copy "
                                 "(by default they are reported as conflicts and kept).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Fetch nothing; list each file with what would happen to it.")
        parser.add_argument("-j", "--jobs", type=positive_int, default=None, metavar="N",
                            help=f"Files fetched at once (default: {DEFAULT_JOBS}, enough to hide "
                                 f"a 50 ms round trip on small files; {FAR_JOBS} for files under "
                                 "4 MB when the server's round trip is 100 ms or more).")
        parser.add_argument("--retries", type=positive_int, default=10, metavar="N",
                            help="Attempts per file on connection errors, 5xx and 429, with "
                                 "exponential backoff, each resuming where the last stopped "
                                 "(default: 10).")
        add_filter_options(parser, "files")
        parser.add_argument("--bwlimit", metavar="RATE", default=None,
                            help="Cap the total rate of all jobs: 512K (KiB/s), 10M, off, or a "
                                 "timetable in this machine's local time such as "
                                 "\"08:00,512K 19:00,off\" (default: the server's bwlimit in "
                                 "config.ini, else none).")
        parser.add_argument("--log-file", metavar="FILE", default=None,
                            help="Append one JSON line per file to FILE as each ends (path, "
                                 "outcome, bytes, sha256, seconds, error, dataset).")
        parser.add_argument("-f", "--format", dest="formatter", choices=("table", "json"),
                            default="table",
                            help="Output format of the final report or dry-run listing "
                                 "(default: table).")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        from arcsecond_core.interrupts import Interrupts

        options = self._options(parsed_args)
        # Ctrl-C and SIGTERM only set an event from here on; every phase looks at it.
        with Interrupts() as interrupts:
            return self._download(options, parsed_args, interrupts)

    def _options(self, parsed_args: argparse.Namespace) -> Any:
        from arcsecond_core.errors import UsageError

        from .job import Options

        target, folder = parsed_args.target, parsed_args.folder
        named = parsed_args.nightlog if parsed_args.nightlog is not None \
            else parsed_args.datapackage
        if named is not None:
            if folder is not None:
                raise UsageError("give a dataset or --nightlog or --datapackage, not two")
            kind = "nightlog" if parsed_args.nightlog is not None else "datapackage"
            spec, folder = named, target
        elif target is None:
            raise UsageError("what to download: a DATASET, --nightlog NIGHT_LOG or "
                             "--datapackage DATA_PACKAGE")
        else:
            kind, spec = "dataset", target
        from arcsecond_core.transfer.filters import from_arguments

        return Options(kind=kind, spec=spec, folder=folder, jobs=parsed_args.jobs,
                       retries=parsed_args.retries, patterns=tuple(parsed_args.pattern or ()),
                       overwrite=parsed_args.overwrite,
                       rules=from_arguments(parsed_args.filter_rules),
                       bwlimit=parsed_args.bwlimit)

    def _download(self, options: Any, parsed_args: argparse.Namespace, interrupts: Any) -> int:
        from arcsecond_core.transfer.report import write_json, write_report, write_table

        from .job import execute, prepare
        from .plan import dry_run_rows, summary_lines

        api = self.app.api(parsed_args.portal, pool_size=max(10, (options.jobs or FAR_JOBS) + 2))
        nothing = "interrupted: nothing was fetched"
        plan = interrupts.wait_for(lambda: prepare(api, options), nothing)
        stdout, stderr = self.app.stdout, self.app.stderr
        stderr.write("\n".join(summary_lines(plan, api)) + "\n")
        if parsed_args.dry_run:
            stderr.write("dry run: nothing was fetched\n")
            rows = dry_run_rows(plan)
            if parsed_args.formatter == "json":
                write_json(stdout, rows)
            elif rows:
                write_table(stdout, DRY_RUN_COLUMNS, rows)
            return 0
        if plan.bandwidth is not None:
            stderr.write(f"bandwidth: {plan.bandwidth.timetable.describe()}\n")
        stderr.flush()
        log = None
        if parsed_args.log_file:
            from arcsecond_core.transfer.joblog import TransferLog

            log = TransferLog(parsed_args.log_file, "download")
        progress = self._progress(plan)
        try:
            report = execute(api, plan, options, progress, interrupts.cancel, log)
        finally:
            progress.close()
            if log is not None:
                log.close()
        write_report(stdout, report, parsed_args.formatter)
        if report.interrupted:
            stderr.write(AGAIN + "\n")
            return int(interrupts.exit_code)
        return 0 if report.ok else 1

    def _progress(self, plan: Any) -> Any:
        import logging

        from arcsecond_core.transfer.progress import make_progress

        return make_progress(self.app.stderr, len(plan.to_fetch), plan.bytes_to_fetch,
                             log=logging.getLogger("arcsecond.download"))

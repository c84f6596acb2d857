"""``arcsecond datafile ...``: list, show, download, update and delete data files."""

from __future__ import annotations

import argparse
from typing import ClassVar

from arcsecond_core.cli.resource_commands import (
    Option,
    ResourceCommand,
    ResourceLister,
    ResourceShow,
    ResourceUpdate,
    TargetArgument,
    identifier,
)
from arcsecond_core.cli.resource_delete import ResourceDelete

RESOURCE = "datafiles"
NIGHT_LOG = Option(
    "--night-log", "night_log", lookup="nightlogs", metavar="NIGHT_LOG",
    help="Night log, by UUID or date (YYYY-MM-DD).",
)


class DataFileTarget(TargetArgument):
    argument = "ID"
    argument_help = "The data file's id (a whole number)."
    argument_type = staticmethod(identifier)


class ListDataFile(ResourceLister):
    """List data files"""

    resource = RESOURCE
    columns = ("id", "file_name", "size", "file_type", "is_raw", "date_obs", "created")
    optional_columns = ("created", "file_type", "is_raw", "size", "date_obs")
    filters = (
        Option("--dataset", "dataset", lookup="datasets", metavar="DATASET",
               help="Only the files of this dataset (name or UUID)."),
        NIGHT_LOG,
    )


class ListDataFileAlias(ListDataFile):
    """List data files (same as 'datafile list')"""

    hidden = True


class ShowDataFile(DataFileTarget, ResourceShow):
    """Show a data file"""

    resource = RESOURCE


class DownloadDataFile(DataFileTarget, ResourceCommand):
    """Download a data file"""

    resource = RESOURCE
    web_option: ClassVar[bool] = False

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.add_target(parser)
        parser.add_argument(
            "-o", "--output", metavar="PATH", default=None,
            help="Where to save it: a file, or a directory to keep the file's name "
            "(default: the file's name in the current directory).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Overwrite the file if it exists."
        )
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        from arcsecond_plugins.datafiles.download import destination, download

        client = self.client(parsed_args)
        record = client.read(parsed_args.target)
        target = destination(parsed_args.output, record, force=parsed_args.force)
        from arcsecond_core.sizes import human_bytes

        size = download(client, record, target, self.app.stderr)
        self.app.stdout.write(
            f"downloaded data file {record['id']} ({human_bytes(size)}) to {target}\n"
        )
        return 0


class UpdateDataFile(DataFileTarget, ResourceUpdate):
    """Change the tags, raw flag or night log of a data file"""

    resource = RESOURCE
    fields = (
        Option("--tag", "tags", multiple=True, metavar="TAG",
               help="A tag (repeat for more): the new list of tags."),
        Option("--raw", "is_raw", kind=bool, help="Mark the file as raw data (or not)."),
        NIGHT_LOG,
    )


class DeleteDataFile(DataFileTarget, ResourceDelete):
    """Delete data files, destroying the stored files"""

    resource = RESOURCE
    consequence = "({file_name})"

"""``arcsecond datafile create --dataset D --file PATH``: one file into a dataset, no folder needed;
and the older ``fitsfiles|datafiles DATASET [read|create --file PATH|delete ID]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from arcsecond_core.cli.legacy import LegacyDataFiles
from arcsecond_core.cli.resource_commands import Option, ResourceShowOne
from arcsecond_core.errors import UsageError


class CreateDataFile(ResourceShowOne):
    """Upload one file into a dataset"""

    resource = "datafiles"
    web_option = False
    dataset = Option("--dataset", "dataset", lookup="datasets", required=True, metavar="DATASET",
                     help="The dataset, by name or UUID.")

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        self.dataset.add_to(parser)
        parser.add_argument("--file", required=True, metavar="PATH", help="The file to send.")
        parser.add_argument("--tag", dest="tags", action="append", default=None, metavar="TAG",
                            help="A tag (repeat for more).")
        parser.add_argument("--raw", action=argparse.BooleanOptionalAction, default=True,
                            help="Mark the file as raw data (default) or not.")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], tuple]:
        path = Path(parsed_args.file)
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        dataset = self.dataset.value(parsed_args, self)
        client = self.api(parsed_args).datafiles
        record = client.upload(path, dataset, is_raw=parsed_args.raw, tags=parsed_args.tags or ())
        return self.show(record)


class FitsFilesOldForm(LegacyDataFiles):
    """Older form of 'datafile': fitsfiles DATASET [read [ID]|create --file PATH|delete ID]"""

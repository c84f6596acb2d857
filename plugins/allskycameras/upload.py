"""``arcsecond allskycamera upload CAMERA IMAGE...`` and ``... CAMERA --watch FOLDER``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from cliff.lister import Lister

from arcsecond_core.cli.base import ArcsecondCommand, seconds
from arcsecond_core.errors import UsageError


def utc_time(text: str) -> dt.datetime:
    """argparse type of ``--time``: an ISO 8601 time, UTC unless it says otherwise."""
    from .times import parse_utc

    try:
        return parse_utc(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {text!r} (use ISO 8601, e.g. 2026-12-03T21:04:05Z)") from None


class UploadAllSkyImage(ArcsecondCommand, Lister):
    """Upload images of an all-sky camera, or keep sending those a folder receives (--watch)"""

    portal_option = True
    exit_code = 0
    headline: str | None = None

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument("camera", metavar="CAMERA", help="The camera, by name or UUID.")
        parser.add_argument("images", metavar="IMAGE", nargs="*",
                            help="Image files (JPEG, PNG, GIF, WebP, TIFF or FITS).")
        parser.add_argument("--time", type=utc_time, default=None, metavar="UTC",
                            help="When the images were taken (ISO 8601; UTC without an offset). "
                                 "Default: each image's EXIF DateTimeOriginal when Pillow is "
                                 "installed and the image has one (UTC unless the EXIF gives "
                                 "an offset), else the file's modification time.")
        parser.add_argument("--watch", metavar="FOLDER", type=Path, default=None,
                            help="Keep sending the images written under FOLDER, once complete, "
                                 "until Ctrl-C or SIGTERM.")
        parser.add_argument("--interval", type=seconds, default=5.0, metavar="SECONDS",
                            help="With --watch: seconds between scans of the folder (default: 5).")
        parser.add_argument("--settle", type=seconds, default=5.0, metavar="SECONDS",
                            help="With --watch: how long an image's size and time must stay the "
                                 "same before it is sent (default: 5).")
        return parser

    def run(self, parsed_args: argparse.Namespace) -> int:
        return super().run(parsed_args) or self.exit_code

    def produce_output(self, parsed_args: argparse.Namespace, column_names: Any, data: Any) -> int:
        """The report through cliff's formatter, then the headline on standard error."""
        if data or parsed_args.formatter != "table":
            super().produce_output(parsed_args, column_names, data)
        if self.headline is not None:
            self.app.stderr.write(self.headline + "\n")
        return 0

    def take_action(self, parsed_args: argparse.Namespace) -> Any:
        from arcsecond_core.interrupts import Interrupts

        self._check(parsed_args)
        # Ctrl-C and SIGTERM only set an event from here on; the sending looks at it.
        interrupts = Interrupts().install()
        try:
            return self._upload(parsed_args, interrupts)
        finally:
            if self.app.interactive_mode:
                interrupts.restore()

    def _check(self, parsed_args: argparse.Namespace) -> None:
        if parsed_args.watch is None and not parsed_args.images:
            raise UsageError("give the IMAGE files to send, or --watch FOLDER")
        if parsed_args.watch is not None:
            if parsed_args.images:
                raise UsageError("give IMAGE files or --watch FOLDER, not both")
            if parsed_args.time is not None:
                raise UsageError("--time cannot be used with --watch: each image has its own")
            if not parsed_args.watch.is_dir():
                raise UsageError(f"--watch: no folder {str(parsed_args.watch)!r}")

    def _upload(self, parsed_args: argparse.Namespace, interrupts: Any) -> Any:
        from .sender import COLUMNS, Sender, headline
        from .watch import FolderWatch

        client = self.api(parsed_args).resource("allskycameras")
        camera = interrupts.wait_for(lambda: client.find(parsed_args.camera),
                                     "interrupted: nothing was sent")
        sender = Sender(client, camera["uuid"], self.app.stderr, fixed_time=parsed_args.time,
                        cancel=interrupts.cancel)
        if parsed_args.watch is not None:
            watch = FolderWatch(parsed_args.watch, sender, interrupts.cancel,
                                interval=parsed_args.interval, settle=parsed_args.settle)
            outcomes = watch.run()
        else:
            outcomes = []
            paths = list(dict.fromkeys(parsed_args.images))
            for text in paths:
                if interrupts.cancel.is_set():
                    break
                outcomes.append(sender.send(Path(text), text, len(paths)))
        self.headline = (f"all-sky camera {camera.get('name')!r}: "
                         + headline(outcomes, interrupts.fired))
        failed = any(outcome.status == "failed" for outcome in outcomes)
        self.exit_code = interrupts.exit_code if interrupts.fired else int(failed)
        return COLUMNS, [outcome.row() for outcome in outcomes]

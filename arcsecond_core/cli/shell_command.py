"""``arcsecond shell``: the interactive shell, as a command."""

from __future__ import annotations

import argparse

from arcsecond_core.cli.base import ArcsecondCommand
from arcsecond_core.errors import UsageError


class Shell(ArcsecondCommand):
    """Open the interactive shell (the same as running arcsecond with no command)"""

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        if self.app.interactive_mode:
            raise UsageError("already in the shell")
        self.app.interactive_mode = True
        try:
            self.app.interact()
        finally:
            self.app.interactive_mode = False
        return self.app.shell_exit_code

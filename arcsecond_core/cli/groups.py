"""``arcsecond GROUP`` alone (``arcsecond nightlog``): the commands of that group."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from arcsecond_core.cli.base import ArcsecondCommand


def group_commands(names: Iterable[str], group: str) -> list[str]:
    """The commands whose name starts with the words of ``group`` (and has more words)."""
    prefix = group + " "
    return sorted(name for name in names if name.startswith(prefix))


class GroupCommands(ArcsecondCommand):
    """List the commands of a command group"""

    hidden = True

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        from arcsecond_core.cli.help import one_line_description

        group = self.cmd_name
        manager = self.app.command_manager
        lines = []
        for name in group_commands(manager.commands, group):
            try:
                command_class = manager.commands[name].load()
            except Exception:  # a plugin that fails is reported when its command runs
                continue
            if not getattr(command_class, "hidden", False):
                lines.append((name, one_line_description(command_class)))
        width = max((len(name) for name, _ in lines), default=10)
        out = self.app.stdout
        prog = f"{self.app.NAME} " if not self.app.interactive_mode else ""
        out.write(f"Commands of '{prog}{group}':\n")
        for name, description in lines:
            out.write(f"  {name:<{width}}  {description}\n")
        out.write(f"\nSee '{prog}help {group} COMMAND' for details.\n")
        return 0

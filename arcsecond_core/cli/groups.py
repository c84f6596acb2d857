"""``arcsecond GROUP`` alone (``arcsecond nightlog``): the commands of that group."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from arcsecond_core.cli.base import ArcsecondCommand


def group_commands(names: Iterable[str], group: str) -> list[str]:
    """The commands whose name starts with the words of ``group`` (and has more words)."""
    prefix = group + " "
    return sorted(name for name in names if name.startswith(prefix))


def group_lines(manager: Any, group: str) -> list[tuple[str, str]]:
    """(name, one-line description) of the visible commands of ``group``."""
    from arcsecond_core.cli.help import one_line_description

    lines = []
    for name in group_commands(manager.commands, group):
        try:
            command_class = manager.commands[name].load()
        except Exception:  # a plugin that fails is reported when its command runs
            continue
        if not getattr(command_class, "hidden", False):
            lines.append((name, one_line_description(command_class)))
    return lines


class GroupCommands(ArcsecondCommand):
    """List the commands of a command group"""

    hidden = True

    def group(self, prog_name: str = "") -> str:
        """The group's words: the command name found, else the program name without ours."""
        if self.cmd_name:
            return self.cmd_name
        words = prog_name.split()
        return " ".join(words[1:] if words[:1] == [self.app.NAME] else words)

    def listing(self, group: str) -> str:
        lines = group_lines(self.app.command_manager, group)
        width = max((len(name) for name, _ in lines), default=10)
        prog = "" if getattr(self.app, "interactive_mode", False) else f"{self.app.NAME} "
        return (
            f"Commands of '{prog}{group}':\n"
            + "".join(f"  {name:<{width}}  {description}\n" for name, description in lines)
            + f"\nSee '{prog}help {group} COMMAND' for details.\n"
        )

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = self.listing(self.group(prog_name))
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        self.app.stdout.write(self.listing(self.group()))
        return 0

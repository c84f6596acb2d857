"""Help that lists commands from their class docstrings, importing no more than it must."""

from __future__ import annotations

import argparse
import inspect
from typing import Any

import autopage.argparse
from cliff import help as cliff_help

from arcsecond_core.errors import ArcsecondError


def one_line_description(command_class: type) -> str:
    """The first line of a command class's description, without a trailing period."""
    text = getattr(command_class, "_description", "") or inspect.getdoc(command_class) or ""
    return text.split("\n", 1)[0].rstrip(".")


def command_lines(app: Any) -> list[tuple[str, str]]:
    """(name, one-line description) of every command, warning once per plugin that fails."""
    lines: list[tuple[str, str]] = []
    warned: set[Any] = set()
    for name, entry_point in sorted(app.command_manager):
        try:
            command_class = entry_point.load()
        except ArcsecondError as exc:
            plugin = getattr(entry_point, "plugin_name", name)
            if plugin not in warned:
                warned.add(plugin)
                app.stderr.write(f"warning: {exc}; its commands are unavailable\n")
            continue
        if getattr(command_class, "deprecated", False) or getattr(command_class, "hidden", False):
            continue
        lines.append((name, one_line_description(command_class)))
    return lines


def print_command_list(app: Any, parser: argparse.ArgumentParser) -> None:
    pager = autopage.argparse.help_pager(app.stdout)
    with pager as out:
        parser.print_help(out)
        out.write("\nCommands:\n")
        lines = command_lines(app)
        width = max((len(name) for name, _ in lines), default=10)
        for name, description in lines:
            out.write(f"  {name:<{width}}  {description}\n")
        out.write(f"\nSee '{app.NAME} help COMMAND' or '{app.NAME} COMMAND --help' for details.\n")


class HelpCommand(cliff_help.HelpCommand):
    """Show the help of a command, or list every command"""

    def get_epilog(self) -> str:
        return ""

    def _load_hooks(self) -> None:
        self._hooks = []

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        if parsed_args.cmd:
            try:
                return super().take_action(parsed_args)
            except ValueError:  # no command starts with those words
                return self.app.report_unknown_command(parsed_args.cmd)
        print_command_list(self.app, self.app.parser)
        return 0

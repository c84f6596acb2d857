"""Help that lists commands from their class docstrings, importing no more than it must."""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import sys
from typing import Any, TextIO

import autopage
import autopage.command
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


#: The pager for help, in order; empty (or ``cat``) means no pager.
PAGER_VARIABLES = ("ARCSECOND_PAGER", "PAGER")


def help_pager(stream: TextIO) -> contextlib.AbstractContextManager[TextIO]:
    """Where help goes: a pager only when a person reads it on a terminal (standard input and
    ``stream`` both terminals), the one named by $ARCSECOND_PAGER, else $PAGER, else the
    platform's; straight to ``stream`` otherwise, or when that variable is empty or ``cat``."""
    chosen = next((os.environ[name] for name in PAGER_VARIABLES if name in os.environ), None)
    if chosen is not None and chosen.strip() in ("", "cat"):
        return contextlib.nullcontext(stream)
    if not (_is_terminal(stream) and _is_terminal(sys.stdin)):
        return contextlib.nullcontext(stream)
    return autopage.AutoPager(
        stream, pager_command=autopage.command.UserSpecifiedPager(*PAGER_VARIABLES),
        allow_color=True, line_buffering=False, reset_on_exit=False,
    )


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def print_command_list(app: Any, parser: argparse.ArgumentParser) -> None:
    with help_pager(app.stdout) as out:
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

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        if not parsed_args.cmd:
            print_command_list(self.app, self.app.parser)
            return 0
        try:
            factory, name, _rest = self.app.command_manager.find_command(parsed_args.cmd)
        except ValueError:
            try:  # cliff lists the commands that start with those words, if any
                return super().take_action(parsed_args)
            except ValueError:  # no command starts with those words
                return self.app.report_unknown_command(parsed_args.cmd)
        kwargs = {"cmd_name": name} if "cmd_name" in inspect.signature(factory).parameters else {}
        command = factory(self.app, self.app_args, **kwargs)
        prog = name if self.app.interactive_mode else f"{self.app.NAME} {name}"
        text = command.get_parser(prog).format_help()
        with help_pager(self.app.stdout) as out:
            out.write(text)
        return 0

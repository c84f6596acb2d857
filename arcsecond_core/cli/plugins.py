"""``arcsecond plugin list``: every plugin, its distribution, state and commands."""

from __future__ import annotations

import argparse
from typing import Any

from cliff.lister import Lister

from arcsecond_core.cli.base import ArcsecondCommand, ColumnChoice, ListColumn
from arcsecond_core.cli.commandmanager import LazyCommand
from arcsecond_core.errors import ArcsecondError
from arcsecond_core.plugin_registry import LOADED, PluginEntry

COLUMNS = ("plugin", "distribution", "version", "state", "commands", "reason")


class ListPlugins(ColumnChoice, ArcsecondCommand, Lister):
    """List the plugins, their state (loaded, disabled, failed, needs extra) and commands"""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list[Any]]:
        plugins = self.app.command_manager.registry
        for entry in plugins:
            if entry.state == LOADED:
                check_commands(entry)
        rows = [
            (
                entry.name,
                entry.distribution[0],
                entry.version,
                entry.state,
                ListColumn(sorted(entry.commands)),
                entry.reason,
            )
            for entry in sorted(plugins, key=lambda e: (e.name != "core", e.name))
        ]
        return COLUMNS, rows


def check_commands(entry: PluginEntry) -> None:
    """Import each command of ``entry``: a module that fails marks the plugin failed."""
    for name, value in entry.commands.items():
        try:
            LazyCommand(entry, name, value).load()
        except ArcsecondError:
            return

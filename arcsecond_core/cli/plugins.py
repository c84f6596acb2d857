"""``arcsecond plugin list``: every plugin, its distribution, commands, and failures."""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from cliff.lister import Lister

from arcsecond_core.cli.base import ArcsecondCommand, ListColumn
from arcsecond_core.cli.commandmanager import PluginInfo
from arcsecond_core.errors import ArcsecondError


class ListPlugins(ArcsecondCommand, Lister):
    """List the plugins that provide commands, their versions, commands and load errors"""

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[tuple[str, ...], list[Any]]:
        commands: dict[PluginInfo, list[str]] = defaultdict(list)
        errors: dict[PluginInfo, str] = {}
        for entry_point in self.app.command_manager.entry_points():
            commands[entry_point.plugin].append(entry_point.name.replace("_", " "))
            try:
                entry_point.load()
            except ArcsecondError:
                errors[entry_point.plugin] = self.app.command_manager.failures[entry_point.plugin]
        columns = ("plugin", "distribution", "version", "status", "commands", "error")
        rows = [
            (
                plugin.name,
                plugin.distribution,
                plugin.version,
                "failed" if plugin in errors else "ok",
                ListColumn(sorted(names)),
                errors.get(plugin, ""),
            )
            for plugin, names in sorted(commands.items(), key=lambda kv: (kv[0].name != "core", kv[0].name))
        ]
        return columns, rows

"""cliff's CommandManager filled from the plugin registry, importing a command only when needed.

cliff's own loading imports every command module of a namespace at start. Here each plugin
object lists its commands as ``"module:Class"`` paths; the manager registers a lazy
entry-point-like object per command (cliff's ``commands`` mapping), whose ``load()`` imports
the command's module when that command runs or its help is shown.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Any

from cliff.commandmanager import CommandManager

from arcsecond_core.errors import ArcsecondError
from arcsecond_core.plugin import load_object
from arcsecond_core.plugin_registry import PluginEntry, PluginRegistry, describe

LOG = logging.getLogger(__name__)


class PluginLoadError(ArcsecondError):
    """A plugin's command could not be imported, or needs an extra that is not installed."""


class LazyCommand:
    """One command of a plugin: imported on first ``load()``, failing in one polite line."""

    def __init__(self, entry: PluginEntry, name: str, value: str) -> None:
        self.entry = entry
        self.name = name
        self.value = value

    def __repr__(self) -> str:
        return f"<LazyCommand {self.name} = {self.value}>"

    @property
    def plugin_name(self) -> str:
        return self.entry.name

    def load(self) -> Any:
        plugin = self.entry.plugin
        missing = plugin.missing_modules() if plugin is not None else []
        if plugin is not None and missing:
            raise PluginLoadError(
                f"'{self.name}' needs {', '.join(missing)}, which is not installed: "
                f"{plugin.install_hint()}"
            )
        try:
            return load_object(self.value)
        except Exception as exc:
            message = describe(exc)
            self.entry.failed(message)
            dist, version = self.entry.distribution
            raise PluginLoadError(
                f"plugin {self.entry.name!r} ({dist} {version}) failed to load: {message}"
            ) from exc


class LazyCommandManager(CommandManager):
    """The commands of every available plugin of ``registry``, none of them imported."""

    def __init__(self, registry: PluginRegistry) -> None:
        super().__init__(None, convert_underscores=True)
        self.registry = registry
        for entry in registry.available():
            for name, value in entry.commands.items():
                if name in self.commands:
                    LOG.warning("command %r is defined twice (%s and %s); using the first",
                                name, self.commands[name].value, value)
                    continue
                self.commands[name] = LazyCommand(entry, name, value)

    def find_command(self, argv: list[str]) -> tuple[Any, str, list[str]]:
        """The command whose name is the longest run of leading words of ``argv``, exactly.

        Unlike cliff's lookup, a prefix is never completed to a command (``dataset del`` is not
        ``dataset delete``): an unknown name raises ``ValueError``, which the app reports with
        close suggestions. A group's name alone (``nightlog``) lists its commands. A name that is
        a command itself (``datasets``) stays that command, so a hidden plural alias and
        commands under it (``datasets list``) live side by side. The older forms are commands
        of their own (cliff's legacy-name table is not used).
        """
        from arcsecond_core.cli.groups import GroupCommands, group_commands

        words = list(itertools.takewhile(lambda word: not word.startswith("-"), argv))
        for count in range(len(words), 0, -1):
            name = " ".join(words[:count])
            if name in self.commands:
                return self.commands[name].load(), name, argv[count:]
            if count == len(words) and group_commands(self.commands, name):
                return GroupCommands, name, argv[count:]
        raise ValueError(f"Unknown command {argv!r}")

    def lazy_commands(self) -> Iterator[LazyCommand]:
        """Every plugin command (none of them imported)."""
        return (cmd for cmd in self.commands.values() if isinstance(cmd, LazyCommand))

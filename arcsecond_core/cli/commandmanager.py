"""A command manager that keeps entry points and imports a command's module only when needed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from typing import Any

from cliff.commandmanager import CommandManager, EntryPointWrapper

from arcsecond_core.errors import ArcsecondError

LOG = logging.getLogger(__name__)
COMMANDS_NAMESPACE = "arcsecond.cli"
FIRST_PARTY_PACKAGES = ("arcsecond_core", "arcsecond_plugins")


class PluginLoadError(ArcsecondError):
    """A plugin's command module could not be imported."""


@dataclass(frozen=True)
class PluginInfo:
    """Where a command comes from: the plugin (package or distribution) and its distribution."""

    name: str
    distribution: str
    version: str

    @classmethod
    def of(cls, entry_point: metadata.EntryPoint) -> PluginInfo:
        dist_name, version = _distribution_of(entry_point)
        module = entry_point.module
        top, _, rest = module.partition(".")
        if top == "arcsecond_plugins":
            name = rest.partition(".")[0]
        elif top == "arcsecond_core":
            name = "core"
        else:
            name = dist_name
        return cls(name=name, distribution=dist_name, version=version)


_DISTRIBUTIONS: dict[str, tuple[str, str]] = {}


def _distribution_of(entry_point: metadata.EntryPoint) -> tuple[str, str]:
    """(name, version) of the distribution declaring ``entry_point``, its metadata read once."""
    dist = getattr(entry_point, "dist", None)
    if dist is None:
        return "?", "?"
    key = str(getattr(dist, "_path", id(dist)))
    if key not in _DISTRIBUTIONS:
        meta = dist.metadata
        _DISTRIBUTIONS[key] = (meta["Name"], meta["Version"])
    return _DISTRIBUTIONS[key]


class LazyEntryPoint:
    """An entry point that imports its command class on first ``load()``, failing politely."""

    def __init__(self, manager: LazyCommandManager, entry_point: metadata.EntryPoint) -> None:
        self._manager = manager
        self.entry_point = entry_point
        self.name = entry_point.name
        self.value = entry_point.value
        self.module = entry_point.module

    @cached_property
    def plugin(self) -> PluginInfo:
        return PluginInfo.of(self.entry_point)

    def __repr__(self) -> str:
        return f"<LazyEntryPoint {self.name} = {self.value}>"

    def load(self) -> Any:
        try:
            return self.entry_point.load()
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            self._manager.failures[self.plugin] = message
            raise PluginLoadError(
                f"plugin {self.plugin.name!r} ({self.plugin.distribution} {self.plugin.version}) "
                f"failed to load: {message}"
            ) from exc


class LazyCommandManager(CommandManager):
    """cliff's CommandManager, minus the eager import of every command module.

    Entry points are listed (no import) the first time a command is looked up; a command's
    module is imported only when that command runs or its help is shown.
    """

    def __init__(self, namespace: str = COMMANDS_NAMESPACE) -> None:
        self.namespace = namespace
        self.convert_underscores = True
        self.ignored_modules = ()
        self._legacy: dict[str, str] = {}
        self.group_list: list[str] = [namespace]
        self._explicit: dict[str, Any] = {}
        self._merged: dict[str, Any] | None = None
        self.failures: dict[PluginInfo, str] = {}

    @property
    def commands(self) -> dict[str, Any]:  # type: ignore[override]
        if self._merged is None:
            self._merged = {**self._discover(), **self._explicit}
        return self._merged

    def _discover(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for group in self.group_list:
            for entry_point in metadata.entry_points(group=group):
                name = entry_point.name.replace("_", " ")
                if name in found:
                    LOG.warning(
                        "warning: command %r is defined twice (%s and %s); using the first",
                        name, found[name].value, entry_point.value,
                    )
                    continue
                found[name] = LazyEntryPoint(self, entry_point)
        return found

    def load_commands(self, namespace: str) -> None:
        if namespace not in self.group_list:
            self.group_list.append(namespace)
            self._merged = None

    def add_command(self, name: str, command_class: type) -> None:
        self._explicit[name] = EntryPointWrapper(name, command_class)
        self._merged = None

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.commands.items())

    def entry_points(self) -> list[LazyEntryPoint]:
        """Every discovered command entry point (none of them imported)."""
        return [ep for ep in self.commands.values() if isinstance(ep, LazyEntryPoint)]

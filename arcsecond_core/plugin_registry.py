"""Which plugins are installed, found with stevedore, and the state of each.

A plugin is *loaded* (its commands and resources are available), *disabled* (by
``[cli] disabled_plugins`` in ``config.ini``, by ``$ARCSECOND_DISABLED_PLUGINS``, or because a
plugin it needs is unavailable), *failed* (its plugin object or a command module raised on
import) or *needs extra* (a module its pip extra provides is not installed: its commands are
listed and fail with the install hint). A plugin that fails costs one warning line.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from arcsecond_core import __version__
from arcsecond_core.config import Config
from arcsecond_core.errors import ConfigError
from arcsecond_core.plugin import PLUGINS_NAMESPACE, Plugin, ResourceSpec

LOG = logging.getLogger("arcsecond.plugins")
DISABLED_ENV = "ARCSECOND_DISABLED_PLUGINS"
#: The ``[cli]`` key of the config file listing the plugins turned off.
DISABLED_KEY = "disabled_plugins"
LOADED, DISABLED, FAILED, NEEDS_EXTRA = "loaded", "disabled", "failed", "needs extra"
OUR_DISTRIBUTION = "arcsecond-cli"
#: The core's own resources (identity and portals), always there.
CORE_RESOURCES: dict[str, ResourceSpec] = {
    "organisations": ResourceSpec(
        "organisations", id_field="subdomain", name_field=None, portal_scoped=False,
        singular="organisation",
    ),
    "profiles": ResourceSpec(
        "profiles", id_field="username", name_field=None, portal_scoped=False, singular="profile"
    ),
}


@dataclass
class PluginEntry:
    """One plugin as found: its entry point, its plugin object (None if that failed) and state."""

    name: str
    target: str
    plugin: Plugin | None
    state: str = LOADED
    reason: str = ""
    _distribution: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def available(self) -> bool:
        """Its commands are offered (they may still fail with an install hint)."""
        return self.state in (LOADED, NEEDS_EXTRA)

    @property
    def commands(self) -> dict[str, str]:
        return dict(self.plugin.commands) if self.plugin is not None else {}

    @property
    def distribution(self) -> tuple[str, str]:
        """(name, version) of the distribution declaring the plugin (read on first use)."""
        if self._distribution is None:
            self._distribution = _distribution_of(self.name, self.target)
        return self._distribution

    @property
    def version(self) -> str:
        if self.plugin is not None and self.plugin.version:
            return self.plugin.version
        return self.distribution[1]

    def failed(self, reason: str) -> None:
        self.state, self.reason = FAILED, reason


def parse_names(text: str | None) -> set[str]:
    """Plugin names from ``"server, upload"`` (commas or spaces)."""
    return {name for name in re.split(r"[\s,]+", text or "") if name}


def disabled_names() -> tuple[set[str], str]:
    """The plugins turned off (``$ARCSECOND_DISABLED_PLUGINS`` if set, else the config file's),
    and where that was said."""
    if DISABLED_ENV in os.environ:
        return parse_names(os.environ[DISABLED_ENV]), f"turned off by ${DISABLED_ENV}"
    try:
        config = Config()
    except ConfigError:  # the command that needs the file reports it
        return set(), ""
    return configured_disabled(config), f"turned off in {config.path} ([cli] disabled_plugins)"


def configured_disabled(config: Config) -> set[str]:
    """The plugins turned off in the config file: ``[cli] disabled_plugins = server, upload``."""
    return parse_names(config.cli_value(DISABLED_KEY))


class PluginRegistry:
    """Every plugin of the ``arcsecond.plugins`` namespace, in a stable order."""

    def __init__(self, disabled: Iterable[str] = (), builtin: Iterable[PluginEntry] = (),
                 disabled_reason: str = "turned off") -> None:
        self.disabled = set(disabled)
        self.disabled_reason = disabled_reason
        self.warnings: list[str] = []
        #: Set once the warnings have been shown (by the CLI, or logged by the Python module).
        self.warned = False
        self.entries: dict[str, PluginEntry] = {entry.name: entry for entry in builtin}
        for entry in self._discover():
            if entry.name in self.entries:
                self.warnings.append(
                    f"plugin {entry.name!r} ({entry.target}) is installed twice; using "
                    f"{self.entries[entry.name].target}"
                )
                continue
            self.entries[entry.name] = entry
        self._apply_states()

    def _discover(self) -> list[PluginEntry]:
        import stevedore

        found: list[PluginEntry] = []

        def failed(_manager: Any, entry_point: metadata.EntryPoint, error: BaseException) -> None:
            entry = PluginEntry(entry_point.name, entry_point.value, None)
            entry.failed(describe(error))
            found.append(entry)

        try:
            manager = stevedore.ExtensionManager(
                PLUGINS_NAMESPACE, on_load_failure_callback=failed
            )
            extensions = [(ext.name, ext.entry_point.value, ext.plugin) for ext in manager]
        except AssertionError:
            # stevedore re-raises AssertionError: load the plugins one by one instead.
            found.clear()
            extensions = []
            for name in sorted({ep.name for ep in metadata.entry_points(group=PLUGINS_NAMESPACE)}):
                try:
                    one = stevedore.NamedExtensionManager(
                        PLUGINS_NAMESPACE, names=[name], on_load_failure_callback=failed
                    )
                    extensions.extend((e.name, e.entry_point.value, e.plugin) for e in one)
                except AssertionError as error:
                    target = next(
                        (ep.value for ep in metadata.entry_points(group=PLUGINS_NAMESPACE)
                         if ep.name == name), "?")
                    entry = PluginEntry(name, target, None)
                    entry.failed(describe(error))
                    found.append(entry)
        for name, target, obj in extensions:
            entry = PluginEntry(name, target, obj if isinstance(obj, Plugin) else None)
            if entry.plugin is None:
                entry.failed(f"{target} is not an arcsecond_core.plugin.Plugin")
            found.append(entry)
        for entry in found:
            if entry.state == FAILED:
                self.warnings.append(f"plugin {entry.name!r} ({entry.target}) failed to load: "
                                     f"{entry.reason}")
        # First-party plugins first: their commands and resources win any clash of names.
        return sorted(found, key=lambda e: (not e.target.startswith("arcsecond_plugins."), e.name))

    def _apply_states(self) -> None:
        for entry in self.entries.values():
            if entry.state == FAILED:
                continue
            if entry.name in self.disabled:
                entry.state, entry.reason = DISABLED, self.disabled_reason
            elif entry.plugin is not None and entry.plugin.missing_modules():
                entry.state = NEEDS_EXTRA
                entry.reason = f"needs: {entry.plugin.install_hint()}"
        # A plugin needing one that is unavailable is unavailable too (repeat: chains).
        changed = True
        while changed:
            changed = False
            for entry in self.entries.values():
                if not entry.available or entry.plugin is None:
                    continue
                for needed in entry.plugin.needs_plugins:
                    other = self.entries.get(needed)
                    if other is None or other.state in (DISABLED, FAILED):
                        why = "not installed" if other is None else other.state
                        entry.state = DISABLED
                        entry.reason = f"needs plugin {needed!r}, which is {why}"
                        changed = True
                        break

    def warn_once(self, warn: Any) -> None:
        """Pass each warning to ``warn`` unless that was done already."""
        if not self.warned:
            self.warned = True
            for warning in self.warnings:
                warn(warning)

    def __iter__(self) -> Iterator[PluginEntry]:
        return iter(self.entries.values())

    def available(self) -> list[PluginEntry]:
        return [entry for entry in self.entries.values() if entry.available]

    def provider_of(self, command: str) -> PluginEntry | None:
        """The plugin declaring ``command``, whatever its state."""
        for entry in self.entries.values():
            if command in entry.commands:
                return entry
        return None

    def resources(self) -> dict[str, ResourceSpec]:
        """The API resources of the core and of every available plugin, by attribute name."""
        specs = dict(CORE_RESOURCES)
        for entry in self.available():
            assert entry.plugin is not None
            for name, spec in entry.plugin.resources.items():
                specs.setdefault(name, spec)
        return specs

    def api_extensions(self) -> dict[str, str]:
        """``ArcsecondAPI`` methods of every available plugin: name to ``module:function``."""
        found: dict[str, str] = {}
        for entry in self.available():
            assert entry.plugin is not None
            for name, path in entry.plugin.api_extensions.items():
                found.setdefault(name, path)
        return found

    def global_options(self) -> list[tuple[PluginEntry, str]]:
        return [(entry, entry.plugin.global_options) for entry in self.available()
                if entry.plugin is not None and entry.plugin.global_options]


def describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@functools.cache
def _distributions_by_entry_point() -> dict[tuple[str, str], tuple[str, str]]:
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for dist in metadata.distributions():
        for entry_point in dist.entry_points:
            if entry_point.group == PLUGINS_NAMESPACE:
                found.setdefault((entry_point.name, entry_point.value),
                                 (dist.metadata["Name"], dist.version))
    return found


def _distribution_of(name: str, target: str) -> tuple[str, str]:
    if target.startswith(("arcsecond_core.", "arcsecond_plugins.")):
        return OUR_DISTRIBUTION, __version__
    return _distributions_by_entry_point().get((name, target), ("?", "?"))


@functools.cache
def registry(disabled: frozenset[str] | None = None) -> PluginRegistry:
    """The plugins of this process (discovered once), with ``disabled`` (default: configured)."""
    from arcsecond_core.cli.core_plugin import CORE

    names, reason = disabled_names() if disabled is None else (set(disabled), "turned off")
    core = PluginEntry("core", "arcsecond_core.cli.core_plugin:CORE", CORE)
    return PluginRegistry(names - {"core"}, builtin=[core], disabled_reason=reason)

"""Give cliff's ``autoprogram-cliff`` directive the commands of every installed plugin.

Commands are not entry points of their own: each plugin object (``arcsecond.plugins``) lists its
commands. This extension lists them in stevedore's entry-point cache under the virtual
namespace ``arcsecond.commands``, which ``cli.rst`` documents. Only commands that import are
listed: a failing command of ``arcsecond-cli`` itself is a warning (an error with ``-W``); a
failing third-party plugin is left out with an informational message, as the CLI leaves it out
of ``arcsecond --help``.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

COMMANDS_NAMESPACE = "arcsecond.commands"
DISTRIBUTION = "arcsecond-cli"
LOG = logging.getLogger(__name__)


def command_entry_points() -> tuple[list[metadata.EntryPoint], list[tuple[str, str, str]]]:
    """The commands that import, as entry points; and (command, plugin, error) for the rest."""
    from arcsecond_core.plugin import load_object
    from arcsecond_core.plugin_registry import registry

    loaded, failed = [], []
    for entry in registry(frozenset()).available():
        for name, value in entry.commands.items():
            try:
                load_object(value)
            except Exception as exc:
                failed.append((name, entry.name, f"{type(exc).__name__}: {exc}"))
                entry.failed(str(exc))
            else:
                loaded.append(metadata.EntryPoint(name.replace(" ", "_"), value, COMMANDS_NAMESPACE))
    return loaded, failed


def prime_stevedore(app: Sphinx) -> None:
    import stevedore

    from arcsecond_core.plugin_registry import registry

    loaded, failed = command_entry_points()
    stevedore.ExtensionManager.ENTRY_POINT_CACHE[COMMANDS_NAMESPACE] = loaded
    entries = registry(frozenset()).entries
    for command, plugin, error in failed:
        where = f"{command!r} of plugin {plugin!r} ({entries[plugin].distribution[0]})"
        if entries[plugin].distribution[0] == DISTRIBUTION:
            LOG.warning("command %s failed to load: %s", where, error)
        else:
            LOG.info("command reference: left out %s, which failed to load: %s", where, error)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", prime_stevedore)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

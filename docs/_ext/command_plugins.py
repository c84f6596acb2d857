"""Keep the command reference buildable when an installed plugin fails to import.

cliff's ``autoprogram-cliff`` directive loads every ``arcsecond.cli`` entry point through
stevedore, which re-raises an AssertionError from any plugin and so stops the whole build. This
extension loads the entry points first and hands stevedore only those that import. A failing
command of ``arcsecond-cli`` itself is a warning (an error with ``-W``); a failing third-party
plugin is left out of the reference with an informational message, as the CLI leaves it out of
``arcsecond --help``.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

COMMANDS_NAMESPACE = "arcsecond.cli"
DISTRIBUTION = "arcsecond-cli"
LOG = logging.getLogger(__name__)


def distribution_of(entry_point: metadata.EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    return dist.metadata["Name"] if dist is not None else "?"


def split_entry_points() -> tuple[list[metadata.EntryPoint], list[tuple[metadata.EntryPoint, str]]]:
    """The command entry points that load, and those that fail with their error."""
    loaded, failed = [], []
    for entry_point in metadata.entry_points(group=COMMANDS_NAMESPACE):
        try:
            entry_point.load()
        except Exception as exc:
            failed.append((entry_point, f"{type(exc).__name__}: {exc}"))
        else:
            loaded.append(entry_point)
    return loaded, failed


def prime_stevedore(app: Sphinx) -> None:
    import stevedore

    loaded, failed = split_entry_points()
    stevedore.ExtensionManager.ENTRY_POINT_CACHE[COMMANDS_NAMESPACE] = loaded
    for entry_point, error in failed:
        where = f"{entry_point.name} = {entry_point.value} ({distribution_of(entry_point)})"
        if distribution_of(entry_point) == DISTRIBUTION:
            LOG.warning("command %s failed to load: %s", where, error)
        else:
            LOG.info("command reference: left out %s, which failed to load: %s", where, error)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", prime_stevedore)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

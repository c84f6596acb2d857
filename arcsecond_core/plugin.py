"""What a plugin declares: the ``Plugin`` object its entry point names, and ``ResourceSpec``.

Every command group, first-party or third-party, is one entry point in the stevedore namespace
``arcsecond.plugins`` naming a :class:`Plugin`. This module imports only the standard library,
so loading every plugin object at start-up costs almost nothing: command classes, API
extensions and global options are named by ``"module:attribute"`` paths and imported only when
used.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arcsecond_core.resources import Resource
    from arcsecond_core.session import ArcsecondSession

PLUGINS_NAMESPACE = "arcsecond.plugins"


@dataclass(frozen=True)
class ResourceSpec:
    """How to reach a resource: its API path, identifier field, name field, portal prefixing.

    ``client`` optionally names a :class:`~arcsecond_core.resources.Resource` subclass
    (``"module:Class"``, constructed with the session) for resources with extra methods.
    """

    path: str
    id_field: str = "uuid"
    name_field: str | None = "name"
    portal_scoped: bool = True
    singular: str | None = None
    client: str | None = None

    def bind(self, session: ArcsecondSession) -> Resource:
        if self.client:
            return load_object(self.client)(session)
        from arcsecond_core.resources import Resource

        return Resource(
            session,
            self.path,
            id_field=self.id_field,
            name_field=self.name_field,
            portal_scoped=self.portal_scoped,
            singular=self.singular,
        )


@dataclass(frozen=True)
class Plugin:
    """A plugin: its commands, the API resources and methods it adds, and what it needs.

    ``commands`` maps a command name (``"dataset list"``) to its cliff command class as
    ``"module:Class"``. ``resources`` maps an attribute name of ``ArcsecondAPI`` to a
    :class:`ResourceSpec`; ``api_extensions`` maps a method name of ``ArcsecondAPI`` to a
    function ``(api, ...)`` as ``"module:function"``; ``global_options`` names a function
    ``(parser) -> None`` that adds top-level options. ``extra`` is the pip extra of
    ``arcsecond-cli`` providing the modules in ``requires``; ``needs_plugins`` names plugins
    whose resources this one uses (it is unavailable while one of them is). ``version``
    defaults to the version of the distribution that declares the plugin.
    """

    name: str
    description: str = ""
    commands: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, ResourceSpec] = field(default_factory=dict)
    api_extensions: Mapping[str, str] = field(default_factory=dict)
    global_options: str | None = None
    extra: str | None = None
    requires: tuple[str, ...] = ()
    needs_plugins: tuple[str, ...] = ()
    version: str | None = None

    def missing_modules(self) -> list[str]:
        """The modules in ``requires`` that cannot be imported here (found, not imported)."""
        from importlib.util import find_spec

        missing = []
        for module in self.requires:
            try:
                found = find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                missing.append(module)
        return missing

    def install_hint(self, distribution: str = "arcsecond-cli") -> str:
        """What to run to install what this plugin needs."""
        if self.extra:
            return f"pip install '{distribution}[{self.extra}]'"
        return "pip install " + " ".join(self.requires)


def load_object(path: str) -> Any:
    """The object ``"package.module:attribute"`` names (attributes may be dotted)."""
    module_name, _, attribute = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in filter(None, attribute.split(".")):
        target = getattr(target, part)
    return target

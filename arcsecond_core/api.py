"""ArcsecondAPI: the Python module users import, and the one the CLI itself uses."""

from __future__ import annotations

import logging
import os
from typing import Any

from arcsecond_core import answers, errors
from arcsecond_core.config import KEY_TYPES, Config, ServerProfile
from arcsecond_core.plugin import ResourceSpec, load_object
from arcsecond_core.plugin_registry import registry
from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession

LOG = logging.getLogger("arcsecond")
__all__ = ["ArcsecondAPI", "ResourceSpec", "default_api"]


class ArcsecondAPI:
    """Access to one Arcsecond server with the key saved for it in ``config.ini``.

    ``ArcsecondAPI()`` uses the current server; ``server="local"`` another configured one;
    ``api_server=URL`` with ``key=...`` bypasses the config file; a ``key`` given is the access
    key unless ``key_type="upload"``. ``portal`` works inside an
    organisation's portal. ``timeout`` is the most seconds one request may take, retries
    included (default: ``$ARCSECOND_TIMEOUT``, else 60); an upload or download may take longer
    while its bytes keep moving. Resources are attributes (``api.datasets``, ``api.datafiles``...),
    each a :class:`~arcsecond_core.resources.Resource` whose methods return plain dicts and
    raise the exceptions of :mod:`arcsecond_core.errors`.
    """

    def __init__(
        self,
        server: str | None = None,
        portal: str | None = None,
        *,
        api_server: str | None = None,
        username: str | None = None,
        key: str | None = None,
        key_type: str = "access",
        config: Config | None = None,
        timeout: float | None = None,
        retries: int = 8,
        pool_size: int = 10,
    ) -> None:
        if key_type not in KEY_TYPES:
            raise errors.UsageError(f"key_type must be one of {', '.join(KEY_TYPES)}")
        given_key = {f"{key_type}_key": key}
        if api_server:
            self.profile = ServerProfile(
                name=server or "custom", api_server=api_server.rstrip("/"),
                username=username, **given_key,
            )
        else:
            self.config = config or Config()
            self.profile = self.config.current(server)
            if key:
                self.profile = ServerProfile(
                    self.profile.name, self.profile.api_server, username or self.profile.username,
                    **given_key, bwlimit=self.profile.bwlimit,
                )
        self.portal = portal or None
        self.session = ArcsecondSession(
            self.profile.api_server,
            key=self.profile.key,
            portal=self.portal,
            timeout=timeout,
            retries=retries,
            pool_size=pool_size,
        )
        self._resources: dict[str, Resource] = {}

    def __repr__(self) -> str:
        portal = f" portal={self.portal!r}" if self.portal else ""
        return f"<ArcsecondAPI {self.profile.name} {self.profile.api_server}{portal}>"

    def __enter__(self) -> ArcsecondAPI:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    @property
    def username(self) -> str | None:
        return self.profile.username

    @property
    def key_type(self) -> str | None:
        return self.profile.key_type

    # -- resources -----------------------------------------------------------------------------

    def resource(self, name: str) -> Resource:
        """The resource ``name``: one of the core's, or one an available plugin declares."""
        if name not in self._resources:
            plugins = registry()
            plugins.warn_once(LOG.warning)
            spec = plugins.resources().get(name)
            if spec is None:
                raise AttributeError(f"no resource named {name!r}{_unavailable(name)}")
            self._resources[name] = spec.bind(self.session)
        return self._resources[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.resource(name)
        except AttributeError:
            path = registry().api_extensions().get(name)
            if path is None:
                raise AttributeError(
                    f"{type(self).__name__!s} has no attribute {name!r}{_unavailable(name)}"
                ) from None
            return load_object(path).__get__(self, type(self))

    @property
    def datafiles(self) -> Any:
        """Data files (:class:`~arcsecond_core.datafiles.DataFiles`: upload and download too)."""
        return self.resource("datafiles")

    @property
    def datasets(self) -> Resource:
        return self.resource("datasets")

    @property
    def telescopes(self) -> Resource:
        return self.resource("telescopes")

    @property
    def nightlogs(self) -> Resource:
        return self.resource("nightlogs")

    @property
    def datapackages(self) -> Resource:
        return self.resource("datapackages")

    @property
    def observingsites(self) -> Resource:
        return self.resource("observingsites")

    # -- identity ------------------------------------------------------------------------------

    def verify_key(self, username: str, key: str) -> None:
        """Check that ``key`` belongs to ``username`` (no auth header); Unauthorized-like if not."""
        self.session.request(
            "POST", "auth/key/verify", json={"username": username, "key": key},
            authenticated=False, portal=False,
        )

    def verify_portal(self, subdomain: str) -> None:
        """Check that the current user is a member of the organisation ``subdomain``."""
        if not self.profile.username or not self.profile.key:
            raise errors.NotLoggedIn(f"not logged in on {self.profile.name}: run 'arcsecond login'")
        self.session.request(
            "POST",
            "auth/key/verify-organisation",
            json={
                "username": self.profile.username,
                "key": self.profile.key,
                "organisation": subdomain,
            },
            authenticated=False,
            portal=False,
        )

    def me(self) -> Record:
        """The current user's profile (``profiles/<username>/``)."""
        if not self.profile.username:
            raise errors.NotLoggedIn(f"not logged in on {self.profile.name}: run 'arcsecond login'")
        profiles = self.resource("profiles")
        record = profiles.read(self.profile.username)
        return answers.expect_profile(record, self.session.base_url,
                                      f"the profile of {self.profile.username}")


def _unavailable(name: str) -> str:
    """Why a resource or method ``name`` is missing, when an unavailable plugin declares it."""
    for entry in registry():
        plugin = entry.plugin
        if not entry.available and plugin is not None and (
            name in plugin.resources or name in plugin.api_extensions
        ):
            return f" (plugin {entry.name!r} is {entry.state}: {entry.reason})"
    return ""


def default_api(server: str | None = None, portal: str | None = None) -> ArcsecondAPI:
    """An API for the current (or named) server, honouring ``ARCSECOND_API``."""
    return ArcsecondAPI(server or os.environ.get("ARCSECOND_API"), portal)

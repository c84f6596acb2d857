"""Compatibility with the 1.x ``arcsecond`` Python module (deprecated: use ``arcsecond_core``).

Scripts written for the older module keep working::

    from arcsecond import ArcsecondAPI
    ArcsecondAPI.login(username, password)
    ArcsecondAPI(ArcsecondAPI.ENDPOINT_OBJECTS).read("HD 5980")
    ArcsecondAPI(ArcsecondAPI.ENDPOINT_FITSFILES, dataset=uuid).create(file=path)

Deprecated: this is a thin wrapper over :class:`arcsecond_core.ArcsecondAPI`, which is the
interface to use in new code (``ArcsecondAPI().objects.read("HD 5980")``). Every call here goes
through it; results are plain dicts (lists for ``list``) and errors its exceptions.
"""

from __future__ import annotations

import warnings
from typing import Any

from arcsecond_core import __version__
from arcsecond_core.api import ArcsecondAPI as CoreAPI

__all__ = ["ArcsecondAPI", "__version__"]


class ArcsecondAPI:
    """One endpoint of the 1.x module, on top of ``arcsecond_core.ArcsecondAPI`` (deprecated)."""

    ENDPOINT_OBJECTS = "objects"
    ENDPOINT_EXOPLANETS = "exoplanets"
    ENDPOINT_ACTIVITIES = "activities"
    ENDPOINT_OBSERVINGSITES = "observingsites"
    ENDPOINT_TELESCOPES = "telescopes"
    ENDPOINT_INSTRUMENTS = "instruments"
    ENDPOINT_OBSERVINGRUNS = "observingruns"
    ENDPOINT_NIGHTLOGS = "nightlogs"
    ENDPOINT_DATASETS = "datasets"
    ENDPOINT_FITSFILES = "datafiles"
    ENDPOINT_DATAFILES = "datafiles"
    ENDPOINT_DATAPACKAGES = "datapackages"
    ENDPOINT_SATELLITES = "satellites"
    ENDPOINT_PROFILES = "profiles"
    ENDPOINT_ME = "me"

    def __init__(self, endpoint: str, dataset: str | None = None, *,
                 organisation: str | None = None, api: str | None = None,
                 **_ignored: Any) -> None:
        warnings.warn("arcsecond.ArcsecondAPI is deprecated: use arcsecond_core.ArcsecondAPI",
                      DeprecationWarning, stacklevel=2)
        self.endpoint = endpoint
        self.dataset = dataset
        self.core = CoreAPI(api, organisation)

    @classmethod
    def login(cls, username: str, password: str, subdomain: str | None = None, *,
              api: str | None = None, **_ignored: Any) -> dict[str, Any]:
        """Log in with a password; the keys are saved, never the password (deprecated form)."""
        from arcsecond_core.accounts import login_with_password

        profile = login_with_password(username, password, server=api)
        return {"username": profile.username, "server": profile.name}

    def _resource(self) -> Any:
        if self.endpoint == self.ENDPOINT_ME:
            return self.core.resource("profiles")
        return self.core.resource(self.endpoint)

    def read(self, object_id: Any = None) -> dict[str, Any]:
        if self.endpoint == self.ENDPOINT_ME:
            return self.core.me()
        return self._resource().read(_joined(object_id))

    def list(self, name: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        if self.dataset and self.endpoint == self.ENDPOINT_DATAFILES:
            filters.setdefault("dataset", self.dataset)
        if name is not None:
            filters.setdefault("name", name)
        return list(self._resource().list(**filters))

    def create(self, payload: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        fields = {**(payload or {}), **fields}
        if self.endpoint == self.ENDPOINT_DATAFILES:
            dataset = fields.pop("dataset", None) or self.dataset
            if not dataset or "file" not in fields:
                raise TypeError("creating a data file needs dataset=UUID and file=PATH")
            return self.core.datafiles.upload(fields.pop("file"), dataset, **fields)
        return self._resource().create(**fields)

    def update(self, object_id: Any, payload: dict[str, Any] | None = None,
               **fields: Any) -> dict[str, Any]:
        return self._resource().update(object_id, **{**(payload or {}), **fields})

    def delete(self, object_id: Any) -> None:
        self._resource().delete(object_id)


def _joined(object_id: Any) -> Any:
    """The 1.x CLI passed names as tuples of words (``('HD', '5980')``)."""
    if isinstance(object_id, (tuple, list)):
        return " ".join(str(part) for part in object_id)
    return object_id

"""A generic client for one REST resource: list, iterate, read, create, update, delete, find."""

from __future__ import annotations

import itertools
import uuid as uuid_module
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from arcsecond_core import answers, errors
from arcsecond_core.session import ArcsecondSession

Record = dict[str, Any]


def is_uuid(value: str) -> bool:
    """True if ``value`` is a UUID (any version, with or without dashes)."""
    try:
        uuid_module.UUID(str(value))
    except ValueError:
        return False
    return True


class Resource:
    """The API of one resource path, e.g. ``datasets``; objects are plain dicts of API fields."""

    def __init__(
        self,
        session: ArcsecondSession,
        path: str,
        *,
        id_field: str = "uuid",
        name_field: str | None = "name",
        portal_scoped: bool = True,
        singular: str | None = None,
    ) -> None:
        self.session = session
        self.path = path.strip("/")
        self.id_field = id_field
        self.name_field = name_field
        self.portal_scoped = portal_scoped
        self.singular = singular or self.path.rstrip("s")

    def __repr__(self) -> str:
        return f"<Resource {self.path} on {self.session.base_url}>"

    def _detail(self, object_id: Any, *suffix: str) -> str:
        """The detail path; the identifier travels URL-encoded as one path segment."""
        return "/".join([self.path, quote(str(object_id), safe=""), *suffix])

    def _clean(self, filters: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in filters.items() if v is not None}

    def list(
        self, *, limit: int | None = None, page_size: int | None = None, **filters: Any
    ) -> Iterator[Record]:
        """Every object matching ``filters``, lazily across pages; at most ``limit`` of them.

        ``page_size`` asks the server for pages of that many objects (a hint it may ignore).
        """
        params = self._clean(filters)
        if page_size is not None:
            params["page_size"] = page_size
        items = self.session.paginate(self.path, params=params or None, portal=self.portal_scoped)
        return itertools.islice(items, limit) if limit is not None else items

    def read(self, object_id: Any) -> Record:
        """One object by its identifier; NotFound if there is none."""
        try:
            detail = self._detail(object_id)
            return self._object(self.session.get(detail, portal=self.portal_scoped), "GET", detail)
        except errors.NotFound as exc:
            detail = exc.payload.get("detail") if isinstance(exc.payload, dict) else None
            raise errors.NotFound(
                f"no {self.singular} {object_id!r} on {self.session.base_url}"
                + (f" in portal {self.session.portal!r}" if self.session.portal else "")
                # the server's own words when they say more (e.g. which catalogue is missing)
                + (f" ({detail.rstrip('.')})" if detail and detail != "Not found." else ""),
                404,
                exc.payload,
            ) from exc

    def create(self, **fields: Any) -> Record:
        created = self.session.post(self.path, json=fields, portal=self.portal_scoped)
        return self._object(created, "POST", self.path)

    def update(self, object_id: Any, **fields: Any) -> Record:
        """A partial update (PATCH) of the given fields."""
        detail = self._detail(object_id)
        updated = self.session.patch(detail, json=fields, portal=self.portal_scoped)
        return self._object(updated, "PATCH", detail)

    def delete(self, object_id: Any) -> None:
        self.session.delete(self._detail(object_id), portal=self.portal_scoped)

    def find(self, name_or_id: str) -> Record:
        """The one object whose identifier or name is ``name_or_id``.

        UUIDs (or integer ids) are read directly; names are looked up with the ``name`` filter
        and must match exactly one object (AmbiguousName otherwise).
        """
        text = str(name_or_id)
        if self.name_field is None or self._looks_like_id(text):
            return self.read(text)
        matches = [
            item
            for item in self.list(**{self.name_field: text})
            if str(item.get(self.name_field)) == text
        ]
        return self.only(matches, text)

    def only(self, matches: list[Record], text: str, hint: str = "") -> Record:
        """The one object of ``matches`` (those whose name is ``text``); NotFound, AmbiguousName."""
        named = "dated" if self.name_field == "date" else "named"
        if not matches:
            where = f" in portal {self.session.portal!r}" if self.session.portal else ""
            raise errors.NotFound(f"no {self.singular} {named} {text!r}{where}", 404)
        if len(matches) > 1:
            ids = ", ".join(str(m.get(self.id_field)) for m in matches)
            raise errors.AmbiguousName(
                f"{len(matches)} {self.path} are {named} {text!r} ({ids}): "
                f"{hint or 'use the ' + str(self.id_field)}"
            )
        return self._identified(matches[0], f"GET {self.path}/?{self.name_field}=...")

    def _object(self, payload: Any, method: str, path: str) -> Record:
        """The object an answer holds (UnexpectedAnswer for anything else)."""
        where = f"{method} {path}/"
        return self._identified(answers.expect_object(payload, self.session.base_url, where), where)

    def _identified(self, record: Record, where: str) -> Record:
        """``record`` if it carries its identifier (UnexpectedAnswer otherwise)."""
        if record.get(self.id_field) in (None, ""):
            raise answers.unexpected(self.session.base_url, where,
                                     f"a {self.singular} without its {self.id_field!r}")
        return record

    def find_id(self, name_or_id: str) -> Any:
        """The identifier of the object ``name_or_id`` (no request when it already is one)."""
        text = str(name_or_id)
        if self._looks_like_id(text):
            return text
        return self.find(text)[self.id_field]

    def _looks_like_id(self, text: str) -> bool:
        if self.id_field == "uuid":
            return is_uuid(text)
        if self.id_field == "id":
            return text.isdigit()
        return self.name_field is None

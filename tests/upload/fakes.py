"""An in-memory stand-in for ArcsecondAPI, with failures on demand, for unit tests."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arcsecond_core import errors
from arcsecond_core.config import ServerProfile


@dataclass
class FakeResource:
    items: list[dict[str, Any]] = field(default_factory=list)
    key: str = "uuid"

    def list(self, **filters: Any) -> Iterator[dict[str, Any]]:
        filters.pop("page_size", None)
        for item in list(self.items):
            if all(item.get(k) == v for k, v in filters.items()):
                yield item

    def read(self, object_id: Any) -> dict[str, Any]:
        for item in self.items:
            if str(item.get(self.key)) == str(object_id):
                return item
        raise errors.NotFound(f"no object {object_id!r}", 404)

    def find(self, name_or_id: str) -> dict[str, Any]:
        for item in self.items:
            if name_or_id in (item.get("uuid"), item.get("name")):
                return item
        raise errors.NotFound(f"no telescope {name_or_id!r}", 404)

    def create(self, **fields: Any) -> dict[str, Any]:
        if any(item.get("name") == fields.get("name") for item in self.items):
            raise errors.ValidationError("name: A dataset with this name already exists.", 400)
        record = {"uuid": str(uuid.uuid4()), "telescope": None, **fields}
        self.items.append(record)
        return record

    def delete(self, object_id: Any) -> None:
        self.items[:] = [i for i in self.items if str(i.get(self.key)) != str(object_id)]


class FakeDataFiles(FakeResource):
    """Stores uploads in memory; ``failures`` is a list of exceptions raised by next uploads."""

    def __init__(self) -> None:
        super().__init__(key="id")
        self.failures: list[BaseException | Callable[[], None]] = []
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.store_then_fail: set[str] = set()
        self.corrupt: set[str] = set()
        self.forbid_list = False
        self.forbid_delete = False
        #: The embedded server's refusal of a name describes the file holding it; others may not.
        self.describe_refusals = True

    def list(self, **filters: Any) -> Iterator[dict[str, Any]]:
        if self.forbid_list:
            raise errors.Forbidden("This action is not allowed with an upload key.", 403)
        return super().list(**filters)

    def upload(self, path: Path, dataset: str, *, file_name: str, progress: Any = None,
               digest: Any = None, cancel: Any = None, **kwargs: Any) -> dict[str, Any]:
        data = Path(path).read_bytes()
        with self.lock:
            self.calls.append(file_name)
            failure = self.failures.pop(0) if self.failures else None
        if callable(failure) and not isinstance(failure, BaseException):
            failure()
        elif failure is not None:
            raise failure
        if progress:
            progress(len(data))
        if digest is not None:
            digest.update(data)
        with self.lock:
            if any(i["file_name"] == file_name and i["dataset"] == dataset for i in self.items):
                held = next(i for i in self.items
                            if i["file_name"] == file_name and i["dataset"] == dataset)
                message = f"A file named '{file_name}' already exists in dataset {dataset}."
                payload = {"detail": message}
                if self.describe_refusals:
                    payload.update(id=held["id"], size=held["size"], checksum=held["checksum"])
                raise errors.ValidationError(message, 400, payload)
            record = {"id": len(self.items) + 1, "dataset": dataset, "file_name": file_name,
                      "size": len(data), "checksum": hashlib.sha256(data).hexdigest(),
                      "tags": list(kwargs.get("tags", ())), "is_raw": kwargs.get("is_raw")}
            if file_name in self.corrupt:
                self.corrupt.discard(file_name)
                record["checksum"] = "0" * 64
            self.items.append(record)
        if file_name in self.store_then_fail:
            self.store_then_fail.discard(file_name)
            raise errors.ConnectionFailed("connection dropped after the server stored the file")
        return record

    def delete(self, object_id: Any) -> None:
        if self.forbid_delete:
            raise errors.Forbidden("This action is not allowed with an upload key.", 403)
        self.items[:] = [i for i in self.items if i["id"] != object_id]


class FakeAPI:
    def __init__(self, portal: str | None = None) -> None:
        self.portal = portal
        self.profile = ServerProfile("fake", "http://fake.invalid", "alice", access_key="secretkey1")
        self.datasets = FakeResource()
        self.telescopes = FakeResource()
        self.observingsites = FakeResource()
        self.datafiles = FakeDataFiles()
        self.organisations = FakeResource(key="subdomain")
        self.members: set[str] = set()

    @property
    def username(self) -> str | None:
        return self.profile.username

    def resource(self, name: str) -> FakeResource:
        return getattr(self, name)

    def verify_portal(self, subdomain: str) -> None:
        if subdomain not in self.members:
            raise errors.Forbidden("not a member", 403)

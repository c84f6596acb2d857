"""``api.members``: the members of the API's portal (``ArcsecondAPI(portal="obs").members``)."""

from __future__ import annotations

from typing import Any

from arcsecond_core import errors
from arcsecond_core.resources import Record, Resource
from arcsecond_core.session import ArcsecondSession

ROLES = ("member", "admin", "viewer")


class Members(Resource):
    """``<subdomain>/members/``: integer ids, found by username; only a portal has members.

    Reading is for every member; ``add`` and ``remove`` are for the portal's admins (Forbidden
    otherwise). The last admin cannot be removed or made a member (an HTTPError with status 409).
    """

    def __init__(self, session: ArcsecondSession) -> None:
        super().__init__(session, "members", id_field="id", name_field="username",
                         singular="member")

    def _portal(self) -> str:
        if not self.session.portal:
            raise errors.UsageError("members belong to a portal: use ArcsecondAPI(portal=...) "
                                    "or 'arcsecond portal member ... PORTAL'")
        return self.session.portal

    def list(self, **kwargs: Any) -> Any:
        self._portal()
        return super().list(**kwargs)

    def read(self, object_id: Any) -> Record:
        self._portal()
        return super().read(object_id)

    def add(self, username: str, role: str = "member") -> tuple[Record, bool]:
        """Make ``username`` a member with ``role``: (the membership, True if it is new). For
        someone already a member, the role is changed."""
        self._portal()
        if role not in ROLES:
            raise errors.UsageError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        response = self.session.request("POST", self.path, json={"username": username,
                                                                 "role": role})
        return self._object(self.session.expect_object(response), "POST", self.path), (
            response.status_code == 201)

    def create(self, **fields: Any) -> Record:
        return self.add(fields["username"], fields.get("role", "member"))[0]

    def remove(self, username: str) -> Record:
        """Remove ``username`` from the portal; their membership as it was."""
        record = self.find(username)
        self.delete(record[self.id_field])
        return record

    def _looks_like_id(self, text: str) -> bool:
        return False  # a member is named by username, even an all-digit one

"""The shape every REST resource of the server takes, and the verb-to-handler dispatch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from werkzeug.wrappers import Response

from .auth import check_scope
from .rest import Context, method_not_allowed, not_found, parse_uuid, stored_int

LIST_VERBS = {"GET": ("list", "read"), "HEAD": ("list", "read"), "POST": ("create", "create")}
DETAIL_VERBS = {
    "GET": ("retrieve", "read"),
    "HEAD": ("retrieve", "read"),
    "PATCH": ("update", "update"),
    "PUT": ("update", "update"),
    "DELETE": ("destroy", "delete"),
}


class Resource:
    """A REST resource; subclasses define any of list/create/retrieve/update/destroy."""

    name = ""
    id_kind = "uuid"
    prefixable = True
    #: Only below a portal's prefix (``<subdomain>/members/``); not found without one.
    portal_only = False
    #: Paths below ``<name>/`` beyond list and detail: endpoint -> path with werkzeug
    #: placeholders (``<id>/images/``); requests there go to :meth:`answer`.
    extra_routes: ClassVar[dict[str, str]] = {}

    def answer(self, endpoint: str, ctx: Context, args: dict[str, Any]) -> Response:
        """The answer at one of ``extra_routes`` (its own verbs and scope checks)."""
        raise not_found()

    def key(self, raw: str) -> Any:
        """The identifier in the URL converted to its type; 404 if it cannot be one."""
        if self.id_kind == "uuid":
            return parse_uuid(raw)
        if self.id_kind == "int":
            number = stored_int(raw)
            if number is None:
                raise not_found()
            return number
        return raw

    def dispatch(self, ctx: Context, raw_id: str | None) -> Response:
        method = ctx.request.method
        verbs = LIST_VERBS if raw_id is None else DETAIL_VERBS
        handler_name, action = verbs.get(method, (None, None))
        handler: Callable[..., Response] | None = (
            getattr(self, handler_name, None) if handler_name else None
        )
        if handler is None or action is None:
            raise method_not_allowed(method)
        check_scope(ctx.identity, ctx.role, self.name, action)
        if raw_id is None:
            return handler(ctx)
        return handler(ctx, self.key(raw_id))

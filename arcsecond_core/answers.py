"""What the client expects of the server's JSON, checked where answers come in.

A server of the wrong kind, a proxy's error page turned JSON, or a bug on the other side must
give one clear line (``unexpected answer from SERVER: ...``), never a Python error from deep
inside the code that used the answer.
"""

from __future__ import annotations

from typing import Any

from arcsecond_core.errors import UnexpectedAnswer


def describe(value: Any) -> str:
    """A short description of a JSON value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def unexpected(server: str, where: str, problem: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(f"unexpected answer from {server}: {where}: {problem}")


def expect_object(payload: Any, server: str, where: str) -> dict[str, Any]:
    """``payload`` if it is a JSON object."""
    if not isinstance(payload, dict):
        raise unexpected(server, where, f"expected an object, got {describe(payload)}")
    return payload


def expect_items(items: Any, server: str, where: str) -> list[dict[str, Any]]:
    """``items`` if it is a list of JSON objects."""
    if not isinstance(items, list):
        raise unexpected(server, where, f"expected a list of objects, got {describe(items)}")
    for item in items:
        if not isinstance(item, dict):
            raise unexpected(server, where, f"expected a list of objects, found {describe(item)}")
    return items


def expect_page(payload: Any, server: str, where: str) -> tuple[list[dict[str, Any]], str | None]:
    """The results of one page of a list, and the URL of the next page (None at the end).

    A page is ``{"count": N, "next": URL|null, "previous": URL|null, "results": [...]}``; a plain
    list of objects (a server that does not paginate) is one page.
    """
    if isinstance(payload, list):
        return expect_items(payload, server, where), None
    page = expect_object(payload, server, where)
    if "results" not in page:
        raise unexpected(server, where, "a list page without 'results'")
    results = expect_items(page["results"], server, f"{where} 'results'")
    count = page.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise unexpected(server, where, f"'count' should be a whole number, got {describe(count)}")
    following = page.get("next")
    if following is not None and not isinstance(following, str):
        raise unexpected(server, where, f"'next' should be a URL or null, got {describe(following)}")
    return results, following or None


def expect_profile(payload: Any, server: str, where: str) -> dict[str, Any]:
    """A profile whose ``memberships`` (if any) are objects naming an organisation object."""
    profile = expect_object(payload, server, where)
    memberships = profile.get("memberships")
    if memberships is not None:
        for membership in expect_items(memberships, server, f"{where} 'memberships'"):
            organisation = membership.get("organisation")
            if organisation is not None and not isinstance(organisation, dict):
                raise unexpected(server, f"{where} 'memberships'",
                                 f"'organisation' should be an object, got {describe(organisation)}")
    return profile

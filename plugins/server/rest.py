"""HTTP plumbing shared by the views: DRF-style errors, JSON answers, request bodies, pagination."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from .db import Database

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_JSON_BYTES = 10 * 1024 * 1024
#: Where a list handler's filters are noted for the browser pages' filter form.
FILTERS_ENVIRON = "arcsecond.filters"
#: Who a request is for, set by the HTML layer around the API (a browser session's reader);
#: a WSGI environ key, out of reach of the HTTP request itself.
IDENTITY_ENVIRON = "arcsecond.browser_identity"
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


class ApiError(Exception):
    """An error answered to the client as JSON: ``{"detail": ...}`` or field errors."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        response = json_response(self.body, self.status)
        for key, value in self.headers.items():
            response.headers[key] = value
        return response


def detail(status: int, message: str) -> ApiError:
    return ApiError(status, {"detail": message})


def not_found(message: str = "Not found.") -> ApiError:
    return detail(404, message)


def forbidden(message: str = "You do not have permission to perform this action.") -> ApiError:
    return detail(403, message)


def method_not_allowed(method: str) -> ApiError:
    return detail(405, f'Method "{method}" not allowed.')


def does_not_exist(pk: Any) -> str:
    """DRF's message for a related object that is not there."""
    return f'Invalid pk "{pk}" - object does not exist.'


def invalid(field_name: str, message: str) -> ApiError:
    return ApiError(400, {field_name: [message]})


def json_response(data: Any, status: int = 200) -> Response:
    if status == 204:
        return Response(status=204)
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


def now() -> str:
    """The current UTC time in the API's format (ISO 8601 with microseconds and ``Z``)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_uuid() -> str:
    return str(uuid.uuid4())


Parser = Callable[[str, str], Any]


def stored_int(value: Any) -> int | None:
    """``value`` as an integer SQLite can hold (64 bits), else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if MIN_INT <= number <= MAX_INT else None


def parse_int(value: Any, field_name: str) -> int:
    """An integer SQLite can hold; a 400 for ``field_name`` if it is not one."""
    number = stored_int(value)
    if number is None:
        raise invalid(field_name, "A valid integer is required.")
    return number


def parse_uuid(value: Any, field_name: str | None = None) -> str:
    """A canonical UUID string; a 400 for ``field_name`` (or a 404 without one) if malformed."""
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        if field_name is None:
            raise not_found() from None
        raise invalid(field_name, "Must be a valid UUID.") from None


def parse_bool(value: Any, field_name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on", "t", "y"}:
        return True
    if text in {"false", "0", "no", "off", "f", "n"}:
        return False
    raise invalid(field_name, "Must be a valid boolean.")


def parse_tags(value: Any, field_name: str = "tags") -> list[str]:
    """Tags as a list of strings, from a JSON list or a comma-separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return [tag.strip() for tag in value if tag.strip()]
    raise invalid(field_name, "Expected a list of strings or a comma-separated string.")


def required_text(data: dict[str, Any], name: str, max_length: int = 255) -> str:
    value = data.get(name)
    if value is None:
        raise invalid(name, "This field is required.")
    if not isinstance(value, str):
        raise invalid(name, "Not a valid string.")
    value = value.strip()
    if not value:
        raise invalid(name, "This field may not be blank.")
    if len(value) > max_length:
        raise invalid(name, f"Ensure this field has no more than {max_length} characters.")
    return value


def bounded_body(request: Request, limit: int) -> bytes:
    """The whole request body; a 413 past ``limit`` bytes, however the body arrives (a chunked
    body has no Content-Length to check first), a 400 when its framing breaks."""
    if (request.content_length or 0) > limit:
        raise detail(413, "Request body too large.")
    stream = request.stream
    body = bytearray()
    while True:
        try:
            piece = stream.read(min(1024 * 1024, limit + 1 - len(body)))
        except (OSError, ValueError) as error:  # a broken chunked body, a client gone
            raise detail(400, f"The request body could not be read: {error}") from None
        if not piece:
            return bytes(body)
        body.extend(piece)
        if len(body) > limit:
            raise detail(413, "Request body too large.")


def read_json(request: Request) -> dict[str, Any]:
    """The request's JSON object (or form fields); 400 in DRF's words if it is not one."""
    raw = bounded_body(request, MAX_JSON_BYTES)
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        environ = {key: value for key, value in request.environ.items()
                   if key not in ("HTTP_TRANSFER_ENCODING", "wsgi.input_terminated")}
        environ.update({"wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))})
        form = Request(environ).form
        fields = {key: form.get(key) for key in form}
        check_text_fields(fields)
        return fields
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise detail(400, f"JSON parse error - {error}") from None
    except RecursionError:
        raise detail(400, "JSON parse error - nested too deeply") from None
    if not isinstance(data, dict):
        raise ApiError(400, {"non_field_errors": ["Invalid data. Expected a dictionary."]})
    check_text_fields(data)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """DRF's words for text no field may hold (a NUL, a lone surrogate), else None."""
    if "\x00" in value:
        return "Null characters are not allowed."
    found = _SURROGATE.search(value)
    if found:
        return f"Surrogate characters are not allowed: U+{ord(found.group()):X}."
    return None


def _problem_in(value: Any) -> str | None:
    """The first text problem anywhere in a decoded JSON value (iterative: JSON may nest deep)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return problem
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def check_text_fields(data: dict[str, Any]) -> None:
    """A 400 naming the first field whose text (at any depth) holds a NUL or a lone surrogate:
    SQLite cannot store a lone surrogate, and no name or description needs a NUL."""
    for name, value in data.items():
        if text_problem(name):
            raise ApiError(400, {"non_field_errors": [
                f"Invalid field name {name!a}: {text_problem(name)}"]})
        problem = _problem_in(value)
        if problem:
            raise invalid(name, problem)



def organisation_of(owner: str) -> str | None:
    """The portal's subdomain of an ``org:<subdomain>`` owner; None for a user's own object."""
    return owner[4:] if owner.startswith("org:") else None

@dataclass
class Identity:
    """Who is calling: the user and the kind of key used (``access`` or ``upload``)."""

    username: str
    scope: str


@dataclass
class Context:
    """One API request: the caller, the owner its objects belong to, and the server's state."""

    request: Request
    db: Database
    files_dir: Path
    identity: Identity
    owner: str
    portal: str | None = None
    role: str | None = None

    @property
    def username(self) -> str:
        return self.identity.username

    def one_or_not_found(self, sql: str, params: Iterable[Any]) -> Any:
        """The one row ``sql`` selects, or a 404 when there is none."""
        row = self.db.one(sql, tuple(params))
        if row is None:
            raise not_found()
        return row

    def query(self, name: str) -> str | None:
        """A query-string parameter (None when absent or empty); a 400 naming it for text no
        filter can match (a NUL, or a lone surrogate)."""
        value = self.request.args.get(name)
        if value in (None, ""):
            return None
        problem = text_problem(value)
        if problem:
            raise invalid(name, problem)
        return value

    def filter(
        self, where: list[str], args: list[Any], filters: dict[str, tuple[str, Parser | None]]
    ) -> None:
        """Add ``column = ?`` to ``where`` for each filter given in the query string.

        ``filters`` maps a query parameter to its column and the parser of its value (called
        with the value and the parameter's name; None keeps the text).
        """
        self.request.environ.setdefault(FILTERS_ENVIRON, []).extend(filters)
        for param, (column, parse) in filters.items():
            value = self.query(param)
            if value is not None:
                where.append(f"{column} = ?")
                args.append(parse(value, param) if parse else value)

    def paginate(
        self,
        select: str,
        where: Iterable[str],
        params: list[Any],
        order: str,
        serialize: Callable[[Any], dict[str, Any]],
    ) -> Response:
        """A DRF-style page of ``select`` rows filtered by ``where``, with absolute next/previous."""
        clauses = list(where)
        sql_where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        count = int(self.db.scalar(f"SELECT COUNT(*) FROM ({select}{sql_where})", params) or 0)
        size = page_size(self.request.args.get("page_size"))
        page = page_number(self.request.args.get("page"))
        pages = max(1, -(-count // size))
        if page > pages:
            raise not_found("Invalid page.")
        rows = self.db.all(
            f"{select}{sql_where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, size, (page - 1) * size],
        )
        return json_response(
            {
                "count": count,
                "next": self.page_url(page + 1) if page < pages else None,
                "previous": self.page_url(page - 1) if page > 1 else None,
                "results": [serialize(row) for row in rows],
            }
        )

    def page_url(self, page: int) -> str:
        args = [(k, v) for k, v in self.request.args.items(multi=True) if k != "page"]
        if page > 1:
            args.append(("page", str(page)))
        query = urlencode(args)
        return self.request.base_url + (f"?{query}" if query else "")


def page_size(value: str | None) -> int:
    try:
        size = int(value) if value else DEFAULT_PAGE_SIZE
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return DEFAULT_PAGE_SIZE if size < 1 else min(size, MAX_PAGE_SIZE)


def page_number(value: str | None) -> int:
    if value in (None, ""):
        return 1
    try:
        page = int(value)
    except ValueError:
        raise not_found("Invalid page.") from None
    if page < 1:
        raise not_found("Invalid page.")
    return page

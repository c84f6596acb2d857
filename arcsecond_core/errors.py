"""The exception family every part of the client raises; each carries its exit code."""

from __future__ import annotations

from typing import Any


class ArcsecondError(Exception):
    """An error reported to the user as one line; exit code 1."""

    exit_code = 1


class UsageError(ArcsecondError):
    """The command line asks for something that cannot be done as written; exit code 2."""

    exit_code = 2


class ConfigError(ArcsecondError):
    """The configuration file is missing something, or cannot be read or written."""


class NotLoggedIn(ArcsecondError):
    """No key is configured for the current server."""


class ConnectionFailed(ArcsecondError):
    """The server could not be reached (refused, DNS, timeout, connection dropped)."""


class TimedOut(ConnectionFailed):
    """The server did not answer within the time allowed (``--timeout``, ``ARCSECOND_TIMEOUT``)."""


class UnexpectedAnswer(ArcsecondError):
    """The server answered, but not with what the API promises (JSON of another shape)."""


class Interrupted(ArcsecondError):
    """The command was stopped by Ctrl-C (exit code 130) or SIGTERM (143)."""

    def __init__(self, message: str = "interrupted", exit_code: int = 130) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class HTTPError(ArcsecondError):
    """The server answered with an error status."""

    status_code: int = 0

    def __init__(self, message: str, status_code: int | None = None, payload: Any = None) -> None:
        super().__init__(message)
        if status_code is not None:
            self.status_code = status_code
        self.payload = payload


class ValidationError(HTTPError):
    """400: the server rejected the data; ``fields`` maps field names to messages."""

    status_code = 400

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        payload: Any = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message, status_code, payload)
        self.fields = fields or {}


class Unauthorized(HTTPError):
    """401: no key, or a key the server does not know."""

    status_code = 401


class Forbidden(HTTPError):
    """403: a valid key without the right (upload key scope, not a portal member)."""

    status_code = 403


class NotFound(HTTPError):
    """404: no such object or path."""

    status_code = 404


class MethodNotAllowed(HTTPError):
    """405: the verb is not allowed on that URL."""

    status_code = 405


class TooManyRequests(HTTPError):
    """429: the server asks the client to slow down."""

    status_code = 429


class ServerError(HTTPError):
    """5xx: the server failed."""

    status_code = 500


class AmbiguousName(ArcsecondError):
    """A name matches more than one object; a UUID is needed."""

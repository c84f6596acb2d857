"""``--fault-rate``: answer a random fraction of requests with 500, 503 or a dropped connection."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from typing import Any

DROP_CONNECTION = "arcsecond.drop_connection"  # a callable the engine puts in environ
FAULTS = ("500", "503", "drop")


class FaultInjector:
    """WSGI middleware that fails a fraction ``rate`` of requests before the app sees them.

    ``GET /`` is never failed, so that readiness checks stay deterministic. A dropped connection
    needs the engine's ``environ["arcsecond.drop_connection"]`` callable; without it a drop
    becomes a 500.
    """

    def __init__(self, app: Any, rate: float, seed: int | None = None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("the fault rate must be between 0 and 1")
        self.app = app
        self.rate = rate
        self.random = random.Random(seed)

    def choose(self) -> str | None:
        """The fault for the next request, or None to serve it."""
        if self.rate <= 0 or self.random.random() >= self.rate:
            return None
        return self.random.choice(FAULTS)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.app(environ, start_response)
        fault = self.choose()
        if fault is None:
            return self.app(environ, start_response)
        if fault == "drop":
            drop = environ.get(DROP_CONNECTION)
            if drop is not None:
                drop()
                start_response("500 Internal Server Error", [("Content-Length", "0")])
                return []
            fault = "500"
        status = ("503 Service Unavailable", "Service temporarily unavailable (injected fault).") \
            if fault == "503" else ("500 Internal Server Error", "A server error occurred "
                                    "(injected fault).")
        body = json.dumps({"detail": status[1]}).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        if fault == "503":
            headers.append(("Retry-After", "1"))
        start_response(status[0], headers)
        return [body]

"""The HTTP engine under the WSGI app: cheroot with keep-alive, a bounded pool and timeouts.

What cheroot gives as it is: HTTP/1.1 keep-alive (idle connections wait in a selector, not in a
thread), a fixed pool of worker threads, request bodies read from the socket by the application
as they arrive (chunked too), and a stop that lets running requests finish for a bounded time.
What this module adds through cheroot's public extension points (``ConnectionClass``,
``RequestHandlerClass``, ``header_reader``, ``gateway``):

- a deadline on the whole request head: a client that sends half a request line or headers and
  stalls (or drips a byte at a time) loses its connection after ``head_timeout`` seconds, or
  after 2 s while stalled heads hold half the workers;
- ``environ["arcsecond.drop_connection"]``, a callable that cuts the client's connection without
  an answer (used by ``--fault-rate``), so middleware never touches an engine's socket object;
- strict framing (``framing``): a 400 and a closed connection for every head or chunked body
  RFC 9112 calls ambiguous (``Content-Length`` with ``Transfer-Encoding``, a broken chunk,
  folded header lines...), and a body the application left unread read to its end in bounded
  pieces before the answer, so that no bytes of a body are ever taken for a further request;
- a 413 for bodies over 1 TiB (a larger ``Content-Length`` made cheroot fail);
- an optional access log, one line per request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from cheroot import errors, wsgi
from cheroot import server as http

from . import framing
from .faults import DROP_CONNECTION


@dataclass(frozen=True)
class Limits:
    """The engine's bounds: worker threads, timeouts (seconds) and the request head's size."""

    threads: int = 32
    timeout: float = 30.0
    head_timeout: float = 10.0
    shutdown_timeout: float = 30.0
    max_head_bytes: int = 64 * 1024
    idle_connections: int = 512  # keep-alive connections kept open between requests
    max_body_bytes: int = 2**40  # 1 TiB: beyond any FITS file, and within what a read can ask


class HeadDeadlines:
    """Shut down connections whose request head has not arrived in time (one watcher thread).

    A head normally arrives in one packet. While heads hold at least ``crowd`` workers (half the
    pool), the allowance drops to ``crowded_limit`` seconds, so that a crowd of stalled clients
    cannot keep the workers from everyone else for long.
    """

    def __init__(self, limit: float, crowd: int, crowded_limit: float = 2.0) -> None:
        self.limit = limit
        self.crowd = max(1, crowd)
        self.crowded_limit = min(limit, crowded_limit)
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[float, socket.socket]] = {}
        self._tokens = itertools.count()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="head-deadlines", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def watch(self, sock: socket.socket) -> int:
        token = next(self._tokens)
        with self._lock:
            self._pending[token] = (time.monotonic(), sock)
        return token

    def done(self, token: int) -> None:
        with self._lock:
            self._pending.pop(token, None)

    def _watch(self) -> None:
        interval = min(0.25, self.crowded_limit / 4)
        while not self._stop.wait(interval):
            now = time.monotonic()
            with self._lock:
                limit = self.crowded_limit if len(self._pending) >= self.crowd else self.limit
                late = [token for token, (started, _) in self._pending.items()
                        if now - started > limit]
                socks = [self._pending.pop(token)[1] for token in late]
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


#: cheroot's 5xx answers to requests this server cannot take, and the 400s given instead.
CLIENT_FAULTS = {
    "505": "Only HTTP/1.x is spoken here.",
    "501": "Only the chunked transfer coding is accepted.",
}


class _StrictLines:
    """A request head's lines, each checked before cheroot reads it (``framing``), refusing
    obsolete line folding too (RFC 9112, 5.2: reject it)."""

    def __init__(self, rfile: Any) -> None:
        self.rfile = rfile
        self.seen: set[bytes] = set()

    def readline(self, *args: Any) -> bytes:
        line: bytes = self.rfile.readline(*args)
        if line[:1] in (b" ", b"\t"):
            raise ValueError("Folded header lines are not accepted.")
        framing.check_field_line(line, self.seen)
        return line


class _HeaderReader(http.HeaderReader):
    """cheroot's header reader with the checks of ``framing``. Field names with an underscore
    are dropped, as nginx does: ``X_Forwarded_For`` and ``X-Forwarded-For`` are one WSGI key.
    (cheroot's ``DropUnderscoreHeaderReader`` compares bytes with a str and fails.)"""

    def __init__(self, http10: bool = False) -> None:
        self.http10 = http10

    def _allow_header(self, key_name: bytes) -> bool:
        return b"_" not in key_name

    def __call__(self, rfile: Any, hdict: dict | None = None) -> dict:
        headers = super().__call__(_StrictLines(rfile), hdict)
        framing.check_framing(headers, self.http10)
        return headers


class _Request(http.HTTPRequest):
    """A request framed strictly (``framing``), whose head must arrive before its deadline."""

    header_reader = _HeaderReader()
    answered = False  # the engine answered in place of the application (a broken body)

    def simple_response(self, status: Any, msg: Any = "") -> None:
        """cheroot's early answers, each closing the connection (``Connection: close``), with
        the two it makes 5xx for what a client sent (a major HTTP version other than 1, a
        transfer coding other than chunked) made 400s: RFC 9110 allows either, and a 5xx
        would tell a monitor that the server failed."""
        code = str(status)[:3]
        if code in CLIENT_FAULTS:
            status, msg = "400 Bad Request", CLIENT_FAULTS[code]
        self.close_connection = True
        body = msg.encode("ISO-8859-1", "replace") if isinstance(msg, str) else bytes(msg)
        head = (f"{self.server.protocol} {status}\r\nContent-Length: {len(body)}\r\n"
                "Content-Type: text/plain\r\nConnection: close\r\n\r\n")
        try:
            self.conn.wfile.write(head.encode("ISO-8859-1") + body)
        except OSError as error:
            if error.args[0] not in errors.socket_errors_to_ignore:
                raise

    def parse_request(self) -> None:
        deadlines: HeadDeadlines = self.server.head_deadlines
        token = deadlines.watch(self.conn.socket)
        try:
            super().parse_request()
        finally:
            deadlines.done(token)

    def read_request_line(self) -> bool:
        if not super().read_request_line():
            return False
        try:
            framing.check_target(self.uri)
        except framing.BadFraming as error:
            self.simple_response("400 Bad Request", error.message)
            return False
        return True

    def read_request_headers(self) -> bool:
        self.header_reader = _HeaderReader(http10=self.response_protocol == "HTTP/1.0")
        return bool(super().read_request_headers())

    def respond(self) -> None:
        """cheroot's respond, with a chunked body read by ``framing.ChunkedBody``."""
        if self.chunked_read:
            self.rfile = framing.ChunkedBody(self.conn.rfile, self.server.max_request_body_size,
                                             self.server.max_request_header_size)
        else:
            length = int(self.inheaders.get(b"Content-Length", 0))
            self.rfile = http.KnownLengthRFile(self.conn.rfile, length)
        self.server.gateway(self).respond()
        if self.ready:
            self.ensure_headers_sent()
        if self.chunked_write:
            self.conn.wfile.write(b"0\r\n\r\n")

    def send_headers(self) -> None:
        """cheroot's headers, once the body is read to its end; a body whose framing broke
        (while the application read it, or here) gets the engine's 400 instead of the
        application's answer, and the connection is closed."""
        if self.status[:3] == b"413":
            self.close_connection = True  # no use reading the rest of a body refused as too large
        error = self._finish_body()
        if error is None:
            super().send_headers()
            return
        self.simple_response(error.status, error.message)
        self.answered = True

    def write(self, chunk: bytes) -> None:
        if not self.answered:
            super().write(chunk)

    def _finish_body(self) -> framing.BadFraming | None:
        """Read what the application left of the body, in bounded pieces (cheroot read the rest
        of a Content-Length body in one piece, and left the rest of a chunked one to be taken
        for the next request); close the connection when the body breaks or is cut short."""
        body = self.rfile
        chunked = isinstance(body, framing.ChunkedBody)
        try:
            if chunked and not self.close_connection:
                body.drain()
            while not self.close_connection and getattr(body, "remaining", 0) > 0:
                if not body.read(min(framing.PIECE, body.remaining)):
                    self.close_connection = True  # the client stopped sending
        except framing.BadFraming:
            pass
        except OSError:
            self.close_connection = True
        return body.error if chunked else None


class _Connection(http.HTTPConnection):
    RequestHandlerClass = _Request

    def close(self) -> None:
        """cheroot's close, then its writer's: bytes a gone client never took would otherwise be
        flushed when the writer is collected, after the socket is closed, and Python 3.13
        prints that failure ("Exception ignored ... Bad file descriptor", cheroot issue 734).
        On a closed socket the flush fails at once; a lingering one is left to cheroot."""
        super().close()
        if not self.linger:
            with contextlib.suppress(OSError, ValueError):
                self.wfile.close()


class _Gateway(wsgi.Gateway_10):
    """WSGI 1.0 with a way for the application to cut the connection."""

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ[DROP_CONNECTION] = self._drop
        return environ

    def _drop(self) -> None:
        self.req.close_connection = True
        with contextlib.suppress(OSError):
            self.req.conn.socket.shutdown(socket.SHUT_RDWR)


class Engine(wsgi.Server):
    """cheroot's WSGI server with the limits above and one-line error logs."""

    ConnectionClass = _Connection

    def __init__(self, address: tuple[str, int], app: Callable[..., Iterable[bytes]],
                 limits: Limits, log: TextIO | None = None) -> None:
        super().__init__(address, app, numthreads=limits.threads, max=limits.threads,
                         request_queue_size=128, timeout=limits.timeout,
                         shutdown_timeout=limits.shutdown_timeout)
        self.gateway = _Gateway
        self.max_request_header_size = limits.max_head_bytes
        self.keep_alive_conn_limit = limits.idle_connections
        self.max_request_body_size = limits.max_body_bytes
        self.server_name = address[0]
        self.head_deadlines = HeadDeadlines(limits.head_timeout, limits.threads // 2)
        self.log = log or sys.stderr

    def prepare(self) -> None:
        super().prepare()
        self.head_deadlines.start()

    def stop(self) -> None:
        super().stop()
        self.head_deadlines.stop()

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        """Connection-level events in one line; a traceback only for errors of the engine itself."""
        if level < logging.WARNING:
            return
        print(f"arcsecond server: {msg}", file=self.log, flush=True)
        if traceback and level >= logging.ERROR:
            import traceback as tb

            tb.print_exc(file=self.log)


class AccessLog:
    """WSGI middleware writing one line per request to ``out``: the client as address:port
    (so connections can be counted), then the common log format."""

    def __init__(self, app: Callable[..., Iterable[bytes]], out: TextIO | None = None) -> None:
        self.app = app
        self.out = out or sys.stderr
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def logging_start_response(status: str, headers: list, *args: Any) -> Any:
            when = dt.datetime.now().strftime("%d/%b/%Y %H:%M:%S")
            target = environ.get("PATH_INFO", "") + (
                "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
            client = f'{environ.get("REMOTE_ADDR", "-")}:{environ.get("REMOTE_PORT", "-")}'
            line = (f'{client} - - [{when}] "{environ.get("REQUEST_METHOD")} {target} '
                    f'{environ.get("SERVER_PROTOCOL")}" {status.split(" ", 1)[0]} -\n')
            with self.lock:
                self.out.write(line)
                self.out.flush()
            return start_response(status, headers, *args)

        return self.app(environ, logging_start_response)

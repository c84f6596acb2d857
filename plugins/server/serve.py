"""Running the server: loopback policy, binding, the threaded WSGI server and clean stops."""

from __future__ import annotations

import errno
import ipaddress
import os
import signal
import socket
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from arcsecond_core.errors import ArcsecondError, UsageError

HOST_ENV = "ARCSECOND_SERVER_HOST"
DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                   for a in addresses)


def choose_host(explicit: str | None) -> str:
    """The host to bind: ``--host`` as given, else the default, which must be loopback."""
    if explicit:
        return explicit
    host = os.environ.get(HOST_ENV) or DEFAULT_HOST
    if not is_loopback(host):
        raise UsageError(f"refusing to listen on non-loopback address {host!r} from ${HOST_ENV}: "
                         "pass --host explicitly to expose the server")
    return host


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; one-line errors for a port in use or an unknown host."""
    if not 0 <= port <= 65535:
        raise UsageError(f"invalid port {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ArcsecondError(f"cannot listen on {host}: {error.strerror}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ArcsecondError(f"port {port} on {host} is already in use") from None
        raise ArcsecondError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(host: str | None, port: int, data_dir: Path, fault_rate: float = 0.0,
          access_log: bool = False, out: TextIO | None = None, registration: str = "auto") -> int:
    """Serve in the foreground until SIGINT or SIGTERM; 0 after a clean stop."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from .app import ArcsecondApp
    from .faults import FaultInjector

    out = out or sys.stdout
    if not 0.0 <= fault_rate <= 1.0:
        raise UsageError(f"invalid fault rate {fault_rate}: expected a number between 0 and 1")
    chosen = choose_host(host)
    try:
        app: Any = ArcsecondApp(data_dir, registration_open=registration == "open" or (
            registration == "auto" and is_loopback(chosen)))
    except (OSError, sqlite3.Error) as error:
        raise ArcsecondError(f"cannot use data directory {data_dir}: {error}") from None
    if fault_rate > 0:
        app = FaultInjector(app, fault_rate)

    class Handler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if access_log:
                super().log_request(code, size)

    sock = bind(chosen, port)
    try:
        server = make_server(chosen, sock.getsockname()[1], app, threaded=True,
                             request_handler=Handler, fd=sock.fileno())
    finally:
        url = url_of(sock)
        sock.close()
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="arcsecond-server", daemon=True)
    thread.start()
    try:
        print(f"Arcsecond server listening on {url} (data in {data_dir})", file=out, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Arcsecond server stopped.", file=out, flush=True)
    return 0

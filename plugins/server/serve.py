"""Running the server: loopback policy, binding, the engine and clean stops."""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import signal
import socket
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from arcsecond_core.errors import ArcsecondError, UsageError

from .engine import Limits

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


def check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise UsageError(f"invalid port {port}")


def listen(engine: Any, host: str, port: int) -> None:
    """Bind and listen; one-line errors for a port in use or an unknown host."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise ArcsecondError(f"cannot listen on {host}: {error.strerror}") from None
    try:
        engine.prepare()
    except OSError as error:
        # cheroot folds the error of each address it tried into one message
        found = re.search(r"\[Errno (\d+)\] ([^)\]]+)", str(error))
        code = error.errno or (int(found.group(1)) if found else None)
        if code == errno.EADDRINUSE:
            raise ArcsecondError(f"port {port} on {host} is already in use") from None
        reason = found.group(2) if found else error.strerror or str(error)
        raise ArcsecondError(f"cannot listen on {host}:{port}: {reason}") from None


def url_of(address: tuple) -> str:
    host, port = address[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


NO_TLS_WARNING = ("warning: listening on {host}, a non-loopback address, without TLS: keys and "
                  "data travel in clear text; put a TLS reverse proxy in front (see the server's "
                  "README)")


def serve(host: str | None, port: int, data_dir: Path, fault_rate: float = 0.0,
          access_log: bool = False, out: TextIO | None = None,
          limits: Limits | None = None, registration: str = "auto") -> int:
    """Serve in the foreground until SIGINT or SIGTERM; 0 after a clean stop."""
    from .app import ArcsecondApp
    from .engine import AccessLog, Engine
    from .faults import FaultInjector
    from .html import BrowserSite
    from .throttle import Throttle, settings_from_env
    from .workdir import private_dir

    out = out or sys.stdout
    if not 0.0 <= fault_rate <= 1.0:
        raise UsageError(f"invalid fault rate {fault_rate}: expected a number between 0 and 1")
    check_port(port)
    chosen = choose_host(host)
    throttle = Throttle(settings_from_env())
    try:
        private_dir(data_dir)
        arcsecond = ArcsecondApp(data_dir, registration_open=registration == "open" or (
            registration == "auto" and is_loopback(chosen)), throttle=throttle)
        app: Any = BrowserSite(arcsecond)  # the browser pages around the API
    except (OSError, sqlite3.Error) as error:
        raise ArcsecondError(f"cannot use data directory {data_dir}: {error}") from None
    if fault_rate > 0:
        app = FaultInjector(app, fault_rate)
    if access_log:
        app = AccessLog(app)
    engine = Engine((chosen, port), app, limits or Limits())
    try:
        listen(engine, chosen, port)
        if not is_loopback(chosen):
            print(NO_TLS_WARNING.format(host=chosen), file=sys.stderr, flush=True)
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set())
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        thread = threading.Thread(target=engine.serve, name="arcsecond-server", daemon=True)
        thread.start()
        try:
            print(f"Arcsecond server listening on {url_of(engine.bind_addr)} (data in {data_dir})",
                  file=out, flush=True)
            while not stop.wait(0.5) and thread.is_alive():
                pass
        finally:
            engine.stop()
            thread.join(5)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        arcsecond.close()
    print("Arcsecond server stopped.", file=out, flush=True)
    return 0

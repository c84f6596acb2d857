"""The real ``arcsecond`` console script on a pseudo-terminal, as a person would run it."""

from __future__ import annotations

import os
import select
import signal
import time
from typing import Any

from arcsecond_core.testing import arcsecond_script


class TerminalSession:
    """``arcsecond ARGS`` on a pseudo-terminal: type into it, wait for what it prints.

    Use as a context manager; the process is killed on the way out if it is still running.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None,
                 columns: int = 100, rows: int = 40) -> None:
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self.columns, self.rows = columns, rows
        self.seen = b""
        self.cursor = 0  # where the last marker found ends; the next one is looked for after it
        self.status: int | None = None
        self.pid = 0
        self.fd = -1

    def __enter__(self) -> TerminalSession:
        import fcntl
        import pty
        import struct
        import termios

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real console script on a terminal
            try:
                os.execve(arcsecond_script(), [arcsecond_script(), *self.args], self.env)
            finally:
                os._exit(127)
        size = struct.pack("HHHH", self.rows, self.columns, 0, 0)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, size)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)

    def wait_for(self, marker: bytes, timeout: float = 30.0) -> bool:
        """Read the terminal until ``marker`` appears after the last marker found; True then.

        The search starts where the last match ended, not where the last read ended: one read
        often holds a command's output and the prompt after it.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self.seen.find(marker, self.cursor)
            if found >= 0:
                self.cursor = found + len(marker)
                return True
            if time.monotonic() >= deadline:
                return False
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096)
                except OSError:  # the child is gone: nothing more will come
                    deadline = 0.0

    def type(self, text: bytes) -> None:
        os.write(self.fd, text)

    def wait_for_exit(self, timeout: float = 30.0) -> int | None:
        """The exit code once the process ends (reading what it prints), or None on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.wait_for(b"\x00never\x00", timeout=0.1)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = status
                return os.waitstatus_to_exitcode(status)
        return None

    @property
    def text(self) -> str:
        return self.seen.decode("utf-8", "replace")

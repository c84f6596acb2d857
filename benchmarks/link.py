"""A loopback TCP proxy that behaves like a slower network link: latency and a bandwidth cap.

Each direction is one shared link (all connections queue on it, as on a real uplink): a chunk
of bytes occupies the link for ``size / rate`` seconds, then arrives ``one_way`` seconds later.
Reading stops while more than ``window`` bytes are queued on a connection, so TCP's own flow
control slows the sender down, as a real link's queue would.

    with Link("127.0.0.1", 8000, rtt=0.05, mbit=100) as link:
        requests.get(link.url + "/")
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import TracebackType

CHUNK = 64 * 1024
WINDOW = 2 * 1024 * 1024


class _Wire:
    """One direction of the link: when each chunk has crossed it."""

    def __init__(self, bytes_per_second: float, one_way: float) -> None:
        self.rate = bytes_per_second
        self.one_way = one_way
        self.free_at = 0.0

    def arrival(self, size: int) -> float:
        now = time.monotonic()
        start = max(now, self.free_at)
        self.free_at = start + size / self.rate
        return self.free_at + self.one_way


class Link:
    """The proxy, run in a thread of its own; ``url`` is its address."""

    def __init__(self, host: str, port: int, rtt: float = 0.05, mbit: float = 100.0) -> None:
        self.target = (host, port)
        self.rtt = rtt
        self.bytes_per_second = mbit * 1e6 / 8
        self.url = ""
        self.connections = 0
        #: The wall time (``time.time()``) each connection was accepted at.
        self.accepted: list[float] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="link", daemon=True)

    def __enter__(self) -> Link:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the link proxy did not start")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        self._thread.join(10)

    async def _shutdown(self) -> None:
        """Cancel every connection's tasks, then stop the loop."""
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        asyncio.get_running_loop().stop()

    def floor(self, total_bytes: int) -> float:
        """Seconds the link itself needs to carry ``total_bytes`` one way."""
        return total_bytes / self.bytes_per_second

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        up = _Wire(self.bytes_per_second, self.rtt / 2)
        down = _Wire(self.bytes_per_second, self.rtt / 2)

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            self.accepted.append(time.time())
            try:
                server_reader, server_writer = await asyncio.open_connection(*self.target)
            except OSError:
                writer.close()
                return
            try:
                await asyncio.gather(self._pump(reader, server_writer, up),
                                     self._pump(server_reader, writer, down))
            except asyncio.CancelledError:
                pass  # the link is shutting down
            finally:
                writer.close()
                server_writer.close()

        server = self._loop.run_until_complete(asyncio.start_server(accept, "127.0.0.1", 0))
        port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.close()

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    wire: _Wire) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        queued = [0]
        room = asyncio.Event()
        room.set()

        async def deliver() -> None:
            while True:
                when, data = await queue.get()
                if not data:
                    break
                delay = when - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(data)
                queued[0] -= len(data)
                if queued[0] < WINDOW:
                    room.set()
                try:
                    await writer.drain()
                except OSError:
                    break
            try:
                writer.write_eof()
            except (OSError, RuntimeError):
                writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                await room.wait()
                try:
                    data = await reader.read(CHUNK)
                except OSError:
                    data = b""
                if not data:
                    break
                queued[0] += len(data)
                if queued[0] >= WINDOW:
                    room.clear()
                queue.put_nowait((wire.arrival(len(data)), data))
        finally:
            queue.put_nowait((0.0, b""))
            await sender

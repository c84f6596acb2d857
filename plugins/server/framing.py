"""Where one request ends and the next begins: strict request heads and chunked bodies.

A proxy in front of the server and the server itself must agree on every request's length, or
the bytes one of them takes for a body are a further request to the other (request smuggling).
So anything RFC 9112 calls ambiguous is refused here with a 400, and the connection closed:

- a field name that is not a token (``Content-Length : 5``), a field value with CR, NUL or
  another control character, a request target with a control character;
- ``Host`` missing from an HTTP/1.1 request; ``Host``, ``Content-Length`` or
  ``Transfer-Encoding`` twice; ``Content-Length`` not digits alone; ``Content-Length`` with
  ``Transfer-Encoding`` (RFC 9112, 6.3: a request with both is an attack or a broken proxy);
  ``Transfer-Encoding`` other than one ``chunked``, or in an HTTP/1.0 request;
- a chunk-size line that is not hex digits (``0x10``, ``-5``, ``zz``), a chunk not followed by
  CRLF, a body cut short, and trailer lines that are not header fields.

Chunked bodies are read here, in pieces of at most :data:`PIECE` bytes however large a chunk
claims to be, and the trailer section is read to its end, so the next request starts where the
client put it.
"""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: Control characters other than horizontal tab (RFC 9110, 5.5: CR, LF and NUL must be refused).
CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
TARGET_CONTROL = re.compile(rb"[\x00-\x20\x7f]")
DIGITS = re.compile(rb"[0-9]+")
#: A chunk-size line: hex digits, then extensions (ignored) without control characters.
CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})(?:[ \t]*;[\t\x20-\x7e\x80-\xff]*)?\r\n")
CRLF = b"\r\n"
#: Fields a request may carry once: two could be read one way by a proxy, another by the server.
ONCE = (b"content-length", b"transfer-encoding", b"host")
PIECE = 1024 * 1024
MAX_CHUNK_LINE = 4096


class BadFraming(ValueError):
    """A request whose framing is ambiguous or broken; ``status`` is the answer it gets."""

    def __init__(self, message: str, status: str = "400 Bad Request") -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def check_target(target: bytes) -> None:
    if TARGET_CONTROL.search(target):
        raise BadFraming("Invalid character in the request target.")


def check_field_line(line: bytes, seen: set[bytes]) -> None:
    """One header (or trailer) line, CRLF included: a token, a colon, a value without controls.

    ``seen`` collects the fields met so far that may be given once, so that a repeated one is
    refused."""
    if line == CRLF or not line.endswith(CRLF):
        return  # the end of the head, or a line the header reader refuses itself
    name, colon, value = line[:-2].partition(b":")
    if not colon or not TOKEN.fullmatch(name):
        raise BadFraming("Invalid header field name.")
    if CONTROL.search(value):
        raise BadFraming("Invalid character in a header field value.")
    lowered = name.lower()
    if lowered in ONCE:
        if lowered in seen:
            raise BadFraming(f"{name.decode()} may be given only once.")
        seen.add(lowered)


def check_framing(headers: dict[bytes, bytes], http10: bool) -> None:
    """The rules of RFC 9112, 6 on a request's parsed head (cheroot's header dict)."""
    length = headers.get(b"Content-Length")
    coding = headers.get(b"Transfer-Encoding")
    if not http10 and b"Host" not in headers:
        raise BadFraming("An HTTP/1.1 request must carry a Host header.")
    if length is not None and coding is not None:
        raise BadFraming("A request may not carry both Content-Length and Transfer-Encoding.")
    if length is not None and not DIGITS.fullmatch(length):
        raise BadFraming("Malformed Content-Length header.")
    if coding is not None:
        if http10:
            raise BadFraming("Transfer-Encoding is not accepted in an HTTP/1.0 request.")
        if coding.lower() != b"chunked":
            raise BadFraming("Only the chunked transfer coding is accepted.")


class ChunkedBody:
    """``wsgi.input`` for a chunked body (RFC 9112, 7.1), read strictly and in bounded pieces.

    ``error`` keeps the first framing error met (the engine then answers 400 and closes).
    """

    def __init__(self, rfile: Any, max_bytes: int, max_trailer_bytes: int) -> None:
        self.rfile = rfile
        self.max_bytes = max_bytes
        self.max_trailer_bytes = max_trailer_bytes
        self.received = 0
        self.left = 0  # bytes left in the current chunk
        self.done = False
        self.error: BadFraming | None = None

    def _fail(self, message: str, status: str = "400 Bad Request") -> BadFraming:
        self.error = self.error or BadFraming(message, status)
        self.done = True
        return self.error

    def _next_chunk(self) -> None:
        if self.error is not None:
            raise self.error
        line = self.rfile.readline(MAX_CHUNK_LINE)
        match = CHUNK_LINE.fullmatch(line)
        if match is None:
            raise self._fail("Bad chunked transfer coding: invalid chunk-size line."
                             if line else "The chunked body ended early.")
        size = int(match.group(1), 16)
        if size == 0:
            self._read_trailers()
            self.done = True
            return
        if self.max_bytes and self.received + size > self.max_bytes:
            raise self._fail("Request body too large.", "413 Request Entity Too Large")
        self.left = size

    def _read_trailers(self) -> None:
        seen: set[bytes] = set()
        total = 0
        while True:
            line = self.rfile.readline(MAX_CHUNK_LINE)
            total += len(line)
            if line == CRLF:
                return
            if not line.endswith(CRLF) or total > self.max_trailer_bytes:
                raise self._fail("Bad chunked transfer coding: invalid trailer section.")
            try:
                check_field_line(line, seen)
            except BadFraming as error:
                raise self._fail(f"Bad chunked transfer coding: {error.message}") from None

    def _take(self, size: int | None, line: bool) -> bytes:
        out = bytearray()
        while not self.done and (size is None or size < 0 or len(out) < size):
            if self.left == 0:
                self._next_chunk()
                continue
            want = min(self.left, PIECE)
            if size is not None and size >= 0:
                want = min(want, size - len(out))
            piece = self.rfile.readline(want) if line else self.rfile.read(want)
            if not piece:
                raise self._fail("The chunked body ended early.")
            out += piece
            self.left -= len(piece)
            self.received += len(piece)
            if self.left == 0 and self.rfile.read(2) != CRLF:
                raise self._fail("Bad chunked transfer coding: a chunk must end with CRLF.")
            if line and piece.endswith(b"\n"):
                break
        return bytes(out)

    def read(self, size: int | None = None) -> bytes:
        return self._take(size, line=False)

    def readline(self, size: int | None = None) -> bytes:
        return self._take(size, line=True)

    def readlines(self, hint: int = 0) -> list[bytes]:
        lines, total = [], 0
        while line := self.readline():
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> ChunkedBody:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def drain(self) -> None:
        """Read what the application left of the body, so the next request starts after it."""
        while not self.done:
            self.read(PIECE)

    def close(self) -> None:
        """Nothing to release: the connection's stream stays open for the next request."""

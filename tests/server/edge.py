"""Raw HTTP over a socket for the edge tests: send bytes, read every answer, see if it closed."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from arcsecond_core.testing import ArcsecondServer


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Exchange:
    """What a connection answered to the bytes sent, and whether the server then closed it."""

    answers: list[Answer]
    closed: bool
    rest: bytes = b""  # bytes after the last complete answer

    @property
    def only(self) -> Answer:
        assert len(self.answers) == 1 and not self.rest, (self.answers, self.rest[:200])
        return self.answers[0]


def parse_answers(data: bytes) -> tuple[list[Answer], bytes]:
    """The complete HTTP answers in ``data`` (Content-Length framed, as this server sends)."""
    answers = []
    while data:
        head_end = data.find(b"\r\n\r\n")
        if head_end < 0:
            break
        lines = data[:head_end].decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        end = head_end + 4 + length
        if len(data) < end:
            break
        answers.append(Answer(int(lines[0].split()[1]), headers, data[head_end + 4:end]))
        data = data[end:]
    return answers, data


def exchange(server: ArcsecondServer, raw: bytes, wait: float = 5.0) -> Exchange:
    """Send ``raw`` on one connection and read until the server closes it (or ``wait`` s of
    silence, which counts as the connection left open)."""
    parts = urlsplit(server.url)
    assert parts.hostname and parts.port
    data = b""
    closed = False
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(raw)
        try:
            while chunk := sock.recv(65536):
                data += chunk
            closed = True
        except TimeoutError:
            closed = False
        except ConnectionResetError:
            closed = True
    answers, rest = parse_answers(data)
    return Exchange(answers, closed, rest)


def request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"",
            head_extra: bytes = b"") -> bytes:
    """One request's bytes; ``Content-Length`` is added for a body unless a header frames it."""
    fields = {"Host": "127.0.0.1", **(headers or {})}
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k in fields):
        fields["Content-Length"] = str(len(body))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode("latin-1") + head_extra + b"\r\n" + body

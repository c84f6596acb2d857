"""Fixtures for the server's end-to-end tests: one real server per module, users, file makers."""

from __future__ import annotations

import bz2
import gzip
import io
import struct
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from arcsecond_core.testing import ArcsecondServer, start_server


class Api:
    """Plain ``requests`` calls to the server with one user's key."""

    def __init__(self, server: ArcsecondServer, key: str | None, portal: str | None = None):
        self.server = server
        self.key = key
        self.portal = portal
        self.session = requests.Session()

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        prefix = f"{self.portal}/" if self.portal else ""
        return self.server.endpoint(prefix + path.lstrip("/"))

    def headers(self) -> dict[str, str]:
        return self.server.headers(self.key) if self.key else {}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return self.session.request(method, self.url(path), headers=headers, timeout=30,
                                    **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def in_portal(self, subdomain: str | None) -> Api:
        return Api(self.server, self.key, subdomain)

    def dataset(self, name: str | None = None, telescope: str | None = None) -> dict[str, Any]:
        body = {"name": name or f"ds-{uuid.uuid4().hex[:8]}"}
        if telescope:
            body["telescope"] = telescope
        answer = self.post("datasets/", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def upload(self, dataset: str, name: str, content: bytes, is_raw: str = "True",
               tags: str | None = None, content_type: str = "application/octet-stream"
               ) -> requests.Response:
        parts: list[tuple[str, Any]] = [("dataset", (None, dataset)), ("is_raw", (None, is_raw))]
        if tags is not None:
            parts.append(("tags", (None, tags)))
        parts.append(("file", (name, content, content_type)))
        return self.post("datafiles/", files=parts)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArcsecondServer]:
    running = start_server(tmp_path_factory.mktemp("server-data"))
    try:
        yield running
    finally:
        code = running.stop()
    assert code == 0, running.stderr()
    assert "Traceback" not in running.stderr(), running.stderr()


def new_user(server: ArcsecondServer) -> tuple[dict[str, Any], Api]:
    user = server.add_user(f"u{uuid.uuid4().hex[:10]}")
    return user, Api(server, user["access_key"])


@pytest.fixture(scope="module")
def alice(server: ArcsecondServer) -> tuple[dict[str, Any], Api]:
    return new_user(server)


@pytest.fixture(scope="module")
def bob(server: ArcsecondServer) -> tuple[dict[str, Any], Api]:
    return new_user(server)


def fits_bytes(cards: dict[str, Any] | None = None) -> bytes:
    """A small valid FITS file with the given primary header cards."""
    import numpy as np
    from astropy.io import fits

    hdu = fits.PrimaryHDU(np.arange(64, dtype=np.int16).reshape(8, 8))
    for key, value in (cards or {}).items():
        hdu.header[key] = value
    buffer = io.BytesIO()
    hdu.writeto(buffer)
    return buffer.getvalue()


def xisf_bytes(keywords: dict[str, str], properties: dict[str, str] | None = None) -> bytes:
    """A tiny valid monolithic XISF file: signature, header length, XML header, pixel data."""
    pixels = bytes(16)
    cards = "".join(
        f'<FITSKeyword name="{name}" value="{value}" comment=""/>' for name, value in keywords.items()
    )
    props = "".join(
        f'<Property id="{pid}" type="String" value="{value}"/>'
        for pid, value in (properties or {}).items()
    )

    def header(offset: int) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<xisf version="1.0" xmlns="http://www.pixinsight.com/xisf">'
            f'<Image geometry="4:4:1" sampleFormat="UInt8" colorSpace="Gray"'
            f' location="attachment:{offset}:{len(pixels)}">{cards}{props}</Image>'
            "</xisf>"
        ).encode()

    probe = len(header(0)) + 16 + 8
    xml = header(probe)
    padding = probe - 16 - len(xml)
    xml = xml + b" " * max(padding, 0)
    return b"XISF0100" + struct.pack("<I", len(xml)) + b"\0\0\0\0" + xml + pixels


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data)


def bzip2_bytes(data: bytes) -> bytes:
    return bz2.compress(data)


def zip_bytes(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def stored_files(server: ArcsecondServer) -> list[Path]:
    """Every stored data file of the server (temporary uploads excluded)."""
    return sorted(p for p in (server.data_dir / "files").rglob("*") if p.is_file())


def partial_files(server: ArcsecondServer) -> list[Path]:
    return sorted((server.data_dir / "tmp").rglob("*.part"))

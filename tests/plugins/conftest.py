"""Shared set-up for the resource plugins' end-to-end tests: one populated user per session.

Tests that only read share ``world``; tests that change things use a fresh ``arcsecond_client``.
"""

from __future__ import annotations

import fcntl
import io
import os
import struct
import subprocess
import termios
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from arcsecond_core.testing import arcsecond_script, finish
from arcsecond_core.testing_client import ArcsecondClient, make_client


def fits_bytes(date_obs: str, imagetyp: str = "Light Frame", target: str = "M31") -> bytes:
    import numpy as np
    from astropy.io import fits

    hdu = fits.PrimaryHDU(np.arange(16, dtype=np.int16).reshape(4, 4))
    hdu.header["DATE-OBS"] = date_obs
    hdu.header["IMAGETYP"] = imagetyp
    hdu.header["OBJECT"] = target
    buffer = io.BytesIO()
    hdu.writeto(buffer)
    return buffer.getvalue()


@dataclass
class World:
    """A user with sites, telescopes, a portal, datasets (one name in two scopes), files, logs."""

    client: ArcsecondClient
    portal: str
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)
    telescopes: dict[str, dict[str, Any]] = field(default_factory=dict)
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    suffix: str = ""


@pytest.fixture(scope="session")
def world(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> World:
    client = make_client(arcsecond_server, tmp_path_factory.mktemp("world-config"))
    sfx = uuid.uuid4().hex[:6]
    portal = f"plateau-{sfx}"
    admin = arcsecond_server.admin
    w = World(client=client, portal=portal, suffix=sfx)
    w.sites["paris"] = admin("addsite", f"Paris-{sfx}", "--longitude", "2.35", "--latitude", "48.85",
                             "--time-zone", "Europe/Paris")
    w.sites["twin-a"] = admin("addsite", f"Twin site A-{sfx}", "--longitude", "-110.9",
                              "--latitude", "32.2")
    w.sites["twin-b"] = admin("addsite", f"Twin site B-{sfx}", "--longitude", "140.0",
                              "--latitude", "-30.0")
    owner = ("--owner", client.username)
    admin("addportal", portal, "--name", "Plateau Observatory", "--member", f"{client.username}:admin")
    w.telescopes["t1"] = admin("addtelescope", f"T1-{sfx}", "--site", w.sites["paris"]["uuid"], *owner)
    w.telescopes["twin-a"] = admin("addtelescope", f"Twin-{sfx}", "--site", w.sites["twin-a"]["uuid"],
                                   *owner)
    # One owner cannot have two telescopes of one name, but a portal of the user may: without a
    # portal, the user sees both.
    w.telescopes["twin-b"] = admin("addtelescope", f"Twin-{sfx}", "--site", w.sites["twin-b"]["uuid"],
                                   "--portal", portal)
    w.telescopes["portal"] = admin("addtelescope", f"PT-{sfx}", "--site", w.sites["paris"]["uuid"],
                                   "--portal", portal)
    api, papi = client.api(), client.api(portal)
    w.datasets["m31"] = api.datasets.create(name="M31", telescope=w.telescopes["t1"]["uuid"])
    w.datasets["m42"] = api.datasets.create(name="M42", telescope=w.telescopes["twin-a"]["uuid"])
    w.datasets["portal-m31"] = papi.datasets.create(name="M31", telescope=w.telescopes["portal"]["uuid"])
    folder = tmp_path_factory.mktemp("world-files")
    uploads = [
        ("light", api, "m31", "light.fits", fits_bytes("2024-03-10T22:00:00")),
        ("notes", api, "m31", "notes.txt", b"clear sky all night\n" * 100),
        ("twin", api, "m42", "orion.fits", fits_bytes("2024-03-10T23:00:00", target="M42")),
        ("portal", papi, "portal-m31", "p-light.fits", fits_bytes("2024-03-10T21:00:00")),
    ]
    for key, where, dataset, name, content in uploads:
        path = folder / name
        path.write_bytes(content)
        w.contents[key] = content
        w.files[key] = where.datafiles.upload(path, w.datasets[dataset]["uuid"])
    return w


@pytest.fixture(scope="session")
def stranger(arcsecond_server: Any, tmp_path_factory: pytest.TempPathFactory) -> ArcsecondClient:
    """A user with nothing at all (no datasets, no portal)."""
    return make_client(arcsecond_server, tmp_path_factory.mktemp("stranger-config"))


def create_datasets(client: ArcsecondClient, count: int, prefix: str = "ds") -> list[str]:
    """``count`` datasets created concurrently through the Python API; their names."""
    from arcsecond_core.api import ArcsecondAPI

    api = ArcsecondAPI("local", api_server=client.url, username=client.username,
                       key=client.access_key, pool_size=8)
    names = [f"{prefix}-{i:04d}" for i in range(count)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda name: api.datasets.create(name=name), names))
    api.close()
    return names


def assert_error(proc: subprocess.CompletedProcess[str], code: int, *fragments: str) -> str:
    """The command failed with ``code`` and one clear line (no traceback) holding ``fragments``."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if code == 1:
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, (fragment, proc.stderr)
    return proc.stderr


def table_rows(output: str) -> list[list[str]]:
    """The cells of a cliff table, header first."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in output.splitlines()
        if line.startswith("|")
    ]


def run_on_terminal(client: ArcsecondClient, *args: str, answer: str = "",
                    stderr_tty: bool = False) -> tuple[int, str, str]:
    """Run ``arcsecond ARGS`` with a pseudo-terminal as stdin (and stderr if asked); type ``answer``.

    Returns the exit code, stdout, and what the terminal showed (stderr on the terminal) or stderr.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.Popen(
            [arcsecond_script(), *args], stdin=slave, stdout=subprocess.PIPE,
            stderr=slave if stderr_tty else subprocess.PIPE, env=client.env,
        )
        os.close(slave)
        slave = -1
        if answer:
            os.write(master, answer.encode())
        shown = bytearray()
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown.extend(chunk)
        out, err = finish(proc, 60)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    screen = shown.decode(errors="replace") if stderr_tty else (err or b"").decode(errors="replace")
    return proc.returncode, out.decode(errors="replace"), screen

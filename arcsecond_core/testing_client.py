"""A pytest plugin giving tests a configured client: a fresh user on the embedded server.

``arcsecond_client`` (function scope) needs the ``arcsecond_server`` fixture of
:mod:`arcsecond_core.testing`; it creates a new user, writes a private config directory whose
current server is that embedded server, logged in with the user's access key, and runs the real
``arcsecond`` console script against it::

    def test_list(arcsecond_client):
        arcsecond_client.run("dataset", "create", "--name", "M31")
        assert arcsecond_client.json("dataset", "list")[0]["name"] == "M31"
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from arcsecond_core.testing import arcsecond_script

SERVER_NAME = "local"


@dataclass
class ArcsecondClient:
    """A user of the embedded server, and a config directory logged in as that user."""

    url: str
    config_dir: Path
    username: str
    access_key: str
    upload_key: str
    server: Any = None
    env: dict[str, str] = field(default_factory=dict)

    def login(self, key_type: str = "access") -> None:
        """Switch the saved key to the user's ``access`` or ``upload`` key (only that one)."""
        from arcsecond_core.config import Config

        config = Config(self.config_dir)
        config.clear_keys(SERVER_NAME)
        key = self.access_key if key_type == "access" else self.upload_key
        config.save_key(SERVER_NAME, self.username, key_type, key)

    def run(
        self, *args: str, input: str | None = None, timeout: float = 300, check: bool = False,
        env: dict[str, str] | None = None, cwd: str | Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``arcsecond ARGS`` with this client's config; never raises unless ``check``."""
        proc = subprocess.run(
            [arcsecond_script(), *args],
            input=input if input is not None else "",
            capture_output=True, text=True, timeout=timeout,
            env={**self.env, **(env or {})}, cwd=cwd,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"arcsecond {' '.join(args)} exited {proc.returncode}\n"
                f"stdout: {proc.stdout}\nstderr: {proc.stderr}"
            )
        return proc

    def json(self, *args: str, **kwargs: Any) -> Any:
        """Run ``arcsecond ARGS -f json`` (must succeed) and return the parsed output."""
        proc = self.run(*args, "-f", "json", check=True, **kwargs)
        return json.loads(proc.stdout)

    def api(self, portal: str | None = None, key_type: str = "access") -> Any:
        """An ArcsecondAPI talking to the embedded server as this user."""
        from arcsecond_core.api import ArcsecondAPI

        key = self.access_key if key_type == "access" else self.upload_key
        return ArcsecondAPI(
            SERVER_NAME, portal, api_server=self.url, username=self.username, key=key, key_type=key_type
        )


def make_client(server: Any, config_dir: Path, username: str | None = None) -> ArcsecondClient:
    """Create a user on ``server`` and a config directory logged in as that user."""
    from arcsecond_core.config import Config

    username = username or f"user{uuid.uuid4().hex[:10]}"
    user = server.add_user(username)
    config = Config(config_dir)
    config.add_server(SERVER_NAME, server.url)
    config.use(SERVER_NAME)
    config.save_key(SERVER_NAME, username, "access", user["access_key"])
    env = dict(os.environ)
    env.pop("ARCSECOND_API", None)
    env.pop("ARCSECOND_PORTAL", None)
    env["ARCSECOND_CONFIG_DIR"] = str(config_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return ArcsecondClient(
        url=server.url, config_dir=config_dir, username=username,
        access_key=user["access_key"], upload_key=user["upload_key"], server=server, env=env,
    )


@pytest.fixture
def arcsecond_client(arcsecond_server: Any, tmp_path: Path) -> ArcsecondClient:
    """A fresh user on the embedded server and a config directory logged in as them."""
    return make_client(arcsecond_server, tmp_path / "arcsecond-config")

"""Accounts with a password: log in (a token used once to fetch both keys) and register.

The password and the token are never saved: only the keys go to ``config.ini``.
"""

from __future__ import annotations

from dataclasses import dataclass

from arcsecond_core import errors
from arcsecond_core.config import Config, ServerProfile
from arcsecond_core.session import ArcsecondSession


@dataclass(frozen=True)
class Registration:
    """What a registration asks for."""

    username: str
    email: str
    password1: str
    password2: str


def _session(config: Config, server: str | None, timeout: float | None = None
             ) -> tuple[ServerProfile, ArcsecondSession]:
    profile = config.current(server)
    return profile, ArcsecondSession(profile.api_server, timeout=timeout)


def _token_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def fetch_keys(session: ArcsecondSession, username: str, token: str) -> tuple[str, str]:
    """The access and upload keys of ``username``, read once with a login token."""
    headers = _token_headers(token)
    access = session.get(f"profiles/{username}/apikey", headers=headers, authenticated=False,
                         portal=False)
    upload = session.get(f"profiles/{username}/uploadkey", headers=headers, authenticated=False,
                         portal=False)
    try:
        return str(access["api_key"]), str(upload["upload_key"])
    except (KeyError, TypeError) as exc:
        raise errors.ServerError(f"{session.base_url} answered keys without api_key or "
                                 "upload_key") from exc


def _save_keys(config: Config, profile: ServerProfile, username: str, session: ArcsecondSession,
               token: str) -> ServerProfile:
    access, upload = fetch_keys(session, username, token)
    config.save_key(profile.name, username, "upload", upload)
    return config.save_key(profile.name, username, "access", access)


def login_with_password(username: str, password: str, *, server: str | None = None,
                        config: Config | None = None, timeout: float | None = None
                        ) -> ServerProfile:
    """Log in with a password: ``auth/token/``, then both keys are fetched and saved.

    Raises ValidationError (bad credentials), TooManyRequests (throttled for longer than
    ``timeout``, the session's default when None), or the errors of the session.
    """
    config = config or Config()
    profile, session = _session(config, server, timeout)
    try:
        answer = session.post("auth/token", json={"username": username, "password": password},
                              authenticated=False, portal=False)
        token = (answer or {}).get("token") if isinstance(answer, dict) else None
        if not token:
            raise errors.ServerError(f"{profile.api_server} answered auth/token/ without a token")
        return _save_keys(config, profile, username, session, str(token))
    finally:
        session.close()


def register(form: Registration, *, server: str | None = None,
             config: Config | None = None) -> ServerProfile:
    """Create an account (``auth/registration/``) and save its keys, as a login would."""
    config = config or Config()
    profile, session = _session(config, server)
    try:
        answer = session.post(
            "auth/registration",
            json={"username": form.username, "email": form.email, "password1": form.password1,
                  "password2": form.password2},
            authenticated=False, portal=False,
        )
        token = (answer or {}).get("key") if isinstance(answer, dict) else None
        if not token:
            raise errors.ServerError(
                f"{profile.api_server} answered auth/registration/ without a key")
        return _save_keys(config, profile, form.username, session, str(token))
    finally:
        session.close()

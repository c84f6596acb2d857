"""Passwords (salted scrypt hashes, never the password) and the login tokens of the password flow."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .db import Database
from .rest import now

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_LENGTH = 8
COMMON_PASSWORDS = frozenset({
    "password", "password1", "12345678", "123456789", "1234567890", "qwerty123", "qwertyuiop",
    "iloveyou", "sunshine", "princess", "football", "baseball", "welcome1", "abc12345",
    "11111111", "00000000", "passw0rd", "letmein1", "trustno1", "astronomy", "telescope",
})


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` for ``password``, with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


#: Checked against when there is no hash (an unknown user, an account without a password), so
#: that a failed check costs the same time whether the username exists or not.
_NO_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * 16}${'00' * 64}"


def check_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the stored hash (False when there is none, after the same
    work as a real check)."""
    if not stored:
        check_password(password, _NO_HASH)
        return False
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                                p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def password_problems(password: str, username: str = "") -> list[str]:
    """What Django's default validators would say about ``password`` (empty when it is fine)."""
    problems = []
    if username and len(username) >= 3 and username.lower() in password.lower():
        problems.append("The password is too similar to the username.")
    if len(password) < MIN_LENGTH:
        problems.append("This password is too short. It must contain at least "
                        f"{MIN_LENGTH} characters.")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("This password is too common.")
    if password.isdigit():
        problems.append("This password is entirely numeric.")
    return problems


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(db: Database, username: str) -> str:
    """A new login token for ``username`` (only its digest is stored)."""
    token = secrets.token_hex(20)
    with db.write() as conn:
        conn.execute("INSERT INTO tokens (digest, username, created) VALUES (?, ?, ?)",
                     (_digest(token), username, now()))
    return token


def user_for_token(db: Database, token: str) -> str | None:
    """The username a token belongs to, or None."""
    value = db.scalar("SELECT username FROM tokens WHERE digest = ?", (_digest(token),))
    return None if value is None else str(value)

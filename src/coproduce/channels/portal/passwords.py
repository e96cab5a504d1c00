"""Lead passwords, hashed with Argon2id (argon2-cffi): the only module that imports it."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

from coproduce.errors import InvalidInputError

MIN_LENGTH = 12
_HASHER = PasswordHasher()
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY = _HASHER.hash("coproduce-no-such-lead")


def hash_password(password: str) -> str:
    """Return the Argon2id hash of ``password`` (refusing one under MIN_LENGTH characters)."""
    if len(password) < MIN_LENGTH:
        raise InvalidInputError(f"a lead's password needs at least {MIN_LENGTH} characters")
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Return whether ``password`` matches ``stored`` (None: no such lead; same cost)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (Argon2Error, InvalidHashError):
        return False

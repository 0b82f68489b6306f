"""Password hashing with argon2 (argon2-cffi) and a strength rule."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 10
_COMMON = {"password", "password1", "1234567890", "qwertyuiop", "letmein123", "iloveyou12"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a password is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > 256:
        return "Use at most 256 characters."
    if password.lower() in _COMMON or len(set(password)) < 4:
        return "This password is too easy to guess."
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        return "Do not put your email address in your password."
    return None

"""Password hashing with argon2 (argon2-cffi) and a strength rule."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# argon2 is deliberately slow and holds a core while it runs: a pool sized to the cores
# keeps a login storm to a queue of its own instead of the event loop or every thread.
_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")
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


async def hash_password_async(password: str) -> str:
    """`hash_password` on the bounded argon2 pool, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    """`verify_password` on the bounded argon2 pool, off the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, verify_password, password_hash, password)


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

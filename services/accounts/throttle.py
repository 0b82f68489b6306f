"""Sign-in throttling: attempts per account (e-mail) and failures per client address.

Counters live in the shared cache (Redis with REDIS_URL, so every process counts together;
process memory otherwise). They are keyed by a digest of the normalised e-mail whether or
not an account has it, and a throttled attempt is refused before any lookup, so neither the
answer nor its timing tells an attacker whether the account exists.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from services import cache
from services.accounts.errors import AccountErrorCode as Code
from services.errors import DomainError

logger = logging.getLogger("shopgraph.accounts")


@dataclass(frozen=True)
class Limits:
    """How many tries one window allows; the lock-out lasts until the window ends."""

    window_seconds: int = 900
    attempts_per_account: int = 5
    failures_per_address: int = 50


limits = Limits()
clock: Callable[[], float] = time.time


class TooManyAttempts(DomainError):
    """A throttled sign-in; `retry_after` is how many seconds until it may be tried again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            Code.TOO_MANY_ATTEMPTS,
            f"Too many sign-in attempts. Try again in {retry_after} seconds.",
        )
        self.retry_after = retry_after


def configure(new_limits: Limits) -> None:
    """Install other limits (the app at start-up, or a test)."""
    global limits
    limits = new_limits


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(kind: str, value: str) -> tuple[str, str]:
    base = f"login:{kind}:{_digest(value)}"
    return f"{base}:n", f"{base}:until"


def _lock_key(address: str) -> str:
    return f"login:ip:{_digest(address)}:lock"


async def _count(key: str, until_key: str) -> tuple[int, int]:
    """Add one to a window's counter; (count, seconds left in the window)."""
    backend = cache.backend()
    if backend is None:
        return 0, 0
    now = clock()
    window = limits.window_seconds
    try:
        count = int(await backend.increment(key, 1))
        if count == 1:
            await backend.expire(key, window)
            await backend.set(until_key, now + window, ttl=window)
            return count, window
        until = await backend.get(until_key)
        if until is None:  # the window's end was lost: restart it rather than lock forever
            await backend.expire(key, window)
            await backend.set(until_key, now + window, ttl=window)
            until = now + window
    except Exception as error:  # without the cache sign-in still works, unthrottled
        logger.warning("sign-in throttle unavailable: %s", error)
        return 0, 0
    return count, max(math.ceil(float(until) - now), 1)


async def _locked_for(lock_key: str) -> int:
    """Seconds left while an address is locked out, else 0."""
    until = await cache.get(lock_key)
    if cache.is_missing(until) or until is None:
        return 0
    return max(math.ceil(float(until) - clock()), 1)


async def before_attempt(*, email: str, address: str | None) -> None:
    """Count an attempt; raise TooManyAttempts when the account or the address is locked.

    The attempt is counted before the password is checked, so concurrent guesses are
    limited as strictly as sequential ones.
    """
    if address:
        left = await _locked_for(_lock_key(address))
        if left:
            raise TooManyAttempts(left)
    count, left = await _count(*_keys("email", email))
    if count > limits.attempts_per_account:
        raise TooManyAttempts(left)


async def after_failure(*, address: str | None) -> None:
    """Count a wrong password against the client address; lock it out at the limit."""
    if not address:
        return
    count, left = await _count(*_keys("ip", address))
    if count >= limits.failures_per_address:
        await cache.set(_lock_key(address), clock() + left, ttl=left)


async def after_success(*, email: str) -> None:
    """A correct password clears the account's counter (not the address's)."""
    await cache.delete(*_keys("email", email))

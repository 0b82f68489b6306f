"""Who is acting: the API edge says it once per request, every event written meanwhile names it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SYSTEM = "system"
_actor: ContextVar[str] = ContextVar("event_actor", default=SYSTEM)


def customer(user_id: int) -> str:
    return f"customer:{user_id}"


def staff(user_id: int) -> str:
    return f"staff:{user_id}"


def api_key(key_id: int) -> str:
    return f"api_key:{key_id}"


def guest() -> str:
    return "guest"


def current() -> str:
    return _actor.get()


def set_current(actor: str) -> None:
    """Name the actor for the rest of this task (the API edge does it per request)."""
    _actor.set(actor)


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Name the actor for the events written inside the block (jobs, CLI, tests)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)

"""Moderation settings per test, members of a given trust, and posts for community tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from models.accounts import Permission, User
from models.community.moderation import MemberStanding
from services.community.moderation import config
from services.community.moderation.standing import standing_for
from tests.factories import create_user


@contextmanager
def moderation_settings(**changes: Any) -> Iterator[config.ModerationConfig]:
    """Moderation settings for one test (generous limits unless it sets them)."""
    before = config.current()
    base: dict[str, Any] = {"per_minute": 1000, "per_day": 10_000, "redis_url": ""}
    try:
        yield config.configure(**(base | changes))
    finally:
        config.CONFIG = before


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


async def member(*, approved: int = 0, purchases: int = 0) -> User:
    user = await create_user()
    await standing_for(user.id)
    await MemberStanding.filter(user_id=user.id).update(
        approved_contributions=approved, verified_purchases=purchases
    )
    return user


async def trusted_member() -> User:
    return await member(approved=config.current().trust_trusted)


async def moderator() -> User:
    return await create_user(permissions=[Permission.MANAGE_COMMUNITY])

"""Likes counted exactly under concurrent likes and unlikes (PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from models.community.posts import Post, PostLike
from services.community.posts import likes, writing
from tests.community._post_helpers import member, moderation_settings
from tests.conftest import using_postgres

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]


async def test_concurrent_likes_count_once_per_member() -> None:
    author = await member(approved=5)
    with moderation_settings():
        post = await writing.create_post(author=author, title="Race", body="like me")
    fans = [await member() for _ in range(10)]
    # Every fan likes three times at once, and half of them then take it back at once.
    await asyncio.gather(*(likes.like(user=f, post_id=post.id) for f in fans for _ in range(3)))
    await asyncio.gather(
        *(likes.unlike(user=f, post_id=post.id) for f in fans[:5] for _ in range(2))
    )
    row = await Post.get(id=post.id)
    assert row.like_count == 5
    assert await PostLike.filter(post_id=post.id).count() == 5

"""Likes of posts: one per member (a unique key), counted by atomic updates so that
concurrent likes never lose a count."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.accounts import User
from models.community.moderation import ContentStatus
from models.community.posts import Post, PostLike
from services.community.errors import CommunityErrorCode, error
from services.transactions import transaction


async def _published(post_id: int) -> None:
    if not await Post.filter(id=post_id, status=ContentStatus.PUBLISHED).exists():
        raise error(CommunityErrorCode.NOT_FOUND, "No such post.", field="postId")


async def like(*, user: User, post_id: int) -> Post:
    """Like a post (liking twice changes nothing)."""
    await _published(post_id)
    async with transaction():
        try:
            async with in_transaction():  # a savepoint: the unique key decides a race
                await PostLike.create(post_id=post_id, user=user)
        except IntegrityError:
            pass
        else:
            await Post.filter(id=post_id).update(like_count=F("like_count") + 1)
    return await Post.get(id=post_id)


async def unlike(*, user: User, post_id: int) -> Post:
    await _published(post_id)
    async with transaction():
        if await PostLike.filter(post_id=post_id, user_id=user.id).delete():
            await Post.filter(id=post_id).update(like_count=F("like_count") - 1)
    return await Post.get(id=post_id)

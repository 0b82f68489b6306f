"""Who sees which posts and comments, and the feed's reads."""

from __future__ import annotations

from enum import Enum
from typing import Any

from models.accounts import Permission
from models.community.moderation import ContentStatus
from models.community.posts import Comment, Post
from resolvers.auth import has_permission, viewer
from resolvers.context import Info
from resolvers.pagination import Page, page_from_slice, window
from services.community.posts.validation import normalize_tag


class PostSort(Enum):
    NEWEST = "newest"
    MOST_ACTIVE = "most_active"


def is_moderator(info: Info) -> bool:
    return has_permission(info, Permission.MANAGE_COMMUNITY)


def can_see(info: Info, row: Post | Comment) -> bool:
    """Published content is public; anything else only for its author and moderators."""
    if row.status == ContentStatus.PUBLISHED:
        return True
    if row.status == ContentStatus.REMOVED:
        return is_moderator(info)
    user = viewer(info)
    return user is not None and (user.id == row.author_id or is_moderator(info))


def sees_moderation(info: Info, row: Post | Comment) -> bool:
    """The author and moderators see why something was held or rejected."""
    user = viewer(info)
    return user is not None and (user.id == row.author_id or is_moderator(info))


async def feed(
    info: Info, *, topic: str | None, sort: PostSort, first: int | None, after: str | None
) -> Page[Post]:
    win = window(first, after)
    query = Post.filter(status=ContentStatus.PUBLISHED)
    if topic:
        query = query.filter(tags__tag=normalize_tag(topic))
    order = "-created_at" if sort == PostSort.NEWEST else "-last_activity_at"
    rows = await query.order_by(order, "-id").offset(win.offset).limit(win.limit + 1)
    info.context.loaders.community_posts.prime(rows)
    return page_from_slice(rows, win, query.count)


async def my_posts(info: Info, *, user_id: int, first: int | None, after: str | None) -> Page[Any]:
    win = window(first, after)
    query = Post.filter(author_id=user_id).exclude(status=ContentStatus.REMOVED)
    rows = await query.order_by("-created_at", "-id").offset(win.offset).limit(win.limit + 1)
    info.context.loaders.community_posts.prime(rows)
    return page_from_slice(rows, win, query.count)

"""Moderation's handlers for posts and comments: load one, and move it to a new status
while keeping the post's comment count true (it counts published comments only)."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.expressions import F

from models.community.moderation import ContentKind, ContentStatus, ModerationReason
from models.community.posts import Comment, Post
from services.community.moderation import targets
from services.community.moderation.targets import Target

EXCERPT = 160


def _post_target(row: Post) -> Target:
    return Target(
        ContentKind.POST.value,
        row.id,
        row.author_id,
        ContentStatus(row.status),
        row.created_at,
        f"{row.title}: {row.body}"[:EXCERPT],
    )


def _comment_target(row: Comment) -> Target:
    return Target(
        ContentKind.COMMENT.value,
        row.id,
        row.author_id,
        ContentStatus(row.status),
        row.created_at,
        row.body[:EXCERPT],
    )


class PostHandler:
    async def load(self, target_id: int, *, for_update: bool = False) -> Target | None:
        query = Post.filter(id=target_id)
        row = await (query.select_for_update() if for_update else query).first()
        return _post_target(row) if row else None

    async def load_many(self, target_ids: Iterable[int]) -> dict[int, Target]:
        return {row.id: _post_target(row) for row in await Post.filter(id__in=list(target_ids))}

    async def apply(
        self, target: Target, status: ContentStatus, *, reason: ModerationReason | None
    ) -> None:
        await Post.filter(id=target.id).update(
            status=status, moderation_reason=reason.value if reason else ""
        )


async def comment_visibility_changed(
    post_id: int, before: ContentStatus, after: ContentStatus
) -> None:
    """Keep the post's count of published comments true across a status change."""
    was, now = before == ContentStatus.PUBLISHED, after == ContentStatus.PUBLISHED
    if was != now:
        await Post.filter(id=post_id).update(comment_count=F("comment_count") + (1 if now else -1))


class CommentHandler:
    async def load(self, target_id: int, *, for_update: bool = False) -> Target | None:
        query = Comment.filter(id=target_id)
        row = await (query.select_for_update() if for_update else query).first()
        return _comment_target(row) if row else None

    async def load_many(self, target_ids: Iterable[int]) -> dict[int, Target]:
        rows = await Comment.filter(id__in=list(target_ids))
        return {row.id: _comment_target(row) for row in rows}

    async def apply(
        self, target: Target, status: ContentStatus, *, reason: ModerationReason | None
    ) -> None:
        row = await Comment.get(id=target.id)
        await Comment.filter(id=target.id).update(
            status=status, moderation_reason=reason.value if reason else ""
        )
        await comment_visibility_changed(row.post_id, target.status, status)


targets.register(ContentKind.POST.value, PostHandler())
targets.register(ContentKind.COMMENT.value, CommentHandler())

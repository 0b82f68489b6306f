"""Writing posts and comments: screened on submission, edited and deleted only by their
authors, announced by `post.created` / `comment.created` in their transaction."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import F

from models.accounts import User
from models.community.moderation import FIXABLE_REASONS, ContentStatus, HoldReason, ModerationReason
from models.community.posts import Comment, Post, PostProduct, PostTag
from services import clock
from services.catalog.visibility import public_products
from services.community.errors import CommunityErrorCode, error
from services.community.moderation import queue, standing
from services.community.moderation.config import current
from services.community.moderation.screening import Screening, screen
from services.community.posts import validation
from services.community.posts.targets import comment_visibility_changed
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.transactions import transaction

S = ContentStatus


async def _check_products(product_ids: list[int]) -> None:
    if not product_ids:
        return
    found = set(await public_products().filter(id__in=product_ids).values_list("id", flat=True))
    if len(found) != len(product_ids):
        raise error(
            CommunityErrorCode.PRODUCT_NOT_FOUND, "No such product in the shop.", field="productIds"
        )


async def _validated(
    title: str,
    body: str,
    tags: list[str] | None,
    product_ids: list[int] | None,
    age_min: int | None,
    age_max: int | None,
) -> validation.PostDraft:
    draft = validation.post_draft(
        title=title,
        body=body,
        tags=tags or [],
        product_ids=product_ids or [],
        age_min=age_min,
        age_max=age_max,
    )
    await _check_products(draft.product_ids)
    return draft


async def _write_links(post: Post, draft: validation.PostDraft, *, replace: bool) -> None:
    """The post's tags and linked products as the draft has them."""
    if replace:
        await PostTag.filter(post_id=post.id).delete()
        await PostProduct.filter(post_id=post.id).delete()
    await PostTag.bulk_create([PostTag(post=post, tag=tag) for tag in draft.tags])
    await PostProduct.bulk_create(
        [
            PostProduct(post=post, product_id=pid, position=i)
            for i, pid in enumerate(draft.product_ids)
        ]
    )


def _reasons(screening: Screening, *extra: str) -> str:
    return ",".join([*extra, *screening.reasons])


async def _after_screening(
    kind: str, row: Post | Comment, screening: Screening, *extra: str
) -> None:
    if row.status == S.HELD:
        await queue.held(
            kind=kind,
            target_id=row.id,
            author_id=row.author_id,
            reasons=[*extra, *screening.reasons],
        )
    else:
        await standing.credit_approved(row.author_id)


async def create_post(
    *,
    author: User,
    title: str,
    body: str,
    tags: list[str] | None = None,
    product_ids: list[int] | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
) -> Post:
    """Write a post; it is published at once or held for a moderator."""
    draft = await _validated(title, body, tags, product_ids, age_min, age_max)
    async with transaction():
        screening = await screen(
            author_id=author.id, kind="post", text=f"{draft.title}\n{draft.body}"
        )
        now = clock.now()
        post = await Post.create(
            author=author,
            title=screening.clean(draft.title),
            body=screening.clean(draft.body),
            status=screening.status,
            hold_reasons=_reasons(screening),
            child_age_min_months=draft.age_min,
            child_age_max_months=draft.age_max,
            last_activity_at=now,
            created_at=now,
        )
        await _write_links(post, draft, replace=False)
        await _after_screening("post", post, screening)
        await outbox.emit(
            EventTypeName.POST_CREATED,
            aggregate_id=post.id,
            payload={
                "postId": global_id("Post", post.id),
                "authorId": global_id("User", author.id),
                "status": S(post.status).name,
                "tags": draft.tags,
                "productIds": [global_id("Product", pid) for pid in draft.product_ids],
            },
        )
    return post


def _editable(row: Post | Comment, user: User) -> None:
    if row.author_id != user.id:
        raise error(CommunityErrorCode.NOT_AUTHOR, "Only its author can change this.", field="id")
    if row.status == S.HIDDEN or (
        row.status == S.REJECTED and row.moderation_reason not in FIXABLE_REASONS
    ):
        raise error(
            CommunityErrorCode.NOT_EDITABLE,
            "A moderator took this down; it cannot be edited back.",
            field="id",
        )


def _after_edit_status(
    row: Post | Comment, screening: Screening
) -> tuple[ContentStatus, list[str]]:
    """Where an edit leaves a contribution: a fixed rejection goes back to a moderator."""
    if row.status == S.REJECTED:
        return S.HELD, [HoldReason.RESUBMITTED.value]
    if row.status == S.HELD or screening.held:
        return S.HELD, []
    return S.PUBLISHED, []


async def _lock(model: Any, row_id: int, user: User) -> Any:
    row = await model.filter(id=row_id).select_for_update().first()
    if row is None or row.status == S.REMOVED:
        raise error(CommunityErrorCode.NOT_FOUND, "No such contribution.", field="id")
    if row.author_id != user.id and row.status != S.PUBLISHED:
        raise error(CommunityErrorCode.NOT_FOUND, "No such contribution.", field="id")
    _editable(row, user)
    return row


async def edit_post(
    *,
    user: User,
    post_id: int,
    title: str,
    body: str,
    tags: list[str] | None = None,
    product_ids: list[int] | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
) -> Post:
    """The author rewrites a post; the edit is screened again like a submission."""
    draft = await _validated(title, body, tags, product_ids, age_min, age_max)
    async with transaction():
        post = await _lock(Post, post_id, user)
        screening = await screen(
            author_id=user.id, kind="post", text=f"{draft.title}\n{draft.body}", edit=True
        )
        status, extra = _after_edit_status(post, screening)
        post.title, post.body = screening.clean(draft.title), screening.clean(draft.body)
        post.child_age_min_months, post.child_age_max_months = draft.age_min, draft.age_max
        post.status, post.hold_reasons = status, _reasons(screening, *extra)
        post.edited_at = clock.now()
        await post.save()
        await _write_links(post, draft, replace=True)
        if status == S.HELD:
            await queue.enqueue(
                kind="post",
                target_id=post.id,
                author_id=user.id,
                status=S.HELD,
                reasons=[*extra, *screening.reasons],
            )
    return post


async def delete_post(*, user: User, post_id: int) -> Post:
    async with transaction():
        post = await Post.filter(id=post_id).select_for_update().first()
        if post is None or post.status == S.REMOVED:
            raise error(CommunityErrorCode.NOT_FOUND, "No such post.", field="id")
        if post.author_id != user.id:
            raise error(CommunityErrorCode.NOT_AUTHOR, "Only its author can delete it.", field="id")
        post.status = S.REMOVED
        await post.save(update_fields=["status", "updated_at"])
        await queue.resolve(kind="post", target_id=post.id, status=S.REMOVED)
    return post


async def create_comment(
    *, author: User, post_id: int, body: str, parent_id: int | None = None
) -> Comment:
    """Comment on a published post, or reply to a published comment of it (depth limited)."""
    body = body.strip()
    validation.check_body(body, validation.MAX_COMMENT)
    async with transaction():
        post = await Post.filter(id=post_id, status=S.PUBLISHED).first()
        if post is None:
            raise error(CommunityErrorCode.NOT_FOUND, "No such post.", field="postId")
        depth = 0
        if parent_id is not None:
            parent = await Comment.filter(id=parent_id, post_id=post_id, status=S.PUBLISHED).first()
            if parent is None:
                raise error(CommunityErrorCode.NOT_FOUND, "No such comment.", field="parentId")
            depth = parent.depth + 1
            if depth > current().comment_max_depth:
                raise error(
                    CommunityErrorCode.DEPTH_EXCEEDED,
                    "Replies nest no deeper: answer higher up the thread.",
                    field="parentId",
                )
        screening = await screen(author_id=author.id, kind="comment", text=body)
        now = clock.now()
        comment = await Comment.create(
            post_id=post_id,
            parent_id=parent_id,
            author=author,
            body=screening.clean(body),
            depth=depth,
            status=screening.status,
            hold_reasons=_reasons(screening),
            created_at=now,
        )
        if comment.status == S.PUBLISHED:
            await Post.filter(id=post_id).update(
                comment_count=F("comment_count") + 1, last_activity_at=now
            )
        await _after_screening("comment", comment, screening)
        await _comment_event(EventTypeName.COMMENT_CREATED, comment)
    return comment


async def _comment_event(name: EventTypeName, comment: Comment) -> None:
    """comment.created / comment.updated: IDs and the status, never the text."""
    await outbox.emit(
        name,
        aggregate_id=comment.post_id,
        payload={
            "postId": global_id("Post", comment.post_id),
            "commentId": global_id("Comment", comment.id),
            "parentId": global_id("Comment", comment.parent_id),
            "authorId": global_id("User", comment.author_id),
            "status": S(comment.status).name,
        },
    )


async def edit_comment(*, user: User, comment_id: int, body: str) -> Comment:
    body = body.strip()
    validation.check_body(body, validation.MAX_COMMENT)
    async with transaction():
        comment = await _lock(Comment, comment_id, user)
        screening = await screen(author_id=user.id, kind="comment", text=body, edit=True)
        before = S(comment.status)
        status, extra = _after_edit_status(comment, screening)
        comment.body, comment.status = screening.clean(body), status
        comment.hold_reasons, comment.edited_at = _reasons(screening, *extra), clock.now()
        await comment.save()
        await comment_visibility_changed(comment.post_id, before, status)
        if status == S.HELD:
            await queue.enqueue(
                kind="comment",
                target_id=comment.id,
                author_id=user.id,
                status=S.HELD,
                reasons=[*extra, *screening.reasons],
            )
        await _comment_event(EventTypeName.COMMENT_UPDATED, comment)
    return comment


async def delete_comment(*, user: User, comment_id: int) -> Comment:
    async with transaction():
        comment = await Comment.filter(id=comment_id).select_for_update().first()
        if comment is None or comment.status == S.REMOVED:
            raise error(CommunityErrorCode.NOT_FOUND, "No such comment.", field="id")
        if comment.author_id != user.id:
            raise error(CommunityErrorCode.NOT_AUTHOR, "Only its author can delete it.", field="id")
        before = S(comment.status)
        comment.status = S.REMOVED
        await comment.save(update_fields=["status", "updated_at"])
        await comment_visibility_changed(comment.post_id, before, S.REMOVED)
        await queue.resolve(kind="comment", target_id=comment.id, status=S.REMOVED)
    return comment


def rejection_reason(row: Post | Comment) -> ModerationReason | None:
    """The moderator's reason the author sees, when rejected or hidden."""
    if row.status in (S.REJECTED, S.HIDDEN) and row.moderation_reason:
        return ModerationReason(row.moderation_reason)
    return None

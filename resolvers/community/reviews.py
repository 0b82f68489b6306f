"""Reviews for GraphQL: who sees what, a product's review pages, and the operations.

The public sees published reviews; their authors also see their own held, rejected or
hidden ones, and moderators (MANAGE_COMMUNITY) see every one through node(id:). A reviewer
appears only by display name (and a child's age when they chose to show it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.accounts import Permission
from models.community.reviews import Review, ReviewEdit
from resolvers.auth import require_permission, require_user, viewer
from resolvers.catalog.queries import is_catalog_staff
from resolvers.community.posts import is_moderator
from resolvers.context import Info
from resolvers.pagination import Page, window
from services.catalog import visibility
from services.community import reviews
from services.community.reviews import reads
from services.community.reviews.reads import ReviewListKey, ReviewSort


def viewer_id(info: Info) -> int | None:
    user = viewer(info)
    return user.id if user is not None else None


def can_see(info: Info, row: Review) -> bool:
    return reads.can_see(row, viewer_id(info), moderator=is_moderator(info))


async def product_shown(info: Info, product_id: int, *, in_list: bool = False) -> bool:
    """Whether content of this product may be shown to the caller: exactly when the product
    may (services.catalog.visibility). By ID, moderators (who act on the content) count as
    staff; lists show content of published products only, to everyone."""
    row = await info.context.loaders.catalog.product_by_id.load(product_id)
    staff = not in_list and (is_catalog_staff(info) or is_moderator(info))
    return row is not None and visibility.is_visible(row.status, staff=staff)


async def can_read(info: Info, row: Review) -> bool:
    """can_see, and the product's own visibility (node(id:))."""
    return can_see(info, row) and await product_shown(info, row.product_id)


def empty(offset: int) -> Page[Any]:
    """The page of a product the caller may not see."""
    return Page(items=[], offset=offset, total=0, has_next=False)


def sees_moderation(info: Info, row: Review) -> bool:
    """The author and moderators see status reasons and the edit history."""
    return row.author_id == viewer_id(info) or is_moderator(info)


async def product_reviews(
    info: Info,
    *,
    product_id: int,
    sort: ReviewSort,
    photos_first: bool,
    first: int | None,
    after: str | None,
) -> Page[Review]:
    win = window(first, after)
    if not await product_shown(info, product_id, in_list=True):
        return empty(win.offset)
    who = viewer_id(info)
    loaders = info.context.loaders.community_reviews
    rows, has_next = await loaders.review_pages.load(
        ReviewListKey(product_id, sort, photos_first, win.offset, win.limit, who)
    )
    loaders.prime_reviews(rows)

    async def total() -> int:
        return await loaders.review_counts(who).load(product_id)

    return Page(items=rows, offset=win.offset, total=total, has_next=has_next)


async def my_reviews(info: Info, *, first: int | None, after: str | None) -> Page[Review]:
    user = require_user(info)
    win = window(first, after)
    rows, has_next = await reads.my_reviews(author_id=user.id, offset=win.offset, limit=win.limit)
    info.context.loaders.community_reviews.prime_reviews(rows)

    async def total() -> int:
        return await reads.count_my_reviews(author_id=user.id)

    return Page(items=rows, offset=win.offset, total=total, has_next=has_next)


async def edit_history(
    info: Info, row: Review, *, first: int | None, after: str | None
) -> Page[ReviewEdit]:
    """A review's earlier versions, oldest first; empty for anyone but its author and
    moderators. Its size is the review's edit count (no count query)."""
    win = window(first, after)
    if not sees_moderation(info, row):
        return empty(win.offset)
    rows, has_next = await info.context.loaders.community_reviews.edit_pages.load(
        reads.EditsKey(row.id, win.offset, win.limit)
    )
    return Page(items=rows, offset=win.offset, total=row.edit_count, has_next=has_next)


async def _changed(info: Info, review: Review) -> Review:
    info.context.loaders.community_reviews.forget()
    return review


async def submit(
    info: Info,
    *,
    product_id: int,
    rating: int,
    title: str,
    body: str,
    photo_urls: Sequence[str],
    variant_id: int | None,
    child_id: int | None,
) -> Review:
    user = require_user(info)
    review = await reviews.submit_review(
        author_id=user.id,
        product_id=product_id,
        rating=rating,
        title=title,
        body=body,
        photo_urls=photo_urls,
        variant_id=variant_id,
        child_id=child_id,
    )
    return await _changed(info, review)


async def edit(
    info: Info,
    *,
    review_id: int,
    rating: int | None,
    title: str | None,
    body: str | None,
    photo_urls: Sequence[str] | None,
) -> Review:
    user = require_user(info)
    review = await reviews.edit_review(
        author_id=user.id,
        review_id=review_id,
        rating=rating,
        title=title,
        body=body,
        photo_urls=photo_urls,
    )
    return await _changed(info, review)


async def delete(info: Info, *, review_id: int) -> Review:
    user = require_user(info)
    return await _changed(info, await reviews.delete_review(author_id=user.id, review_id=review_id))


async def reply(info: Info, *, review_id: int, body: str) -> Review:
    staff = require_permission(info, Permission.MANAGE_COMMUNITY)
    review = await reviews.reply_review(staff_id=staff.id, review_id=review_id, body=body)
    return await _changed(info, review)


async def vote(info: Info, *, review_id: int, helpful: bool | None) -> Review:
    user = require_user(info)
    review = await reviews.vote_review(user_id=user.id, review_id=review_id, helpful=helpful)
    return await _changed(info, review)

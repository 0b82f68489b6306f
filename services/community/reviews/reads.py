"""Review reads: a product's reviews in any sort, many products at once, and a member's own.

What a caller sees: published reviews, plus their own held, rejected or hidden ones (never
someone else's); deleted ones nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from models.community.moderation import ContentStatus
from models.community.reviews import Review, ReviewEdit, ReviewVote
from services.catalog.visibility import of_public_products
from services.community.reviews.windows import page_ids

OWN_STATUSES = (ContentStatus.HELD, ContentStatus.REJECTED, ContentStatus.HIDDEN)


class ReviewSort(StrEnum):
    MOST_HELPFUL = "most_helpful"
    NEWEST = "newest"
    HIGHEST_RATING = "highest_rating"
    LOWEST_RATING = "lowest_rating"


_ORDERS: dict[ReviewSort, str] = {
    ReviewSort.MOST_HELPFUL: "helpful_count DESC, created_at DESC, id DESC",
    ReviewSort.NEWEST: "created_at DESC, id DESC",
    ReviewSort.HIGHEST_RATING: "rating DESC, created_at DESC, id DESC",
    ReviewSort.LOWEST_RATING: "rating ASC, created_at DESC, id DESC",
}


@dataclass(frozen=True)
class ReviewListKey:
    """One product's page as a DataLoader key (the viewer decides what is visible)."""

    product_id: int
    sort: ReviewSort
    photos_first: bool
    offset: int
    limit: int
    viewer_id: int | None


def visible_to(viewer_id: int | None) -> Q:
    shown = Q(status=ContentStatus.PUBLISHED)
    if viewer_id is not None:
        shown |= Q(author_id=viewer_id, status__in=list(OWN_STATUSES))
    return shown


def can_see(review: Review, viewer_id: int | None, *, moderator: bool) -> bool:
    if review.status == ContentStatus.PUBLISHED:
        return True
    if moderator:
        return True
    return review.author_id == viewer_id and review.status in OWN_STATUSES


async def review_pages(keys: Sequence[ReviewListKey]) -> list[tuple[list[Review], bool]]:
    """Each key's page of reviews (and whether more follow): one query per distinct
    sort/window/viewer, plus one for the rows."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for key in keys:
        shape = (key.sort, key.photos_first, key.offset, key.limit, key.viewer_id)
        groups.setdefault(shape, []).append(key.product_id)
    ids_by: dict[tuple[object, ...], dict[int, list[int]]] = {}
    for (sort, photos_first, offset, limit, viewer_id), products in groups.items():
        order = _ORDERS[ReviewSort(str(sort))]
        if photos_first:
            order = "has_photos DESC, " + order
        where = "status = {}"
        params: list[object] = [ContentStatus.PUBLISHED.value]
        if viewer_id is not None:
            where = "(status = {} OR (author_id = {} AND status IN ({}, {}, {})))"
            params += [viewer_id, *(s.value for s in OWN_STATUSES)]
        ids_by[(sort, photos_first, offset, limit, viewer_id)] = await page_ids(
            table="review",
            parent="product_id",
            parents=products,
            order=order,
            offset=int(str(offset)),
            limit=int(str(limit)),
            where=where,
            params=params,
        )
    wanted = [i for found in ids_by.values() for ids in found.values() for i in ids]
    rows = {row.id: row for row in await Review.filter(id__in=wanted)} if wanted else {}
    pages: list[tuple[list[Review], bool]] = []
    for key in keys:
        shape = (key.sort, key.photos_first, key.offset, key.limit, key.viewer_id)
        ids = ids_by[shape].get(key.product_id, [])
        found = [rows[i] for i in ids if i in rows]
        pages.append((found[: key.limit], len(found) > key.limit))
    return pages


async def count_reviews(*, product_ids: Sequence[int], viewer_id: int | None) -> dict[int, int]:
    """Reviews each product shows the viewer, in one grouped query."""
    rows = (
        await Review.filter(visible_to(viewer_id), product_id__in=list(product_ids))
        .annotate(n=Count("id"))
        .group_by("product_id")
        .values_list("product_id", "n")
    )
    return {int(str(product_id)): int(str(n)) for product_id, n in rows}


def _mine(author_id: int) -> QuerySet[Review]:
    """The member's reviews of products shoppers see (a list: services.catalog.visibility)."""
    return Review.filter(author_id=author_id, **of_public_products()).exclude(
        status=ContentStatus.REMOVED
    )


async def my_reviews(*, author_id: int, offset: int, limit: int) -> tuple[list[Review], bool]:
    rows = await _mine(author_id).order_by("-created_at", "-id").offset(offset).limit(limit + 1)
    return rows[:limit], len(rows) > limit


async def count_my_reviews(*, author_id: int) -> int:
    return await _mine(author_id).count()


async def viewer_votes(*, user_id: int, review_ids: Sequence[int]) -> dict[int, bool]:
    rows = await ReviewVote.filter(user_id=user_id, review_id__in=list(review_ids)).values(
        "review_id", "helpful"
    )
    return {row["review_id"]: row["helpful"] for row in rows}


@dataclass(frozen=True)
class EditsKey:
    """One review's page of earlier versions as a DataLoader key."""

    review_id: int
    offset: int
    limit: int


async def edit_pages(keys: Sequence[EditsKey]) -> list[tuple[list[ReviewEdit], bool]]:
    """Each review's page of earlier versions, oldest first (and whether more follow): one
    windowed query per distinct window, plus one for the rows."""
    windows: dict[tuple[int, int], dict[int, list[int]]] = {}
    for offset, limit in {(key.offset, key.limit) for key in keys}:
        windows[(offset, limit)] = await page_ids(
            table="review_edit",
            parent="review_id",
            parents=[key.review_id for key in keys if (key.offset, key.limit) == (offset, limit)],
            order="id ASC",
            offset=offset,
            limit=limit,
        )
    wanted = [i for found in windows.values() for ids in found.values() for i in ids]
    rows = {row.id: row for row in await ReviewEdit.filter(id__in=wanted)} if wanted else {}
    pages: list[tuple[list[ReviewEdit], bool]] = []
    for key in keys:
        ids = windows[(key.offset, key.limit)].get(key.review_id, [])
        found = [rows[i] for i in ids if i in rows]
        pages.append((found[: key.limit], len(found) > key.limit))
    return pages

"""Review events. Payloads carry IDs, the rating and flags, never the text, an e-mail or
(in the partner-visible ones) the author."""

from __future__ import annotations

from typing import Any

from models.community.moderation import ContentStatus
from models.community.reviews import Review
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName

T = EventTypeName


def _ref(review: Review) -> dict[str, Any]:
    return {
        "reviewId": global_id("Review", review.id),
        "productId": global_id("Product", review.product_id),
        "rating": review.rating,
        "status": ContentStatus(review.status).name,
        "verified": review.verified,
    }


async def created(review: Review) -> None:
    await outbox.emit(T.REVIEW_CREATED, aggregate_id=review.id, payload=_ref(review))


async def updated(review: Review, change: str) -> None:
    await outbox.emit(
        T.REVIEW_UPDATED, aggregate_id=review.id, payload=_ref(review) | {"change": change}
    )


async def removed(review: Review, reason: str) -> None:
    await outbox.emit(
        T.REVIEW_REMOVED, aggregate_id=review.id, payload=_ref(review) | {"reason": reason}
    )


async def published(review: Review) -> None:
    """Once per review, when it first becomes visible. The membership domain awards points
    from it, so the payload is the small contract it reads (plain ids), and it carries no
    rating: an incentive must not depend on what the review says (FTC rule on reviews)."""
    await outbox.emit(
        T.REVIEW_PUBLISHED,
        aggregate_id=review.id,
        payload={
            "review_id": review.id,
            "user_id": review.author_id,
            "product_id": review.product_id,
            "has_photos": review.has_photos,
        },
    )


async def requested(*, order_id: int, product_id: int, user_id: int) -> None:
    await outbox.emit(
        T.REVIEW_REQUESTED,
        aggregate_id=f"{order_id}:{product_id}",
        payload={
            "orderId": global_id("Order", order_id),
            "productId": global_id("Product", product_id),
            "userId": global_id("User", user_id),
            "order_id": order_id,
            "product_id": product_id,
            "user_id": user_id,
        },
    )

"""The product's rating columns (`rating_average`, `rating_count`), written by reviews.

Reviews own the histogram (models/community/reviews.py `RatingSummary`) and call this inside
their own transaction, right after changing it under its row lock; the catalog version is
raised with the write, so cached listings and pages sorted or filtered by rating follow.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from models.catalog import Product
from services.catalog import versioning

CENT = Decimal("0.01")


def average(*, count: int, total: int) -> Decimal | None:
    """The average of `count` ratings summing to `total`, to two places; None when unrated."""
    if count <= 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


async def content_changed() -> None:
    """Something shown on product pages changed (a review's text, votes or reply, a question
    or answer): raise the catalog version so cached anonymous product pages are not served
    stale, inside the caller's transaction."""
    await versioning.bump()


async def store_rating(*, product_id: int, count: int, total: int) -> None:
    """Write the product's rating from its summary, inside the caller's transaction."""
    await Product.filter(id=product_id).update(
        rating_count=count, rating_average=average(count=count, total=total)
    )
    await versioning.bump()

"""Ratings as explicit feedback for the recommender (read by services/feed/training.py).

Every rating that counts in a product's summary is a customer's explicit judgement, held
or not: the recommender sees exactly what the product's average is made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.community.reviews import Review


@dataclass(frozen=True)
class Rating:
    user_id: int
    product_id: int
    rating: int
    at: datetime


async def ratings_since(since: datetime) -> list[Rating]:
    """Ratings given or last changed since `since`, oldest first."""
    rows = (
        await Review.filter(in_aggregate=True, updated_at__gte=since)
        .order_by("updated_at", "id")
        .values("author_id", "product_id", "rating", "updated_at")
    )
    return [
        Rating(row["author_id"], row["product_id"], int(row["rating"]), row["updated_at"])
        for row in rows
    ]

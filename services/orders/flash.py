"""Flash prices as the catalog shows them: the best running offer per variant and per
product, read for a whole page at once (one query, whatever the page size)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q

from models.orders import FlashPrice


@dataclass(frozen=True)
class FlashOffer:
    variant_id: int
    product_id: int
    price: Decimal
    starts_at: datetime
    ends_at: datetime
    # True while the offer has not started for everyone (a member's early access).
    early: bool


@dataclass(frozen=True)
class Offers:
    by_variant: dict[int, FlashOffer]
    # The lowest offer among each product's variants.
    by_product: dict[int, FlashOffer]


async def offers(
    *,
    variant_ids: Sequence[int] = (),
    product_ids: Sequence[int] = (),
    at: datetime,
    early: timedelta = timedelta(0),
) -> Offers:
    """Offers running at `at` (or starting within `early`, for members with early access)
    on these variants and on any variant of these products: the lowest price wins."""
    found = Offers({}, {})
    if not variant_ids and not product_ids:
        return found
    match = Q()
    if variant_ids:
        match |= Q(variant_id__in=list(set(variant_ids)))
    if product_ids:
        match |= Q(variant__product_id__in=list(set(product_ids)))
    rows = (
        await FlashPrice.filter(match, starts_at__lte=at + early, ends_at__gt=at)
        .order_by("price", "ends_at", "id")
        .values("variant_id", "variant__product_id", "price", "starts_at", "ends_at")
    )
    for row in rows:
        offer = FlashOffer(
            variant_id=row["variant_id"],
            product_id=row["variant__product_id"],
            price=Decimal(row["price"]),
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            early=row["starts_at"] > at,
        )
        found.by_variant.setdefault(offer.variant_id, offer)
        found.by_product.setdefault(offer.product_id, offer)
    return found

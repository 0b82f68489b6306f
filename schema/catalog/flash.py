"""Flash prices on catalog pages: `Variant.flashPrice` and `Product.flashPrice`, as the
caller sees them (members whose tier has early access see them before they start), each
page read with one query through the orders loaders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from resolvers.auth import viewer
from resolvers.context import Info
from schema.catalog.money import Money
from services.orders.flash import FlashOffer


@strawberry.type(description="A time-boxed price that wins over the list price while it runs.")
class FlashPriceOffer:
    price: Money = strawberry.field(description="The price of one unit while it runs.")
    starts_at: datetime
    ends_at: datetime
    early_access: bool = strawberry.field(
        description="True while the offer has not started for everyone: the caller's tier has "
        "early access to flash prices."
    )


def _shown(offer: FlashOffer | None, currency: str) -> FlashPriceOffer | None:
    if offer is None:
        return None
    return FlashPriceOffer(
        price=Money(amount=offer.price, currency=currency),
        starts_at=offer.starts_at,
        ends_at=offer.ends_at,
        early_access=offer.early,
    )


def _viewer_id(info: Info) -> int | None:
    user = viewer(info)
    return user.id if user is not None else None


async def variant_flash_price(info: Info, root: strawberry.Parent[Any]) -> FlashPriceOffer | None:
    loader = info.context.loaders.orders.flash_by_variant
    return _shown(await loader.load((_viewer_id(info), root.id)), root.price.currency)


async def product_flash_price(info: Info, root: strawberry.Parent[Any]) -> FlashPriceOffer | None:
    loader = info.context.loaders.orders.flash_by_product
    return _shown(await loader.load((_viewer_id(info), root.id)), root.currency)

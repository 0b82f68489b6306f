"""The catalog's product events: publication, changes shoppers can see, and withdrawal.

Only published products are news to partners: a draft edited ten times emits nothing
until it is published, and an unpublished product's edits stay private.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.catalog import Product, ProductStatus
from services.catalog.visibility import PUBLIC_STATUSES
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName

T = EventTypeName


def _ref(product: Product) -> dict[str, object]:
    return {
        "productId": global_id("Product", product.id),
        "slug": product.slug,
        "name": product.name,
        "status": ProductStatus(product.status).name,
    }


async def product_changed(
    *, before: ProductStatus | None, product: Product, changed: Iterable[str]
) -> None:
    """The event of a product write: `before` is its status before (None: just created)."""
    was = before is not None and ProductStatus(before) in PUBLIC_STATUSES
    now = ProductStatus(product.status) in PUBLIC_STATUSES
    if now and not was:
        type = T.PRODUCT_PUBLISHED
    elif was and not now:
        type = T.PRODUCT_UNPUBLISHED
    elif now:
        type = T.PRODUCT_UPDATED
    else:
        return
    payload = _ref(product)
    if type == T.PRODUCT_UPDATED:
        payload["changed"] = sorted(set(changed))
    await outbox.emit(type, aggregate_id=product.id, payload=payload)

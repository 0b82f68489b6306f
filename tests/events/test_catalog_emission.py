"""The catalog emits product events for what shoppers can see, and every stock change."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from models.catalog import Product, ProductStatus
from services.catalog import admin
from services.errors import DomainError
from tests.events._helpers import events_of, payloads_of, types_of
from tests.factories import create_variant, unique

pytestmark = pytest.mark.usefixtures("database")


async def test_drafts_are_silent_until_published_then_edits_and_unpublishing_are_told() -> None:
    # Given a draft product edited once
    product = await admin.create_product(fields={"name": "Wooden train", "slug": unique("train")})
    await admin.update_product(product_id=product.id, changes={"description": "Oak."})
    assert await types_of("product", product.id) == []

    # When it is published, renamed, given a variant, and archived
    await admin.set_product_status(product_id=product.id, status=ProductStatus.ACTIVE)
    await admin.update_product(product_id=product.id, changes={"name": "Oak train"})
    await admin.create_variant(
        product_id=product.id, fields={"sku": unique("OAK"), "price": "9.50"}
    )
    await admin.set_product_status(product_id=product.id, status=ProductStatus.ARCHIVED)

    # Then published, updated (name), updated (variants), unpublished, in that order
    events = await events_of("product", product.id)
    assert [(e.sequence, e.type) for e in events] == [
        (1, "product.published"),
        (2, "product.updated"),
        (3, "product.updated"),
        (4, "product.unpublished"),
    ]
    assert events[0].payload["productId"] == to_base64("Product", product.id)
    assert [events[1].payload["changed"], events[2].payload["changed"]] == [["name"], ["variants"]]
    assert (events[1].payload["name"], events[3].payload["status"]) == ("Oak train", "ARCHIVED")


async def test_a_product_created_published_is_published_at_once() -> None:
    product = await admin.create_product(
        fields={"name": "Kite", "slug": unique("kite"), "status": ProductStatus.ACTIVE}
    )
    assert await types_of("product", product.id) == ["product.published"]


async def test_a_refused_edit_of_a_published_product_emits_nothing() -> None:
    mine, other = await create_variant(), await create_variant()
    taken = (await Product.get(id=other.product_id)).slug
    with pytest.raises(DomainError):
        await admin.update_product(product_id=mine.product_id, changes={"slug": taken})
    assert await types_of("product", mine.product_id) == []


async def test_staff_counts_and_adjustments_emit_stock_changes_and_back_in_stock() -> None:
    # Given a sold-out variant
    variant = await create_variant(stock=0)

    # When staff count 4, then remove 4, then a removal is refused for lack of stock
    await admin.set_stock(variant_id=variant.id, quantity=4)
    await admin.adjust_stock(variant_id=variant.id, delta=-4)
    with pytest.raises(DomainError):
        await admin.adjust_stock(variant_id=variant.id, delta=-1)
    await admin.set_stock(variant_id=variant.id, quantity=0)  # no change: no event

    # Then 0 -> 4 (back in stock), 4 -> 0, and nothing for the refused and the empty change
    events = await events_of("variant", variant.id)
    assert [(e.type, e.payload.get("oldStock"), e.payload["newStock"]) for e in events] == [
        ("variant.stock_changed", 0, 4),
        ("variant.back_in_stock", None, 4),
        ("variant.stock_changed", 4, 0),
    ]
    assert [
        p["reason"] for p in await payloads_of("variant", variant.id, "variant.stock_changed")
    ] == [
        "count",
        "adjustment",
    ]
    assert events[1].payload["productId"] == to_base64("Product", variant.product_id)

"""Cross-domain reactions as consumers, and the actor every event of a request names."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import ApiScope, Permission
from models.analytics import BehaviourEvent, EventKind
from models.events import DomainEvent
from services import cache
from services.accounts import api_keys
from services.analytics import tracking
from services.events import consumers
from services.events.records import EventRecord
from services.feed import cache as feed_cache
from services.flows import purchase_recording
from tests.events._helpers import events_of
from tests.factories import auth_headers, create_user, create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("app")
TRACK = """
mutation Track($events: [TrackEventInput!]!, $anonymousId: String) {
  trackEvents(events: $events, anonymousId: $anonymousId) { accepted errors { code } }
}
"""
PRODUCT_UPDATE = """
mutation Update($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) { errors { field code } }
}
"""


async def _sequenced(type: str, aggregate_id: object) -> EventRecord:
    """The event once the relay gave it a stream position (it runs in the app's runtime)."""
    for _ in range(250):
        row = await DomainEvent.filter(
            type=type, aggregate_id=str(aggregate_id), position__isnull=False
        ).first()
        if row is not None:
            return EventRecord.from_model(row)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no sequenced {type} of {aggregate_id}")


async def _eventually(check: Any) -> bool:
    for _ in range(250):
        if await check():
            return True
        await asyncio.sleep(0.02)
    return False


async def _purchases(order_id: int) -> int:
    return await BehaviourEvent.filter(order_id=order_id, kind=EventKind.PURCHASE).count()


def test_reactions_are_registered_as_consumers_of_their_events() -> None:
    assert consumers.DURABLE["purchase_recording"].types == {"order.paid"}
    assert consumers.BROADCAST["feed_invalidation"].types == {"shopper.events_tracked"}


async def test_a_paid_order_is_recorded_as_a_purchase_once_even_if_handled_twice() -> None:
    # Given a paid guest order of 2 units
    variant = await create_variant(stock=5)
    cart = await ready_cart((variant, 2))
    order = (await place(cart)).order
    record = await _sequenced("order.paid", order.id)

    # When the durable consumer has run, and the event is handled twice more (a replay)
    assert await _eventually(lambda: _purchases_exist(order.id))
    await purchase_recording.after_order_paid(record)
    await purchase_recording.after_order_paid(record)

    # Then the purchase is recorded once, for the guest's cart token
    rows = await BehaviourEvent.filter(order_id=order.id, kind=EventKind.PURCHASE)
    assert [(r.variant_id, r.quantity, r.anonymous_id) for r in rows] == [
        (variant.id, 2, cart.token)
    ]


async def _purchases_exist(order_id: int) -> bool:
    return await _purchases(order_id) > 0


async def test_an_unpaid_order_is_not_a_purchase() -> None:
    order = (await place(await ready_cart((await create_variant(), 1)), payment_token=None)).order
    await _sequenced("order.placed", order.id)
    assert await _purchases(order.id) == 0


async def test_tracked_events_drop_the_shoppers_cached_feed_through_the_broadcast() -> None:
    # Given a customer with a cached feed section
    user = await create_user()
    key = feed_cache.identity_keys(user_id=user.id, anonymous_id=None)[0]

    async def compute() -> list[int]:
        return [1, 2, 3]

    await feed_cache.cached_section(
        user_id=user.id, anonymous_id=None, section_key="FOR_YOU", compute=compute
    )
    assert "FOR_YOU" in (await cache.get(key) or {})

    # When events are recorded by the service alone (no request to drop anything)
    product_id = (await create_variant()).product_id
    events = [tracking.TrackedEvent(kind=EventKind.VIEW, product_id=product_id)]
    assert await tracking.track_events(events=events, user_id=user.id, anonymous_id=None) == 1

    # Then the broadcast consumer of shopper.events_tracked drops the cached section
    async def dropped() -> bool:
        return "FOR_YOU" not in (await cache.get(key) or {})

    assert await _eventually(dropped)


async def _actor_of_tracking(gql: Any, **headers: str) -> str:
    product_id = (await create_variant()).product_id
    events = [{"kind": "VIEW", "productId": to_base64("Product", product_id)}]
    body = await gql(TRACK, {"events": events}, **{"X-Cart-Token": uuid.uuid4().hex, **headers})
    assert body["data"]["trackEvents"]["accepted"] == 1, body
    row = await DomainEvent.filter(type="shopper.events_tracked").order_by("-id").first()
    assert row is not None
    return row.actor


async def test_the_actor_is_the_caller_of_the_request(gql: Any) -> None:
    customer = await create_user()
    key, plain = await api_keys.create_api_key(
        name="Partner", scopes=[ApiScope.READ_CATALOG], created_by_id=None
    )
    assert await _actor_of_tracking(gql, **auth_headers(customer)) == f"customer:{customer.id}"
    assert await _actor_of_tracking(gql, **{"X-Api-Key": plain}) == f"api_key:{key.id}"
    assert await _actor_of_tracking(gql) == "guest"


async def test_a_staff_edit_names_the_member_of_staff(gql: Any) -> None:
    staff = await create_user(permissions=[Permission.MANAGE_PRODUCTS])
    variant = await create_variant()
    body = await gql(
        PRODUCT_UPDATE,
        {"id": to_base64("Product", variant.product_id), "input": {"name": "Renamed toy"}},
        **auth_headers(staff),
    )
    assert body["data"]["productUpdate"]["errors"] == [], body
    (event,) = await events_of("product", variant.product_id)
    assert (event.type, event.actor) == ("product.updated", f"staff:{staff.id}")

"""trackEvents: batched, all-or-nothing, attributed to the customer or the guest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from strawberry.relay import to_base64

from models.analytics import BehaviourEvent, EventKind
from services.accounts import guests
from tests.factories import auth_headers, create_user, create_variant, unique

TRACK = """
mutation Track($events: [TrackEventInput!]!, $anonymousId: String) {
  trackEvents(events: $events, anonymousId: $anonymousId) {
    accepted
    errors { field code message }
  }
}
"""


def _view(product_id: int, **extra: Any) -> dict[str, Any]:
    return {"kind": "VIEW", "productId": to_base64("Product", product_id), **extra}


async def _product_id() -> int:
    return (await create_variant()).product_id


async def _track(gql: Any, events: list[dict[str, Any]], **headers: Any) -> dict[str, Any]:
    anonymous = headers.pop("anonymous_id", None)
    body = await gql(TRACK, {"events": events, "anonymousId": anonymous}, **headers)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["trackEvents"]
    return payload


async def test_a_batch_of_100_is_written_in_one_insert(gql: Any, count_queries: Any) -> None:
    user = await create_user()
    product_id = await _product_id()
    events = [_view(product_id, context={"source": "feed", "section": "FOR_YOU"})] * 100
    with count_queries() as counter:
        payload = await _track(gql, events, **auth_headers(user))
    assert payload == {"accepted": 100, "errors": []}
    inserts = [s for s in counter.statements if s.lstrip().upper().startswith("INSERT")]
    # One INSERT of all 100 events; the batch's one domain event adds its outbox row and
    # its aggregate's sequence (one each, whatever the batch size).
    assert len([s for s in inserts if "behaviour_event" in s]) == 1, inserts
    assert len(inserts) == 3, inserts
    rows = await BehaviourEvent.filter(user_id=user.id)
    assert len(rows) == 100
    assert {(row.kind, row.product_id, row.quantity) for row in rows} == {
        (EventKind.VIEW, product_id, 1)
    }
    assert rows[0].context == {"source": "feed", "section": "FOR_YOU"}


async def test_more_than_100_events_are_refused_and_nothing_is_written(gql: Any) -> None:
    guest_id = guests.issue_guest_id()
    guest = guests.identity_from_guest_id(guest_id)
    product_id = await _product_id()
    payload = await _track(gql, [_view(product_id)] * 101, anonymous_id=guest_id)
    assert payload["accepted"] == 0
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("events", "TOO_MANY_EVENTS")]
    assert await BehaviourEvent.filter(anonymous_id=guest).count() == 0


async def test_one_invalid_event_refuses_the_batch_with_its_field_path(gql: Any) -> None:
    guest_id = guests.issue_guest_id()
    guest = guests.identity_from_guest_id(guest_id)
    product_id = await _product_id()
    variant = await create_variant()
    events = [
        _view(product_id),
        {"kind": "SEARCH", "query": "  wooden   train "},
        _view(10**9),
        {"kind": "ADD_TO_CART", "quantity": 2},
        {"kind": "SEARCH"},
        _view(product_id, variantId=to_base64("Variant", variant.id)),
        {"kind": "CLICK", "productId": to_base64("Category", product_id)},
        _view(product_id, quantity=0),
    ]
    payload = await _track(gql, events, anonymous_id=guest_id)
    assert payload["accepted"] == 0
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("events.2.productId", "INVALID_PRODUCT"),
        ("events.3.productId", "MISSING_PRODUCT"),
        ("events.4.query", "MISSING_QUERY"),
        ("events.5.variantId", "INVALID_VARIANT"),
        ("events.6.productId", "INVALID_PRODUCT"),
        ("events.7.quantity", "INVALID_QUANTITY"),
    ]
    assert await BehaviourEvent.filter(anonymous_id=guest).count() == 0

    valid = await _track(gql, events[:2], anonymous_id=guest_id)
    assert valid == {"accepted": 2, "errors": []}
    search = await BehaviourEvent.get(anonymous_id=guest, kind=EventKind.SEARCH)
    assert (search.query, search.product_id) == ("wooden train", None)


async def test_a_variant_alone_names_its_product(gql: Any) -> None:
    guest_id = guests.issue_guest_id()
    guest = guests.identity_from_guest_id(guest_id)
    variant = await create_variant()
    event = {"kind": "ADD_TO_CART", "variantId": to_base64("Variant", variant.id), "quantity": 3}
    assert (await _track(gql, [event], anonymous_id=guest_id))["accepted"] == 1
    row = await BehaviourEvent.get(anonymous_id=guest)
    assert (row.product_id, row.variant_id, row.quantity) == (variant.product_id, variant.id, 3)


async def test_purchases_cannot_be_sent_by_clients(gql: Any) -> None:
    guest_id = guests.issue_guest_id()
    guest = guests.identity_from_guest_id(guest_id)
    product_id = await _product_id()
    events = [{"kind": "PURCHASE", "productId": to_base64("Product", product_id)}]
    body = await gql(TRACK, {"events": events, "anonymousId": guest_id})
    assert body["data"] is None
    assert "PURCHASE" in body["errors"][0]["message"]
    assert await BehaviourEvent.filter(anonymous_id=guest).count() == 0


async def test_guests_and_customers_are_attributed(gql: Any) -> None:
    product_id = await _product_id()
    token, chosen_id = unique("cart"), guests.issue_guest_id()
    chosen, by_token = (
        guests.identity_from_guest_id(chosen_id),
        guests.identity_from_cart_token(token),
    )
    # A guest's cart token identifies them ...
    assert (await _track(gql, [_view(product_id)], **{"X-Cart-Token": token}))["accepted"] == 1
    # ... unless they send their own anonymous id.
    payload = await _track(
        gql, [_view(product_id)], anonymous_id=chosen_id, **{"X-Cart-Token": token}
    )
    assert payload["accepted"] == 1
    guest_rows = await BehaviourEvent.filter(anonymous_id__in=[by_token, chosen]).order_by("id")
    assert [(row.user_id, row.anonymous_id) for row in guest_rows] == [
        (None, by_token),
        (None, chosen),
    ]
    # A customer's events are theirs, and keep the guest id to join the earlier visit.
    user = await create_user()
    headers = {**auth_headers(user), "X-Cart-Token": token}
    assert (await _track(gql, [_view(product_id)], **headers))["accepted"] == 1
    mine = await BehaviourEvent.get(user_id=user.id)
    assert mine.anonymous_id == by_token
    # Someone nobody can tell apart is refused.
    nobody = await _track(gql, [_view(product_id)])
    assert nobody["errors"][0]["field"] == "anonymousId"
    assert nobody["errors"][0]["code"] == "MISSING_IDENTITY"


async def test_client_times_are_kept_only_when_plausible(gql: Any) -> None:
    guest_id = guests.issue_guest_id()
    guest = guests.identity_from_guest_id(guest_id)
    product_id = await _product_id()
    now = datetime.now(UTC)
    two_days_ago = (now - timedelta(days=2)).replace(microsecond=0)
    events = [
        _view(product_id, occurredAt=(now + timedelta(days=1)).isoformat(), context={"n": "0"}),
        _view(product_id, occurredAt=(now - timedelta(days=8)).isoformat(), context={"n": "1"}),
        _view(product_id, occurredAt=two_days_ago.isoformat(), context={"n": "2"}),
        _view(product_id, context={"n": "3"}),
    ]
    assert (await _track(gql, events, anonymous_id=guest_id))["accepted"] == 4
    after = datetime.now(UTC)
    rows = {
        row.context["n"]: row.occurred_at for row in await BehaviourEvent.filter(anonymous_id=guest)
    }
    for clamped in ("0", "1", "3"):
        assert now - timedelta(seconds=1) <= rows[clamped] <= after, clamped
    assert rows["2"] == two_days_ago


async def test_without_consent_events_are_marked_not_for_personalization(gql: Any) -> None:
    product_id = await _product_id()
    declined = await create_user(personalization=False)
    consented = await create_user()
    event = _view(product_id, context={"source": "search", "personalization": "on"})
    for user in (declined, consented):
        assert (await _track(gql, [event], **auth_headers(user)))["accepted"] == 1
    assert (await BehaviourEvent.get(user_id=declined.id)).context == {
        "source": "search",
        "personalization": "off",
    }
    assert (await BehaviourEvent.get(user_id=consented.id)).context == {"source": "search"}
    # A guest's opt-out (e.g. from a cookie banner) is kept.
    guest_id = guests.issue_guest_id()
    guest = guests.identity_from_guest_id(guest_id)
    opted_out = _view(product_id, context={"personalization": "off"})
    assert (await _track(gql, [opted_out], anonymous_id=guest_id))["accepted"] == 1
    assert (await BehaviourEvent.get(anonymous_id=guest)).context == {"personalization": "off"}


async def test_context_must_be_a_small_string_map(gql: Any) -> None:
    guest_id = guests.issue_guest_id()
    product_id = await _product_id()
    events = [
        _view(product_id, context={"position": 3}),
        _view(product_id, context={f"k{i}": "v" for i in range(11)}),
        _view(product_id, context=["feed"]),
    ]
    payload = await _track(gql, events, anonymous_id=guest_id)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        (f"events.{i}.context", "INVALID_CONTEXT") for i in range(3)
    ]

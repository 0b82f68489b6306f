"""markNotInterested: the product leaves the shopper's feeds and its neighbours sink."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from services.feed import rules
from tests.factories import auth_headers, create_user, unique
from tests.feed._helpers import feed, gid, neighbours, nodes, pk, track_views
from tests.feed.conftest import FeedWorld

MARK = """
mutation Mark($productId: ID!, $anonymousId: String) {
  markNotInterested(productId: $productId, anonymousId: $anonymousId) {
    product { id }
    errors { field code message }
  }
}
"""


async def mark(gql: Any, product_id: str, headers: dict[str, str]) -> dict[str, Any]:
    body = await gql(MARK, {"productId": product_id}, **headers)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["markNotInterested"]
    return payload


async def test_a_product_marked_not_interested_leaves_the_feed_and_its_neighbours_sink(
    gql: Any, feed_world: FeedWorld
) -> None:
    guest = {"X-Cart-Token": unique("guest")}
    await track_views(gql, [feed_world.anchor], guest)
    before = {
        pk(i["product"]["id"]): i["score"]
        for i in nodes(await feed(gql, "FOR_YOU", guest, first=100))
    }
    hidden = next(iter(before))

    payload = await mark(gql, gid(hidden), guest)
    assert payload == {"product": {"id": gid(hidden)}, "errors": []}

    after = {
        pk(i["product"]["id"]): i["score"]
        for i in nodes(await feed(gql, "FOR_YOU", guest, first=100))
    }
    assert hidden not in after
    similar = await neighbours(hidden, rules.NOT_INTERESTED_NEIGHBOURS)
    pushed = [p for p in after if p in similar and p in before]
    kept = [p for p in after if p not in similar and p in before]
    assert pushed and kept
    for product in pushed:
        assert after[product] == pytest.approx(
            before[product] * rules.NOT_INTERESTED_PENALTY, abs=2e-6
        )
    for product in kept:
        assert after[product] == pytest.approx(before[product], abs=2e-6)
    # Not only FOR_YOU: every section leaves it out.
    similar_feed = nodes(
        await feed(gql, "SIMILAR", guest, productId=gid(feed_world.anchor), first=100)
    )
    assert hidden not in {pk(i["product"]["id"]) for i in similar_feed}


async def test_marking_twice_is_harmless_and_signed_in_users_are_recognised(
    gql: Any, feed_world: FeedWorld
) -> None:
    user = await create_user()
    headers = auth_headers(user)
    first = await mark(gql, gid(feed_world.partners[0]), headers)
    again = await mark(gql, gid(feed_world.partners[0]), headers)
    assert first == again == {"product": {"id": gid(feed_world.partners[0])}, "errors": []}
    shown = nodes(await feed(gql, "SIMILAR", headers, productId=gid(feed_world.anchor), first=100))
    assert feed_world.partners[0] not in {pk(i["product"]["id"]) for i in shown}


async def test_errors_are_data(gql: Any, feed_world: FeedWorld) -> None:
    no_one = await mark(gql, gid(feed_world.anchor), {})
    assert no_one["product"] is None
    assert [(e["code"], e["field"]) for e in no_one["errors"]] == [
        ("MISSING_IDENTITY", "anonymousId")
    ]
    guest = {"X-Cart-Token": unique("guest")}
    for wrong in (gid(2_000_000_000), to_base64("Category", 1)):
        payload = await mark(gql, wrong, guest)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("INVALID_PRODUCT", "productId")
        ]

"""Serving feeds: shared sections, invalidation by purchases and stock, impressions."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.catalog import Variant
from models.events import DomainEvent
from models.feed import FeedImpression
from services.catalog import stock
from services.events.records import EventRecord
from services.feed import assembly, candidates, impressions
from services.feed import cache as feed_cache
from services.flows import feed_invalidation
from services.transactions import transaction
from tests.factories import auth_headers, create_user, create_variant
from tests.feed._helpers import feed, gid, nodes, pk, track_views
from tests.feed.conftest import FeedWorld
from tests.orders._helpers import place, ready_cart

_versions = itertools.count(10**9)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts NEW_ARRIVALS computations, with a catalog version no other test has cached."""
    monkeypatch.setattr(feed_cache, "catalog_version", next(_versions))
    seen: list[str] = []
    original = candidates.new_arrivals

    async def counted() -> Any:
        seen.append("new_arrivals")
        await asyncio.sleep(0.01)  # long enough for the other shopper's miss to overlap
        return await original()

    monkeypatch.setattr(candidates, "new_arrivals", counted)
    return seen


async def test_a_shared_section_is_computed_once_for_two_shoppers(
    gql: Any, feed_world: FeedWorld, calls: list[str]
) -> None:
    one, two = auth_headers(await create_user()), auth_headers(await create_user())
    first, second = await asyncio.gather(
        feed(gql, "NEW_ARRIVALS", one, first=10), feed(gql, "NEW_ARRIVALS", two, first=10)
    )
    assert nodes(first) == nodes(second) and first["edges"]
    again = await feed(gql, "NEW_ARRIVALS", {"X-Cart-Token": "guest-shared"}, first=10)
    assert nodes(again) == nodes(first)
    assert calls == ["new_arrivals"]


async def test_tracked_events_keep_the_shared_sections(
    gql: Any, feed_world: FeedWorld, calls: list[str]
) -> None:
    headers = auth_headers(await create_user())
    await feed(gql, "NEW_ARRIVALS", headers, first=5)
    await track_views(gql, [feed_world.anchor], headers)
    await feed(gql, "NEW_ARRIVALS", headers, first=5)
    assert calls == ["new_arrivals"]


async def test_a_not_interested_mark_leaves_only_that_shoppers_shared_section(
    gql: Any, feed_world: FeedWorld, calls: list[str]
) -> None:
    mine, theirs = auth_headers(await create_user()), auth_headers(await create_user())
    shown = [pk(item["product"]["id"]) for item in nodes(await feed(gql, "NEW_ARRIVALS", mine))]
    body = await gql(
        "mutation($id: ID!) { markNotInterested(productId: $id) { __typename } }",
        {"id": gid(shown[0])},
        **mine,
    )
    assert "errors" not in body, body
    after = [pk(item["product"]["id"]) for item in nodes(await feed(gql, "NEW_ARRIVALS", mine))]
    other = [pk(item["product"]["id"]) for item in nodes(await feed(gql, "NEW_ARRIVALS", theirs))]
    assert shown[0] not in after
    assert shown[0] in other
    assert calls == ["new_arrivals"]


async def _eventually(check: Any) -> bool:
    """Broadcast consumers run a moment after the commit: poll (up to 5 s) for the outcome."""
    for _ in range(250):
        if await check():
            return True
        await asyncio.sleep(0.02)
    return False


async def _shown(gql: Any, section: str, headers: dict[str, str], **variables: Any) -> list[int]:
    result = await feed(gql, section, headers, first=100, **variables)
    return [pk(item["product"]["id"]) for item in nodes(result)]


async def test_a_bought_product_leaves_the_buyers_feed(gql: Any, feed_world: FeedWorld) -> None:
    user = await create_user()
    headers = auth_headers(user)
    anchor = {"productId": gid(feed_world.anchor)}
    partner = feed_world.partners[2]
    assert partner in await _shown(gql, "SIMILAR", headers, **anchor)  # cached now
    variant = await Variant.filter(product_id=partner, stock__gt=1).first()
    assert variant is not None

    await place(await ready_cart((variant, 1), user=user), user=user)

    async def gone() -> bool:
        return partner not in await _shown(gql, "SIMILAR", headers, **anchor)

    assert await _eventually(gone)
    someone = auth_headers(await create_user())
    assert partner in await _shown(gql, "SIMILAR", someone, **anchor)


async def test_a_sold_out_product_leaves_every_cached_feed(
    gql: Any, feed_world: FeedWorld, calls: list[str]
) -> None:
    variant = await create_variant(stock=2)
    one, two = auth_headers(await create_user()), {"X-Cart-Token": "guest-sold-out"}
    assert variant.product_id in await _shown(gql, "NEW_ARRIVALS", one)
    assert variant.product_id in await _shown(gql, "NEW_ARRIVALS", two)

    async with transaction():
        assert await stock.take(variant_id=variant.id, units=2, reason="test")

    async def gone() -> bool:
        return variant.product_id not in await _shown(gql, "NEW_ARRIVALS", one)

    assert await _eventually(gone)
    assert variant.product_id not in await _shown(gql, "NEW_ARRIVALS", two)
    assert calls == ["new_arrivals"]  # filtered at read time: the shared section stays cached


async def test_impressions_are_recorded_with_section_and_position(
    gql: Any, feed_world: FeedWorld
) -> None:
    user = await create_user()
    headers = auth_headers(user)
    await impressions.recorder.flush()  # other tests' pages
    first = await feed(gql, "TRENDING", headers, first=3)
    second = await feed(gql, "TRENDING", headers, first=3, after=first["pageInfo"]["endCursor"])
    assert impressions.recorder.pending == 6  # buffered: the pages cost no insert
    assert await impressions.recorder.flush() == 6

    rows = await FeedImpression.filter(user_id=user.id).order_by("position")
    shown = [pk(item["product"]["id"]) for item in nodes(first) + nodes(second)]
    assert [(row.section, row.product_id, row.position) for row in rows] == [
        ("trending", product_id, position) for position, product_id in enumerate(shown)
    ]
    assert all(row.anonymous_id is None and row.model_version for row in rows)


async def test_impressions_past_their_retention_are_pruned(gql: Any, feed_world: FeedWorld) -> None:
    user = await create_user()
    await feed(gql, "TRENDING", auth_headers(user), first=2)
    await impressions.recorder.flush()
    old = datetime.now(UTC) - timedelta(days=impressions.retention_days() + 1)
    kept = await FeedImpression.filter(user_id=user.id).order_by("id").first()
    assert kept is not None
    await FeedImpression.filter(user_id=user.id).exclude(id=kept.id).update(shown_at=old)

    assert await impressions.prune() >= 1
    assert [row.id for row in await FeedImpression.filter(user_id=user.id)] == [kept.id]


async def test_the_late_broadcast_of_a_tracked_batch_keeps_the_feed_computed_with_it(
    gql: Any, feed_world: FeedWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tracking request resets the shopper's feed at once; the broadcast of the same batch
    reaches every process a moment later and must not throw away the feed the shopper's next
    request computed with those events. Another batch's broadcast still resets it."""
    user = await create_user()
    headers = auth_headers(user)
    computed: list[object] = []
    original = assembly.assemble

    async def counted(**arguments: Any) -> Any:
        computed.append(arguments["section"])
        return await original(**arguments)

    monkeypatch.setattr(assembly, "assemble", counted)
    await track_views(gql, [feed_world.anchor], headers)
    first = await feed(gql, "FOR_YOU", headers, first=5)
    assert len(computed) == 1 and first["edges"]

    row = (
        await DomainEvent.filter(type="shopper.events_tracked", aggregate_id=f"user:{user.id}")
        .order_by("-id")
        .first()
    )
    assert row is not None and row.payload["batchId"]
    record = EventRecord(
        id=row.event_id,
        type=row.type,
        aggregate_type=row.aggregate_type,
        aggregate_id=row.aggregate_id,
        sequence=row.sequence,
        version=row.version,
        actor=row.actor,
        occurred_at=row.occurred_at,
        position=row.position or 0,
        payload=row.payload,
    )
    await feed_invalidation.after_events_tracked(record)  # the same batch, late
    assert nodes(await feed(gql, "FOR_YOU", headers, first=5)) == nodes(first)
    assert len(computed) == 1  # served from the cache

    other = dataclasses.replace(record, payload={**record.payload, "batchId": "another-batch"})
    await feed_invalidation.after_events_tracked(other)
    await feed(gql, "FOR_YOU", headers, first=5)
    assert len(computed) == 2

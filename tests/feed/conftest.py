"""A trained feed world: demo-store products, synthetic shoppers' events, a model in a tmp dir."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.analytics import BehaviourEvent, EventKind
from models.catalog import Product, ProductStatus
from services.feed import training
from services.feed.registry import registry
from tests.factories import create_category, create_variant

# The periodic retraining subprocess never runs in tests (read when the app is created).
os.environ["SHOPGRAPH_RECOMMENDER_INTERVAL"] = "0"


@dataclass
class FeedWorld:
    """Products whose relations the synthetic events make unmistakable."""

    directory: Path
    version: str
    anchor: int  # viewed together with every partner by many shoppers
    partners: list[int]
    together: int  # bought in the same orders as the anchor
    cluster: list[int]  # products of one new category, all viewed together
    cluster_category: int
    popular: list[int]  # background products, by falling popularity


async def listed_demo_products() -> list[tuple[int, int | None]]:
    """Demo products a feed may show (active, in stock, for every age), with their category."""
    rows = (
        await Product.filter(
            status=ProductStatus.ACTIVE,
            price_min__isnull=False,
            variants__stock__gt=0,
            min_age_months__lte=36,
        )
        .exclude(slug__startswith="test-product")
        .distinct()
        .order_by("id")
        .values_list("id", "category_id")
    )
    return [(pid, category) for pid, category in rows if pid is not None]


def _event(
    who: str, product_id: int, kind: EventKind, at: datetime, **extra: object
) -> BehaviourEvent:
    return BehaviourEvent(
        anonymous_id=who, kind=kind, product_id=product_id, occurred_at=at, context={}, **extra
    )


async def build_events(rng: random.Random, world: FeedWorld) -> None:
    """Synthetic guests: a co-viewed anchor, one co-viewed category, co-purchases, popularity."""
    now = datetime.now(UTC)
    tag = uuid.uuid4().hex[:8]
    rows: list[BehaviourEvent] = []

    def at() -> datetime:
        return now - timedelta(hours=rng.uniform(2, 24 * 20))

    for n in range(40):
        who = f"feedsyn-{tag}-anchor-{n}"
        rows.append(_event(who, world.anchor, EventKind.VIEW, at()))
        for partner in rng.sample(world.partners, 3):
            rows.append(_event(who, partner, EventKind.VIEW, at()))
    for n in range(30):
        who = f"feedsyn-{tag}-cluster-{n}"
        for product in rng.sample(world.cluster, 5):
            rows.append(_event(who, product, EventKind.VIEW, at()))
    for n in range(12):
        who = f"feedsyn-{tag}-order-{n}"
        order_id = 900_000_000 + rng.randrange(10**8)
        for product in (world.anchor, world.together):
            rows.append(_event(who, product, EventKind.PURCHASE, at(), order_id=order_id))
    weights = [1.0 / (rank + 1) for rank in range(len(world.popular))]
    for n in range(80):
        who = f"feedsyn-{tag}-shopper-{n}"
        for product in set(rng.choices(world.popular, weights, k=4)):
            rows.append(_event(who, product, EventKind.VIEW, at()))
    await BehaviourEvent.bulk_create(rows, batch_size=500)


@pytest.fixture(scope="session")
async def feed_world(
    demo_store: dict[str, int], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FeedWorld]:
    rng = random.Random(11)
    listed = await listed_demo_products()
    by_category: dict[int | None, int] = {}
    for pid, category in listed:
        by_category.setdefault(category, pid)  # one product per category
    spread = list(by_category.values())
    anchor, *partners = spread[:6]
    together = spread[6]
    popular = [pid for pid, _ in listed if pid not in spread[:7]][:30]
    category = await create_category()
    cluster = []
    for _ in range(7):
        variant = await create_variant(stock=50)
        await Product.filter(id=variant.product_id).update(category_id=category.id)
        cluster.append(variant.product_id)
    world = FeedWorld(
        directory=tmp_path_factory.mktemp("feed-models"),
        version="",
        anchor=anchor,
        partners=partners,
        together=together,
        cluster=cluster,
        cluster_category=category.id,
        popular=popular,
    )
    await build_events(rng, world)
    report = await training.train(directory=world.directory)
    world.version = report.version
    registry.configure(directory=world.directory, check_interval=0)
    yield world
    registry.configure(directory=None)


@pytest.fixture
def fresh_registry(tmp_path: Path) -> Iterator[Path]:
    """The process registry pointed at an empty folder; back to the feed world's afterwards."""
    before = registry.directory
    registry.configure(directory=tmp_path, check_interval=0)
    yield tmp_path
    registry.configure(directory=before, check_interval=0)

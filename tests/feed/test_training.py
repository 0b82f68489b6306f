"""Training: opted-out shoppers are left out; artifacts are versioned; workers swap models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.analytics import BehaviourEvent, EventKind
from recommender import Config
from services.feed import rules, training
from services.feed.entries import FeedEntry, ReasonKind
from services.feed.registry import CURRENT, ModelRegistry, read_pointer, registry
from tests.factories import create_user, unique
from tests.feed.conftest import FeedWorld

FAST = Config(tune=False, factors=8, epochs=2)


def _names(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir()]


async def test_opted_out_shoppers_events_are_not_training_data(feed_world: FeedWorld) -> None:
    opted_out = await create_user(personalization=False)
    consenting = await create_user()
    guest_opted_out = unique("guest")
    at = datetime.now(UTC) - timedelta(hours=1)
    view = {"kind": EventKind.VIEW, "product_id": feed_world.anchor, "occurred_at": at}
    await BehaviourEvent.bulk_create(
        [
            # Recorded before the user turned personalization off: no marker, still excluded.
            BehaviourEvent(user_id=opted_out.id, **view),
            BehaviourEvent(user_id=consenting.id, **view),
            BehaviourEvent(
                anonymous_id=guest_opted_out, context={"personalization": "off"}, **view
            ),
        ]
    )

    interactions, _, excluded = await training.read_interactions()

    shoppers = set(interactions.users.tolist())
    assert f"u{consenting.id}" in shoppers
    assert f"u{opted_out.id}" not in shoppers
    assert f"a{guest_opted_out}" not in shoppers
    assert excluded >= 1


async def test_artifacts_are_versioned_and_the_registry_follows_current(
    feed_world: FeedWorld, fresh_registry: Path
) -> None:
    assert await registry.current() is None  # nothing trained here yet: SQL fallbacks serve

    first = await training.train(directory=fresh_registry, config=FAST)
    assert read_pointer(fresh_registry) == first.version
    for name in ("model.npz", "bought_together.npz", "meta.json"):
        assert (fresh_registry / first.version / name).is_file()
    served = await registry.current(wait=True)
    assert served is not None and served.version == first.version

    second = await training.train(directory=fresh_registry, config=FAST)
    assert second.version > first.version
    assert (fresh_registry / CURRENT).read_text().strip() == second.version
    assert (fresh_registry / first.version).is_dir()  # older versions stay for a roll-back
    old = await registry.current()
    assert old is not None and old.version == first.version  # the swap does not block a request
    swapped = await registry.current(wait=True)
    assert swapped is not None and swapped.version == second.version
    assert not [name for name in _names(fresh_registry) if name.startswith((".staging", ".cur"))]


async def test_workers_check_the_pointer_at_most_every_interval(
    feed_world: FeedWorld, tmp_path: Path
) -> None:
    worker = ModelRegistry(tmp_path, check_interval=3600)
    first = await training.train(directory=tmp_path, config=FAST)
    assert (await worker.current(wait=True)).version == first.version  # type: ignore[union-attr]
    await training.train(directory=tmp_path, config=FAST)
    assert (await worker.current(wait=True)).version == first.version  # type: ignore[union-attr]
    worker.check_interval = 0
    assert (await worker.current(wait=True)).version != first.version  # type: ignore[union-attr]


async def test_old_versions_are_pruned(feed_world: FeedWorld, tmp_path: Path) -> None:
    versions = [(await training.train(directory=tmp_path, config=FAST)).version for _ in range(5)]
    kept = sorted(name for name in _names(tmp_path) if name[0].isdigit())
    assert kept == versions[-training.KEEP_VERSIONS :]


async def test_a_second_training_on_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    with training.training_lock(tmp_path), pytest.raises(training.TrainingBusy):
        await training.train(directory=tmp_path, config=FAST)


def test_diversify_breaks_runs_of_one_category() -> None:
    categories = {1: 10, 2: 10, 3: 10, 4: 10, 5: 20, 6: 30}
    entries = [FeedEntry(pid, 1.0 - pid / 10, ReasonKind.POPULAR) for pid in categories]
    ranked = [e.product_id for e in rules.diversify(entries, categories.__getitem__)]
    assert ranked == [1, 2, 5, 3, 4, 6]
    only_one = [FeedEntry(pid, 1.0 - pid / 10, ReasonKind.POPULAR) for pid in (1, 2, 3)]
    assert [e.product_id for e in rules.diversify(only_one, categories.__getitem__)] == [1, 2, 3]


def test_products_without_a_category_count_as_one_group() -> None:
    categories: dict[int, int | None] = {1: None, 2: None, 3: None, 4: 7}
    entries = [FeedEntry(pid, 1.0 - pid / 10, ReasonKind.POPULAR) for pid in categories]
    ranked = [e.product_id for e in rules.diversify(entries, categories.__getitem__)]
    assert ranked == [1, 2, 4, 3]

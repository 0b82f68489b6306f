"""Catalog cache invalidation happens after commit and reaches every worker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiocache import Cache
from aiocache.serializers import PickleSerializer
from tortoise.transactions import in_transaction

from models.catalog import Product
from services import cache
from services.catalog import suggestions, versioning
from services.catalog.admin import products as admin
from services.transactions import after_commit, transaction
from tests.conftest import using_postgres
from tests.factories import create_product, unique

pytestmark = pytest.mark.usefixtures("app")


def _word() -> str:
    return unique("quorvex").replace("-", "")


async def _names(prefix: str) -> list[str]:
    return [s.text for s in await suggestions.suggest(prefix=prefix)]


def _memory_cache() -> Cache:
    return Cache(Cache.MEMORY, serializer=PickleSerializer(), namespace="shopgraph")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(versioning, "clock", fake)
    return fake


@pytest.fixture
def workers() -> Iterator[tuple[Cache, Cache]]:
    """Two workers' memory caches; `cache.configure(one)` makes the code run as that worker."""
    saved = cache.backend()
    pair = (_memory_cache(), _memory_cache())
    try:
        yield pair
    finally:
        cache.configure(saved)


async def test_a_write_is_visible_to_the_next_read() -> None:
    word = _word()
    product = await create_product(name=f"{word} Rocket")
    assert await _names(word) == [f"{word} Rocket"]

    await admin.update_product(product_id=product.id, changes={"name": f"{word} Comet"})

    assert await _names(word) == [f"{word} Comet"]


async def test_each_worker_sees_a_write_within_the_interval(
    workers: tuple[Cache, Cache], clock: FakeClock
) -> None:
    word = _word()
    product = await create_product(name=f"{word} Rocket")
    one, two = workers
    for worker in workers:  # both have the old answer cached
        cache.configure(worker)
        assert await _names(word) == [f"{word} Rocket"]

    # When worker one writes
    cache.configure(one)
    await admin.update_product(product_id=product.id, changes={"name": f"{word} Comet"})

    # Then worker one sees it at once; worker two, with its own memory cache, still answers
    # from it until its interval is up, and then sees the write
    assert await _names(word) == [f"{word} Comet"]
    cache.configure(two)
    assert await _names(word) == [f"{word} Rocket"]
    clock.now += versioning.CHECK_INTERVAL_SECONDS
    assert await _names(word) == [f"{word} Comet"]


async def test_a_rolled_back_write_runs_no_after_commit_step() -> None:
    ran: list[str] = []

    async def note() -> None:
        ran.append("ran")

    with pytest.raises(RuntimeError):
        async with transaction():
            await after_commit(note)
            raise RuntimeError("write failed")
    assert ran == []
    async with transaction():
        async with transaction():
            await after_commit(note)
        assert ran == []  # the inner block is not the commit
    assert ran == ["ran"]


async def test_after_commit_refuses_a_bare_transaction() -> None:
    async def note() -> None:
        return None

    with pytest.raises(RuntimeError, match="transaction"):
        async with in_transaction():
            await after_commit(note)


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: a reader on another connection mid-write"
)
async def test_a_read_racing_a_write_cannot_cache_old_data_under_the_new_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    word = _word()
    product = await create_product(name=f"{word} Rocket")
    in_write = asyncio.Event()
    read_done = asyncio.Event()
    seen: list[list[str]] = []

    async def reader() -> None:
        # Started before the write, so it reads on its own connection, not the write's.
        await in_write.wait()
        seen.append(await _names(word))
        read_done.set()

    racing = asyncio.create_task(reader())
    real_bump = versioning.bump

    async def bump_then_let_a_read_in() -> None:
        await real_bump()
        in_write.set()
        await read_done.wait()  # the write has not committed yet

    monkeypatch.setattr(versioning, "bump", bump_then_let_a_read_in)
    await admin.update_product(product_id=product.id, changes={"name": f"{word} Comet"})
    await racing

    assert seen == [[f"{word} Rocket"]]  # the racing read saw the data before commit
    assert (await Product.get(id=product.id)).name == f"{word} Comet"
    assert await _names(word) == [f"{word} Comet"]

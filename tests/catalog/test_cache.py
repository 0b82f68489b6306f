"""Cached catalog reads: served from the cache, dropped on catalog writes, and never a
dependency (the API keeps answering when the cache backend is down)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiocache import Cache

from models.catalog import Product, ProductStatus
from services import cache
from services.catalog import suggestions
from services.catalog.denormalize import refresh_products
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("app")


async def test_suggestions_are_cached_until_the_catalog_changes() -> None:
    word = unique("zorbulon").replace("-", "")
    assert await suggestions.suggest(prefix=word) == []

    product = await Product.create(
        slug=unique("zorb"), name=f"{word.title()} Rocket", status=ProductStatus.ACTIVE
    )
    # Written behind the services' back: the cached (empty) answer still stands.
    assert await suggestions.suggest(prefix=word) == []

    await refresh_products(product_ids=[product.id])
    found = await suggestions.suggest(prefix=word)
    assert [s.text for s in found] == [product.name]


@pytest.fixture
def broken_cache() -> Iterator[None]:
    saved = cache.backend()
    # Nothing listens on port 1: every cache call fails at once.
    cache.configure(Cache(Cache.REDIS, endpoint="127.0.0.1", port=1, timeout=1))
    try:
        yield
    finally:
        cache.configure(saved)


@pytest.mark.usefixtures("broken_cache", "demo_store")
async def test_api_answers_when_the_cache_is_down(gql: Any) -> None:
    body = await gql('{ searchSuggestions(prefix: "tech", first: 3) { text } }')
    assert "errors" not in body, body
    assert body["data"]["searchSuggestions"]

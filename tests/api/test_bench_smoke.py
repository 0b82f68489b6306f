"""The HTTP benchmark's floors answer each page with the rows and JSON shape GraphQL gives.

No timings: a floor that read other rows, fewer relations or another order would make the
benchmark's ratios meaningless, so each is compared with the GraphQL response here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.settings import Settings
from benchmarks.http import floors
from benchmarks.http.pages import pages
from models.catalog import Product, ProductStatus
from services.feed.registry import registry


@pytest.fixture
async def floor(database: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = floors.create_app(database.database_url)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://floor") as http:
            yield http


async def _pair(
    client: httpx.AsyncClient, floor: httpx.AsyncClient, slug: str, name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    page = next(p for p in pages(slug) if p.name.startswith(name))
    shopgraph = (await client.post("/graphql", json=page.body())).json()
    assert "errors" not in shopgraph, shopgraph
    bare = (await floor.post(page.floor_path, json=page.body())).json()
    return shopgraph["data"], bare["data"]


async def _slug() -> str:
    product = await Product.filter(
        status=ProductStatus.ACTIVE, certifications__id__gt=0, category__parent_id__isnull=False
    ).first()
    assert product is not None
    return product.slug


async def test_typename_floor_is_the_same_body(
    demo_store: dict[str, int], client: httpx.AsyncClient, floor: httpx.AsyncClient
) -> None:
    shopgraph, bare = await _pair(client, floor, "-", "{ __typename }")
    assert bare == shopgraph == {"__typename": "Query"}


async def test_list_page_floor_reads_the_same_products(
    demo_store: dict[str, int], client: httpx.AsyncClient, floor: httpx.AsyncClient
) -> None:
    shopgraph, bare = await _pair(client, floor, "-", "list page")
    nodes = [edge["node"] for edge in shopgraph["products"]["edges"]]
    floor_nodes = [edge["node"] for edge in bare["products"]["edges"]]
    assert len(nodes) == 20
    assert [n["name"] for n in floor_nodes] == [n["name"] for n in nodes]
    skus = [[v["sku"] for v in n["variants"]] for n in nodes]
    assert [[v["sku"] for v in n["variants"]] for n in floor_nodes] == skus
    assert bare == shopgraph


async def test_product_page_floor_reads_the_same_product(
    demo_store: dict[str, int], client: httpx.AsyncClient, floor: httpx.AsyncClient
) -> None:
    shopgraph, bare = await _pair(client, floor, await _slug(), "product page")
    assert shopgraph["product"]["certifications"]
    assert shopgraph["product"]["category"]["ancestors"]
    assert [v["sku"] for v in bare["product"]["variants"]] == [
        v["sku"] for v in shopgraph["product"]["variants"]
    ]
    assert bare == shopgraph


async def test_search_page_floor_finds_the_same_products_in_the_same_order(
    demo_store: dict[str, int], client: httpx.AsyncClient, floor: httpx.AsyncClient
) -> None:
    shopgraph, bare = await _pair(client, floor, "-", "search page")
    names = [edge["node"]["name"] for edge in shopgraph["products"]["edges"]]
    assert names
    assert any("Technic" in name for name in names)
    assert [edge["node"]["name"] for edge in bare["products"]["edges"]] == names
    assert bare == shopgraph


async def test_feed_floor_serves_the_same_best_sellers(
    demo_store: dict[str, int], client: httpx.AsyncClient, floor: httpx.AsyncClient
) -> None:
    if await registry.current() is not None:
        pytest.skip("a trained feed model is served; the floor reads the no-model best sellers")
    shopgraph, bare = await _pair(client, floor, "-", "feed")
    slugs = [edge["node"]["product"]["slug"] for edge in shopgraph["feed"]["edges"]]
    assert len(slugs) == 20
    assert [edge["node"]["product"]["slug"] for edge in bare["feed"]["edges"]] == slugs
    assert bare == shopgraph

"""Operation cost: computed before execution, refused over the limit, reported on every response."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from graphql import parse, validate

from api.app import create_app
from api.settings import Settings
from schema import build_schema
from schema.cost import DEFAULT_MAX_COST, operation_cost

pytestmark = pytest.mark.usefixtures("demo_store")

# The shape of the reported attack: every alias builds 100 x 100 product nodes.
ALIAS = (
    "a{i}: products(first: 100) {{ edges {{ node {{ name "
    "category {{ products(first: 100) {{ edges {{ node {{ name }} }} }} }} }} }} }}"
)
ATTACK = "{ " + " ".join(ALIAS.format(i=i) for i in range(30)) + " }"
# inner connection 2 + 100 x 1; category 1 + 102; outer node 1 + 103; outer 2 + 100 x 104
ATTACK_ALIAS_COST = 2 + 100 * (1 + (1 + (2 + 100 * 1)))
ATTACK_COST = 30 * ATTACK_ALIAS_COST

SMALL_PAGE = """
{ products(first: 3, sort: NAME) { totalCount pageInfo { hasNextPage }
    edges { cursor node { name brand { name } variants { sku price { amount } } } } } }
"""
# connection 2 + 3 x (node 1 + brand 1 + variants 1 + price 1); scalars, pageInfo, totalCount free
SMALL_PAGE_COST = 2 + 3 * (1 + 1 + 1 + 1)

FRAGMENTS = """
query Cards($n: Int!) {
  products(first: $n, sort: NAME) { edges { node { ...Card } } }
  brands { edges { node { name } } }
}
fragment Card on Product { name brand { ...BrandName } ... on Product { category { name } } }
fragment BrandName on Brand { name }
"""
# products: 2 + n x (node 1 + brand 1 + category 1); brands: `first` defaults to 100
FRAGMENTS_COST = (2 + 4 * 3) + (2 + 100 * 1)

FULL_PAGE = """
query Page($first: Int!) {
  products(first: $first, sort: NAME) { totalCount edges { node {
    id name brand { name }
    category { name parent { name } ancestors { name } children { name } }
    tags { name } variants { sku price { amount } stock product { id } }
    images { url } certifications { scheme } inStock
  } } }
}
"""
STAFF_ORDERS_PAGE = """
{ orders(first: 100) { totalCount edges { node {
    number status email placedAt paidAt
    shippingAddress { fullName line1 city postalCode country } delivery { method }
    totals { subtotal { amount } discounts { code amount { amount } }
             discountTotal { amount } shipping { amount } pointsDiscount { amount }
             total { amount } refundedTotal { amount } }
    lines { productName sku quantity unitPrice { amount } discount { amount } total { amount }
            variant { sku product { name } } }
    payments { status amount { amount } } events { kind message }
} } } }
"""
FEED_PAGE = """
{ feed(section: TRENDING, first: 100) { totalCount edges { node { score
    product { name brand { name } category { name } priceRange { start { amount currency } }
              images { url } }
    reason { kind text sourceProduct { name } } } } } }
"""
CART = """
{ cart { token itemCount lines { quantity productName unitPrice { amount } listPrice { amount }
    subtotal { amount } discount { amount } total { amount } priceNotes
    variant { sku product { name images { url } } } }
  totals { total { amount currency } } problems { code message } deliveryOptions { method } } }
"""


def _cost(document: str, variables: dict[str, Any] | None = None) -> int | None:
    schema = build_schema()._schema
    parsed = parse(document)
    assert validate(schema, parsed) == [], document
    return operation_cost(schema, parsed, None, variables)


async def test_the_alias_attack_is_refused_with_its_cost_before_any_sql(
    gql: Any, count_queries: Any
) -> None:
    with count_queries() as counter:
        body = await gql(ATTACK)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": ATTACK_COST,
        "maxCost": DEFAULT_MAX_COST,
    }
    assert f"costs {ATTACK_COST}" in error["message"]
    assert str(DEFAULT_MAX_COST) in error["message"]
    # Nothing was resolved: no SQL at all (so the event loop, and /healthz, stay free).
    assert counter.statements == []
    assert body["extensions"]["cost"]["requestedQueryCost"] == ATTACK_COST


async def test_the_same_shape_under_a_higher_limit_does_run(
    database: Settings, count_queries: Any
) -> None:
    """The refusal above is the limit's doing: allowed, one alias of it reaches the database."""
    one_alias = "{ " + ALIAS.format(i=0) + " }"
    settings = replace(database, max_query_cost=ATTACK_ALIAS_COST)
    application = create_app(settings, manage_database=False)
    async with LifespanManager(application, startup_timeout=30, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            with count_queries() as counter:
                response = await http.post("/graphql", json={"query": one_alias})
    body = response.json()
    assert "errors" not in body, body
    assert body["data"]["a0"]["edges"]
    assert counter.statements
    assert body["extensions"]["cost"]["requestedQueryCost"] == ATTACK_ALIAS_COST


async def test_a_page_reports_exactly_its_cost(gql: Any) -> None:
    body = await gql(SMALL_PAGE)
    assert "errors" not in body, body
    assert len(body["data"]["products"]["edges"]) == 3
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == SMALL_PAGE_COST
    assert cost["maxCost"] == DEFAULT_MAX_COST
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] == 10**9
    assert status["restoreRate"] == 10.0**9
    assert status["currentlyAvailable"] <= 10**9 - SMALL_PAGE_COST


async def test_fragments_variables_and_defaults_count(gql: Any) -> None:
    body = await gql(FRAGMENTS, {"n": 4})
    assert "errors" not in body, body
    assert len(body["data"]["products"]["edges"]) == 4
    assert body["extensions"]["cost"]["requestedQueryCost"] == FRAGMENTS_COST
    assert _cost(FRAGMENTS, {"n": 40}) == (2 + 40 * 3) + (2 + 100 * 1)


async def test_every_real_page_passes_the_default_limit(gql: Any) -> None:
    body = await gql(FULL_PAGE, {"first": 100})
    assert "errors" not in body, body
    # connection 2 + 100 x (node, brand, category, parent, ancestors, children, tags,
    # variants, price, product, images, certifications)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 + 100 * 12
    for page in (STAFF_ORDERS_PAGE, FEED_PAGE, CART):
        cost = _cost(page)
        assert cost is not None
        assert 0 < cost <= DEFAULT_MAX_COST, (page, cost)


def test_nodes_and_compare_multiply_by_their_ids_and_mutations_cost_ten() -> None:
    ids = ["UHJvZHVjdDox", "UHJvZHVjdDoy", "UHJvZHVjdDoz"]
    # nodes: 3 x (node 1 + Product's brand 1), the costliest possible type of the interface
    nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Product { brand { name } } } }"
    assert _cost(nodes, {"ids": ids}) == 3 * (1 + 1)
    assert _cost('{ compareProducts(ids: ["a", "b"]) { products { name } } }') == 2 * (1 + 1)
    assert _cost('{ searchSuggestions(prefix: "di", first: 5) { text } }') == 5 * 1
    # search adds 10 to the connection's 2
    assert _cost('{ products(first: 1, search: "lego") { edges { node { name } } } }') == 12 + 1
    assert _cost("mutation { cartCreate { cart { token } } }") == 10 + 1 + 1


async def test_bad_variables_are_reported_as_such_not_priced(gql: Any) -> None:
    body = await gql(FRAGMENTS, {"n": "many"})
    assert body["data"] is None
    assert "$n" in body["errors"][0]["message"]
    assert "cost" not in body.get("extensions", {})

"""products(...) as a storefront calls it: pages, filters, sorts, search and errors."""

from decimal import Decimal
from typing import Any

import pytest

from models.catalog import Category, Product, ProductStatus, Variant

PRODUCTS_PAGE = """
query Products($first: Int, $after: String, $search: String, $filter: ProductFilter,
               $sort: ProductSort) {
  products(first: $first, after: $after, search: $search, filter: $filter, sort: $sort) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id slug name status
        priceRange { start { amount currency } stop { amount } }
        ageRange { minMonths maxMonths label }
        brand { id name slug }
        category { id name slug ancestors { name } }
        tags { slug name }
        variants { id sku price { amount currency } stock inStock options { name value } }
        images { url altText }
        certifications { scheme certificateNumber }
        inStock
      }
    }
  }
}
"""

pytestmark = pytest.mark.usefixtures("demo_store")


def _nodes(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["products"]["edges"]]


async def test_first_page_has_requested_size_and_total(gql: Any) -> None:
    body = await gql(PRODUCTS_PAGE, {"first": 10})
    nodes = _nodes(body)
    active = await Product.filter(status=ProductStatus.ACTIVE, price_min__isnull=False).count()
    assert len(nodes) == 10
    assert body["data"]["products"]["totalCount"] == active
    assert body["data"]["products"]["pageInfo"]["hasNextPage"] is True
    assert all(node["status"] == "ACTIVE" for node in nodes)
    assert all(node["variants"] for node in nodes)


async def test_pages_chain_without_overlap(gql: Any) -> None:
    first = await gql(PRODUCTS_PAGE, {"first": 7, "sort": "NAME"})
    after = first["data"]["products"]["pageInfo"]["endCursor"]
    second = await gql(PRODUCTS_PAGE, {"first": 7, "after": after, "sort": "NAME"})
    both = await gql(PRODUCTS_PAGE, {"first": 14, "sort": "NAME"})
    ids = [n["id"] for n in _nodes(first)] + [n["id"] for n in _nodes(second)]
    assert ids == [n["id"] for n in _nodes(both)]
    assert second["data"]["products"]["pageInfo"]["hasPreviousPage"] is True


async def test_price_sorts_are_monotonic(gql: Any) -> None:
    up = [
        Decimal(n["priceRange"]["start"]["amount"])
        for n in _nodes(await gql(PRODUCTS_PAGE, {"first": 30, "sort": "PRICE_ASC"}))
    ]
    down = [
        Decimal(n["priceRange"]["stop"]["amount"])
        for n in _nodes(await gql(PRODUCTS_PAGE, {"first": 30, "sort": "PRICE_DESC"}))
    ]
    assert up == sorted(up)
    assert down == sorted(down, reverse=True)
    assert up[0] < down[0]


async def test_category_filter_includes_descendants(gql: Any) -> None:
    root = await Category.get_or_none(slug="building-construction")
    assert root is not None
    descendants = await Category.filter(path__startswith=root.path).values_list("id", flat=True)
    expected = await Product.filter(
        status=ProductStatus.ACTIVE, category_id__in=list(descendants)
    ).count()
    assert expected > 0
    body = await gql(PRODUCTS_PAGE, {"first": 100, "filter": {"categorySlugs": [root.slug]}})
    assert body["data"]["products"]["totalCount"] == expected
    for node in _nodes(body):
        trail = [a["name"] for a in node["category"]["ancestors"]] + [node["category"]["name"]]
        assert root.name in trail


async def test_age_price_and_stock_filters_hold(gql: Any) -> None:
    body = await gql(
        PRODUCTS_PAGE,
        {
            "first": 100,
            "filter": {"ageMonths": 36, "price": {"gte": "10", "lte": "40"}, "inStock": True},
        },
    )
    nodes = _nodes(body)
    assert nodes, "the demo store should have in-stock toys for 3-year-olds at 10-40"
    for node in nodes:
        low, high = node["ageRange"]["minMonths"], node["ageRange"]["maxMonths"]
        assert (low is None or low <= 36) and (high is None or high >= 36)
        assert Decimal(node["priceRange"]["stop"]["amount"]) >= 10
        assert Decimal(node["priceRange"]["start"]["amount"]) <= 40
        assert node["inStock"] is True
        assert any(v["stock"] > 0 for v in node["variants"])


async def test_out_of_stock_filter_is_the_complement(gql: Any) -> None:
    everything = await gql(PRODUCTS_PAGE, {"first": 1})
    stocked = await gql(PRODUCTS_PAGE, {"first": 1, "filter": {"inStock": True}})
    empty = await gql(PRODUCTS_PAGE, {"first": 100, "filter": {"inStock": False}})
    total = everything["data"]["products"]["totalCount"]
    assert (
        stocked["data"]["products"]["totalCount"] + empty["data"]["products"]["totalCount"] == total
    )
    assert all(not node["inStock"] for node in _nodes(empty))


async def test_tag_brand_and_certification_filters(gql: Any) -> None:
    # Other tests add bare products that list first: page until a demo product qualifies.
    tagged, after = None, None
    while tagged is None:
        page = await gql(PRODUCTS_PAGE, {"first": 100, "after": after, "sort": "NAME"})
        sample = _nodes(page)
        tagged = next((n for n in sample if n["tags"] and n["brand"] and n["certifications"]), None)
        info = page["data"]["products"]["pageInfo"]
        assert tagged is not None or info["hasNextPage"], "no product has tags, brand, certificate"
        after = info["endCursor"]
    tag = tagged["tags"][0]["slug"]
    brand = tagged["brand"]["slug"]
    scheme = tagged["certifications"][0]["scheme"]
    body = await gql(
        PRODUCTS_PAGE,
        {"first": 100, "filter": {"tags": [tag], "brands": [brand], "certifications": [scheme]}},
    )
    nodes = _nodes(body)
    assert tagged["id"] in [n["id"] for n in nodes]
    for node in nodes:
        assert tag in [t["slug"] for t in node["tags"]]
        assert node["brand"]["slug"] == brand
        assert scheme in [c["scheme"] for c in node["certifications"]]


async def test_drafts_are_never_listed(gql: Any) -> None:
    draft = await Product.filter(status=ProductStatus.DRAFT).first()
    assert draft is not None, "the demo store keeps some drafts"
    body = await gql(PRODUCTS_PAGE, {"first": 100, "search": draft.name})
    assert draft.slug not in [n["slug"] for n in _nodes(body)]


async def test_first_over_100_is_a_clear_error(gql: Any) -> None:
    body = await gql(PRODUCTS_PAGE, {"first": 101})
    assert body["data"] is None
    message = body["errors"][0]["message"]
    assert "101" in message and "100" in message
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("cursor", ["not-a-cursor", "b2Zmc2V0Oi0x", "UHJvZHVjdDox"])
async def test_invalid_cursor_is_a_clear_error(gql: Any, cursor: str) -> None:
    body = await gql(PRODUCTS_PAGE, {"first": 5, "after": cursor})
    assert body["data"] is None
    assert "Invalid cursor" in body["errors"][0]["message"]


async def test_variant_stock_change_shows_in_listing(gql: Any) -> None:
    product = await Product.filter(status=ProductStatus.ACTIVE).order_by("id").first()
    assert product is not None
    variants = await Variant.filter(product_id=product.id)
    saved = {v.id: v.stock for v in variants}
    try:
        await Variant.filter(product_id=product.id).update(stock=0)
        body = await gql(
            PRODUCTS_PAGE, {"first": 100, "search": product.name, "filter": {"inStock": True}}
        )
        assert product.slug not in [n["slug"] for n in _nodes(body)]
    finally:
        for variant_id, stock in saved.items():
            await Variant.filter(id=variant_id).update(stock=stock)

"""A page of products costs a fixed number of SQL queries, whatever its size (no N+1)."""

from typing import Any

import pytest
from strawberry.relay import to_base64
from tortoise.expressions import Subquery

from models.catalog import Category, Certification, Product, ProductImage, ProductStatus, Variant
from resolvers.pagination import encode_cursor

PAGE = """
query Page($first: Int!) {
  products(first: $first, sort: NAME) {
    totalCount
    edges { node {
      id name
      brand { name }
      category { name parent { name } ancestors { name } children { name } }
      tags { name }
      variants { sku price { amount } stock product { id } }
      images { url }
      certifications { scheme }
      inStock
    } }
  }
}
"""

pytestmark = pytest.mark.usefixtures("demo_store")


async def _cost(gql: Any, count_queries: Any, first: int) -> int:
    with count_queries() as counter:
        body = await gql(PAGE, {"first": first})
    assert "errors" not in body, body
    assert len(body["data"]["products"]["edges"]) == first
    return len(counter.statements)


async def test_page_cost_does_not_grow_with_page_size(gql: Any, count_queries: Any) -> None:
    # The category tree is read once per catalog version; this read makes it warm.
    assert "errors" not in await gql(PAGE, {"first": 1})
    small = await _cost(gql, count_queries, 10)
    large = await _cost(gql, count_queries, 50)
    assert small == large, f"first:10 cost {small} queries, first:50 cost {large}"
    # list + count + brand, tags, variants, images, certifications: each relation is one
    # batched query; category, parent, ancestors and children come from the category tree
    # held per catalog version.
    assert large <= 7, f"a page costs {large} queries"


async def test_total_count_is_counted_only_when_selected(gql: Any, count_queries: Any) -> None:
    uncounted = PAGE.replace("    totalCount\n", "", 1)
    assert "totalCount" not in uncounted
    with count_queries() as counter:
        body = await gql(uncounted, {"first": 7})
    assert "errors" not in body, body
    assert "totalCount" not in body["data"]["products"]
    assert len(body["data"]["products"]["edges"]) == 7
    without = len(counter.statements)
    assert not any("COUNT(" in statement.upper() for statement in counter.statements)
    with_count = await _cost(gql, count_queries, 7)
    assert without == with_count - 1, f"without totalCount {without}, with it {with_count}"


async def test_total_count_of_plain_lists_is_counted_only_when_selected(
    gql: Any, count_queries: Any
) -> None:
    counted = "{ tags(first: 5) { totalCount edges { node { name } } } }"
    uncounted = "{ tags(first: 5) { edges { node { name } } } }"
    with count_queries() as counter:
        body = await gql(counted, {})
    assert body["data"]["tags"]["totalCount"] > 5
    with_count = len(counter.statements)
    with count_queries() as counter:
        body = await gql(uncounted, {})
    assert len(body["data"]["tags"]["edges"]) == 5
    assert len(counter.statements) == with_count - 1


CATEGORY_TREE = """
query Tree($first: Int!, $after: String, $products: Int!) {
  categories(first: $first, after: $after) {
    totalCount
    edges { node {
      name
      children { name children { name } }
      products(first: $products) {
        totalCount
        edges { node { name brand { name } variants { sku } } }
      }
    } }
  }
}
"""
TAGS_AND_BRANDS = """
query Lists($first: Int!) {
  tags(first: $first) { totalCount edges { node { id slug name } } }
  brands(first: $first) { totalCount edges { node { id slug name } } }
}
"""
COMPARE = """
query Compare($ids: [ID!]!) {
  compareProducts(ids: $ids) {
    products {
      name brand { name } category { name } tags { name } variants { sku }
      images { url } certifications { scheme } inStock
    }
    rows { key values differs }
  }
}
"""
NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    id
    ... on Product { name brand { name } variants { sku } }
    ... on Variant { sku product { name category { name } } }
    ... on ProductImage { url }
    ... on Certification { scheme }
    ... on Category { name products(first: 5) { edges { node { name } } } }
  }
}
"""


async def _queries(gql: Any, count_queries: Any, query: str, variables: dict[str, Any]) -> int:
    with count_queries() as counter:
        body = await gql(query, variables)
    assert "errors" not in body, body
    return len(counter.statements)


async def _demo_root_window() -> tuple[str | None, list[Category]]:
    """The cursor before the demo store's root categories (other tests add roots of their
    own, which sort first) and those roots, every one with children and products."""
    roots = await Category.filter(parent_id__isnull=True).order_by("position", "name")
    start = next(index for index, root in enumerate(roots) if root.position >= 1)
    window = roots[start:]
    assert len(window) >= 8, "the demo store has at least 9 root categories"
    return (encode_cursor(start - 1) if start else None), window


async def test_category_tree_with_products_costs_the_same_for_2_or_8_categories(
    gql: Any, count_queries: Any
) -> None:
    after, roots = await _demo_root_window()
    costs = {}
    for first, products in ((2, 2), (8, 10)):
        variables = {"first": first, "after": after, "products": products}
        body = await gql(CATEGORY_TREE, variables)
        edges = body["data"]["categories"]["edges"]
        assert [edge["node"]["name"] for edge in edges] == [root.name for root in roots[:first]]
        assert all(edge["node"]["children"] for edge in edges)
        for edge in edges:
            page = edge["node"]["products"]
            assert page["totalCount"] > 0
            assert len(page["edges"]) == min(products, page["totalCount"])
        costs[first] = await _queries(gql, count_queries, CATEGORY_TREE, variables)
    assert costs[2] == costs[8], f"2 categories cost {costs[2]} queries, 8 cost {costs[8]}"
    # roots + count, products of all categories (ranked ids, rows), brands, variants;
    # children and grandchildren come from the category tree held per catalog version.
    assert costs[8] <= 6, f"a category tree costs {costs[8]} queries"


async def test_tags_and_brands_cost_the_same_for_any_page_size(
    gql: Any, count_queries: Any
) -> None:
    small = await _queries(gql, count_queries, TAGS_AND_BRANDS, {"first": 2})
    large = await _queries(gql, count_queries, TAGS_AND_BRANDS, {"first": 100})
    assert small == large == 4, (small, large)


async def _listed_products(n: int) -> list[Product]:
    return list(
        await Product.filter(status=ProductStatus.ACTIVE, price_min__isnull=False)
        .filter(id__in=Subquery(Certification.all().values("product_id")))
        .filter(id__in=Subquery(ProductImage.all().values("product_id")))
        .order_by("id")
        .limit(n)
    )


async def test_compare_costs_the_same_for_2_or_4_products(gql: Any, count_queries: Any) -> None:
    products = await _listed_products(4)
    costs = {}
    for n in (2, 4):
        ids = [to_base64("Product", p.id) for p in products[:n]]
        body = await gql(COMPARE, {"ids": ids})
        assert [p["name"] for p in body["data"]["compareProducts"]["products"]] == [
            p.name for p in products[:n]
        ]
        costs[n] = await _queries(gql, count_queries, COMPARE, {"ids": ids})
    assert costs[2] == costs[4], f"2 products cost {costs[2]} queries, 4 cost {costs[4]}"


async def test_nodes_cost_the_same_for_1_or_5_of_each_type(gql: Any, count_queries: Any) -> None:
    products = await _listed_products(5)
    costs = {}
    for n in (1, 5):
        chosen = products[:n]
        pids = [p.id for p in chosen]
        variants = [await Variant.filter(product_id=pid).first() for pid in pids]
        images = [await ProductImage.filter(product_id=pid).first() for pid in pids]
        certificates = [await Certification.filter(product_id=pid).first() for pid in pids]
        categories = [p.category_id for p in chosen]
        ids = [to_base64("Product", pid) for pid in pids]
        ids += [to_base64("Variant", v.id) for v in variants if v is not None]
        ids += [to_base64("ProductImage", i.id) for i in images if i is not None]
        ids += [to_base64("Certification", c.id) for c in certificates if c is not None]
        ids += [to_base64("Category", cid) for cid in categories if cid is not None]
        assert len(ids) == 5 * n
        body = await gql(NODES, {"ids": ids})
        assert [node["id"] for node in body["data"]["nodes"]] == ids
        costs[n] = await _queries(gql, count_queries, NODES, {"ids": ids})
    assert costs[1] == costs[5], f"1 of each cost {costs[1]} queries, 5 of each {costs[5]}"

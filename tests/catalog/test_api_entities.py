"""product, category, tags, brands, node/nodes and compareProducts."""

from typing import Any

import pytest
from strawberry.relay import to_base64

from models.catalog import Category, Product, ProductStatus

PRODUCT = """
query One($slug: String, $id: ID) {
  product(slug: $slug, id: $id) { id slug name description inStock
    battery { required batteryType included } materials rating { average count } }
}
"""
CATEGORY_TREE = """
query Tree($slug: String!) {
  category(slug: $slug) {
    id name depth
    parent { name }
    ancestors { name depth }
    children { name depth }
    products(first: 5) { totalCount edges { node { name } } }
  }
}
"""
NODE = """
query Node($id: ID!) {
  node(id: $id) { id __typename ... on Product { name } ... on Category { name } }
}
"""
NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }"
COMPARE = """
query Compare($ids: [ID!]!) {
  compareProducts(ids: $ids) { products { name } rows { key label values differs } }
}
"""

pytestmark = pytest.mark.usefixtures("demo_store")


async def _active(n: int) -> list[Product]:
    return (
        await Product.filter(status=ProductStatus.ACTIVE, price_min__isnull=False)
        .order_by("id")
        .limit(n)
    )


async def test_product_by_slug_and_by_id_agree(gql: Any) -> None:
    (product,) = await _active(1)
    by_slug = await gql(PRODUCT, {"slug": product.slug})
    gid = by_slug["data"]["product"]["id"]
    by_id = await gql(PRODUCT, {"id": gid})
    assert by_slug["data"]["product"] == by_id["data"]["product"]
    assert by_slug["data"]["product"]["name"] == product.name


async def test_unknown_slug_is_null_without_error(gql: Any) -> None:
    body = await gql(PRODUCT, {"slug": "no-such-product"})
    assert body["data"] == {"product": None}
    assert "errors" not in body


async def test_draft_product_is_hidden_everywhere(gql: Any) -> None:
    draft = await Product.filter(status=ProductStatus.DRAFT).first()
    assert draft is not None
    assert (await gql(PRODUCT, {"slug": draft.slug}))["data"]["product"] is None
    node = await gql(NODE, {"id": to_base64("Product", draft.id)})
    assert node["data"]["node"] is None


async def test_category_tree_reads_ancestors_children_and_products(gql: Any) -> None:
    deep = await Category.filter(depth=2).order_by("id").first()
    assert deep is not None, "the demo tree is at least three levels deep"
    body = await gql(CATEGORY_TREE, {"slug": deep.slug})
    category = body["data"]["category"]
    assert [a["depth"] for a in category["ancestors"]] == [0, 1]
    assert category["parent"]["name"] == category["ancestors"][-1]["name"]
    parent = await Category.get(id=deep.parent_id)
    siblings = await gql(CATEGORY_TREE, {"slug": parent.slug})
    assert deep.name in [c["name"] for c in siblings["data"]["category"]["children"]]
    assert (
        siblings["data"]["category"]["products"]["totalCount"]
        >= (category["products"]["totalCount"])
    )


async def test_node_resolves_every_entity_type(gql: Any) -> None:
    query = """{ products(first: 1, search: "technic") { edges { node {
        id brand { id } category { id } tags { id } variants { id } images { id }
        certifications { id } } } } }"""
    node = (await gql(query))["data"]["products"]["edges"][0]["node"]
    ids = [
        node["id"],
        node["brand"]["id"],
        node["category"]["id"],
        node["variants"][0]["id"],
        node["images"][0]["id"],
    ]
    ids += [t["id"] for t in node["tags"][:1]] + [c["id"] for c in node["certifications"][:1]]
    body = await gql(NODES, {"ids": ids})
    assert "errors" not in body, body
    assert [n["id"] for n in body["data"]["nodes"]] == ids


async def test_node_with_unknown_id_is_null(gql: Any) -> None:
    body = await gql(NODE, {"id": to_base64("Product", 999_999_999)})
    assert body["data"]["node"] is None


async def test_tags_and_brands_are_connections(gql: Any) -> None:
    body = await gql(
        "{ tags(first: 3) { totalCount edges { node { slug } } } "
        "brands(first: 2) { totalCount pageInfo { hasNextPage } } }"
    )
    assert len(body["data"]["tags"]["edges"]) == 3
    assert body["data"]["tags"]["totalCount"] > 3
    assert body["data"]["brands"]["pageInfo"]["hasNextPage"] is True


async def test_compare_aligns_attributes(gql: Any) -> None:
    products = await _active(3)
    ids = [to_base64("Product", p.id) for p in products]
    body = await gql(COMPARE, {"ids": ids})
    assert "errors" not in body, body
    result = body["data"]["compareProducts"]
    assert [p["name"] for p in result["products"]] == [p.name for p in products]
    keys = [row["key"] for row in result["rows"]]
    assert {"price", "age", "certifications", "materials", "batteries"} <= set(keys)
    for row in result["rows"]:
        assert len(row["values"]) == 3
        assert row["differs"] == (len(set(row["values"])) > 1)


@pytest.mark.parametrize("count", [1, 5])
async def test_compare_rejects_wrong_counts(gql: Any, count: int) -> None:
    products = await _active(count)
    body = await gql(COMPARE, {"ids": [to_base64("Product", p.id) for p in products]})
    assert body["data"] is None
    assert "between 2 and 4" in body["errors"][0]["message"]

"""A page of products costs a fixed number of SQL queries, whatever its size (no N+1)."""

from typing import Any

import pytest

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
    small = await _cost(gql, count_queries, 10)
    large = await _cost(gql, count_queries, 50)
    assert small == large, f"first:10 cost {small} queries, first:50 cost {large}"
    # list + count + brand, category, parents/ancestors, children, tags, variants, images,
    # certifications: each relation is one batched query.
    assert large <= 12, f"a page costs {large} queries"

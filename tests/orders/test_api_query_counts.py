"""SQL query counts of order reads: they must not grow with page size or cart lines."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import Permission
from tests.factories import auth_headers, create_order, create_user, create_variant

STAFF_ORDERS = """
query Staff($first: Int!, $filter: OrderFilter) {
  orders(first: $first, filter: $filter) { totalCount edges { node {
    number status email currency totals { total { amount } discounts { code } }
    lines { id sku unitPrice { amount currency } variant { sku product { name } } }
    payments { status refunds { amount { amount } } } events { kind } } } }
}
"""
ADD = """mutation($v: ID!) { cartAddLine(variantId: $v, quantity: 1) { errors { code } } }"""
CART_LINES = """
query { cart { itemCount totals { total { amount } }
  lines { id quantity unitPrice { amount currency } priceNotes
          variant { sku product { name } } } } }
"""

pytestmark = pytest.mark.usefixtures("app")


async def test_staff_orders_cost_the_same_queries_for_5_and_20_orders(
    gql: Any, count_queries: Any
) -> None:
    # Given 20 orders of one buyer and a member of staff
    buyer = await create_user()
    for _ in range(20):
        await create_order(buyer, lines=2)
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    by_buyer = {"email": buyer.email}

    async def cost(first: int) -> int:
        with count_queries() as counter:
            body = await gql(STAFF_ORDERS, {"first": first, "filter": by_buyer}, **staff)
        assert "errors" not in body, body
        edges = body["data"]["orders"]["edges"]
        assert len(edges) == first
        assert all(len(edge["node"]["lines"]) == 2 for edge in edges)
        return len(counter.statements)

    # When staff read a page of 5 and a page of 20
    small, large = await cost(5), await cost(20)

    # Then both cost the same number of queries, and few
    assert small == large, f"first:5 cost {small} queries, first:20 cost {large}"
    # staff user + count + page + lines + variants + products + payments + refunds + events
    assert large <= 10, large


async def test_cart_lines_cost_the_same_queries_for_2_and_10_lines(
    gql: Any, count_queries: Any
) -> None:
    async def cost(lines: int) -> int:
        me = auth_headers(await create_user())
        for _ in range(lines):
            variant = await create_variant(stock=10)
            added = await gql(ADD, {"v": to_base64("Variant", variant.id)}, **me)
            assert added["data"]["cartAddLine"]["errors"] == [], added
        with count_queries() as counter:
            body = await gql(CART_LINES, **me)
        assert "errors" not in body, body
        assert len(body["data"]["cart"]["lines"]) == lines
        assert body["data"]["cart"]["itemCount"] == lines
        return len(counter.statements)

    # When a customer reads a cart of 2 lines and another of 10
    small, large = await cost(2), await cost(10)

    # Then both cost the same number of queries
    assert small == large, f"2 lines cost {small} queries, 10 lines cost {large}"
    # user + cart + pricing (cart, owner, lines with variants and products, flash prices,
    # categories) + catalog loaders
    assert large <= 8, large

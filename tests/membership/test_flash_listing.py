"""Early access to flash prices in the catalog listing: a tier with early access sees flash
prices before they start, on products and variants, others see them when they run; and the
page still costs the same number of queries whatever its size (no query per product)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.catalog import Variant
from models.membership import MemberAccount
from tests.factories import (
    auth_headers,
    create_category,
    create_flash_price,
    create_product,
    create_user,
)

pytestmark = pytest.mark.usefixtures("app")

PAGE = """
query Page($first: Int!, $slug: String!) {
  products(first: $first, filter: {categorySlugs: [$slug]}, sort: NAME) {
    edges { node {
      name
      flashPrice { price { amount currency } earlyAccess }
      variants { sku flashPrice { price { amount } earlyAccess startsAt } }
    } }
  }
}
"""
PLAIN = PAGE.replace("      flashPrice { price { amount currency } earlyAccess }\n", "").replace(
    " flashPrice { price { amount } earlyAccess startsAt }", ""
)


async def _shelf(count: int) -> str:
    """`count` products at 20.00: each first variant's flash price (12.00) starts in 5
    hours, and the first product also has one (15.00) running now on its second variant."""
    category = await create_category()
    for n in range(count):
        product = await create_product(category=category, name=f"Toy {n:02d}", price="20.00")
        first, second = await Variant.filter(product_id=product.id).order_by("position")
        await create_flash_price(first, price="12.00", starts_in=timedelta(hours=5))
        if n == 0:
            await create_flash_price(second, price="15.00")
    return category.slug


async def _member(tier_id: int | None) -> dict[str, str]:
    user = await create_user()
    if tier_id is not None:
        await MemberAccount.create(user_id=user.id, tier_id=tier_id)
    return auth_headers(user)


def _offers(body: dict[str, Any]) -> list[tuple[str | None, bool | None, list[Any]]]:
    rows = []
    for edge in body["data"]["products"]["edges"]:
        node = edge["node"]
        flash = node["flashPrice"]
        rows.append(
            (
                flash["price"]["amount"] if flash else None,
                flash["earlyAccess"] if flash else None,
                [
                    (v["flashPrice"]["price"]["amount"], v["flashPrice"]["earlyAccess"])
                    if v["flashPrice"]
                    else None
                    for v in node["variants"]
                ],
            )
        )
    return rows


async def test_gold_sees_flash_prices_early_others_when_they_run(gql: Any, ladder) -> None:
    slug = await _shelf(2)

    anonymous = _offers(await gql(PAGE, {"first": 2, "slug": slug}))
    gold = _offers(await gql(PAGE, {"first": 2, "slug": slug}, **await _member(ladder["gold"].id)))
    silver = _offers(
        await gql(PAGE, {"first": 2, "slug": slug}, **await _member(ladder["silver"].id))
    )

    # Everyone sees the running offer; only the 24-hour early tier sees the one in 5 hours
    assert anonymous == [("15.00", False, [None, ("15.00", False)]), (None, None, [None, None])]
    assert silver == anonymous  # two hours early is not enough for an offer 5 hours away
    assert gold == [
        ("12.00", True, [("12.00", True), ("15.00", False)]),
        ("12.00", True, [("12.00", True), None]),
    ]


async def test_a_page_costs_the_same_queries_whatever_its_size(
    gql: Any, count_queries: Any, ladder
) -> None:
    slug = await _shelf(12)
    gold = await _member(ladder["gold"].id)

    async def cost(query: str, first: int) -> int:
        with count_queries() as counter:
            body = await gql(query, {"first": first, "slug": slug}, **gold)
        assert "errors" not in body, body
        assert len(body["data"]["products"]["edges"]) == first
        return len(counter.statements)

    await cost(PAGE, 1)  # warm the category tree
    small, large = await cost(PAGE, 3), await cost(PAGE, 12)
    plain = await cost(PLAIN, 12)

    assert small == large, f"3 products cost {small} queries, 12 cost {large}"
    # The flash prices add a constant: the member's perks once, the offers once per field
    assert large - plain == 3, f"flash prices added {large - plain} queries"

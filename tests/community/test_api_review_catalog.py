"""The catalog's RATING sort and minRating filter follow reviews at once (the catalog
version rises with every rating change, so cached listings cannot lag)."""

from __future__ import annotations

from typing import Any

import pytest

from services.community import reviews
from tests.community.test_api_reviews import gid
from tests.factories import create_category, create_product, create_user

pytestmark = pytest.mark.usefixtures("app")

LIST = """
query($filter: ProductFilter, $sort: ProductSort) {
  products(filter: $filter, sort: $sort, first: 10) {
    edges { node { id rating { average count } } }
  }
}"""


async def _rate(product_id: int, *ratings: int) -> None:
    for stars in ratings:
        author = await create_user()
        await reviews.submit_review(author_id=author.id, product_id=product_id, rating=stars)


async def test_rating_sort_and_filter_use_review_ratings(gql: Any) -> None:
    category = await create_category()
    best, good, poor, unrated = [await create_product(category=category) for _ in range(4)]
    await _rate(best.id, 5, 5)
    await _rate(good.id, 4, 3)
    await _rate(poor.id, 2)
    in_category = {"categories": [gid("Category", category.id)]}

    async def listed(**filters: Any) -> list[str]:
        body = await gql(LIST, {"filter": in_category | filters, "sort": "RATING"})
        assert "errors" not in body, body
        return [e["node"]["id"] for e in body["data"]["products"]["edges"]]

    assert await listed() == [gid("Product", p.id) for p in (best, good, poor, unrated)]
    assert await listed(minRating="3.5") == [gid("Product", p.id) for p in (best, good)]

    # A new five-star review moves the unrated product up on the next read
    await _rate(unrated.id, 5)
    assert await listed() == [gid("Product", p.id) for p in (best, unrated, good, poor)]
    body = await gql(LIST, {"filter": in_category, "sort": "RATING"})
    assert body["data"]["products"]["edges"][1]["node"]["rating"] == {"average": 5.0, "count": 1}

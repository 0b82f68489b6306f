"""The storefront requests measured: one GraphQL document per page, and the floor route for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from benchmarks.catalog import QUERIES

CARD = """name brand { name } category { name ancestors { name } } tags { name }
        variants { sku price { amount } stock } images { url }"""

LIST_PAGE = QUERIES["products(first:20) + relations"]

PRODUCT_PAGE = """query ProductPage($slug: String!) { product(slug: $slug) {
    name slug description
    priceRange { start { amount currency } stop { amount currency } }
    brand { name } category { name ancestors { name slug } }
    variants { sku name price { amount currency } stock }
    images { url altText } certifications { scheme certificateNumber } } }"""

SEARCH_PAGE = (
    "query Search($q: String) { products(first: 20, search: $q) { totalCount edges { node { "
    + CARD
    + " } } } }"
)

# A guest without an anonymous id: nothing is cached per shopper, every request assembles.
FEED_PAGE = """{ feed(section: TRENDING, first: 20) { edges { node {
    score reason { kind text }
    product { name slug priceRange { start { amount } } images { url } } } } } }"""

TYPENAME = "{ __typename }"
SEARCH_TEXT = "lego tecnic"


@dataclass(frozen=True)
class Page:
    """One measured request: its GraphQL body, the floor route answering it, the goal."""

    name: str
    query: str
    floor_path: str
    goal: float  # the largest acceptable shopgraph / floor ratio (issue 8)
    connections: int
    variables: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.query}
        if self.variables:
            body["variables"] = self.variables
        return body


def pages(product_slug: str) -> list[Page]:
    """Every pair, in the order they run; `product_slug` names the product page's product."""
    return [
        Page("{ __typename }", TYPENAME, "/typename", 4.0, 16),
        Page("list page products(first: 20)", LIST_PAGE, "/list", 3.0, 8),
        Page(
            "product page (by slug)",
            PRODUCT_PAGE,
            "/product",
            3.0,
            8,
            {"slug": product_slug},
        ),
        Page(f'search page "{SEARCH_TEXT}"', SEARCH_PAGE, "/search", 3.0, 8, {"q": SEARCH_TEXT}),
        Page("feed TRENDING (guest)", FEED_PAGE, "/feed", 3.0, 8),
    ]

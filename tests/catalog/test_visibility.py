"""Drafts and archived products (and their variants, images, certificates) are invisible to
shoppers at every catalog entry point; staff who manage products may still preview them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import Permission, User
from models.catalog import Brand, Category, Certification, Product, ProductImage, ProductStatus
from models.catalog import Variant as VariantRow
from models.orders import Order, OrderLine, OrderStatus
from services.catalog import versioning
from services.transactions import transaction
from tests.factories import (
    auth_headers,
    create_category,
    create_child_profile,
    create_product,
    create_user,
    unique,
)

PRODUCT = "query P($id: ID, $slug: String) { product(id: $id, slug: $slug) { id } }"
LISTS = """
query Lists($category: String!, $categoryId: ID!, $brand: String!, $tag: String!, $q: String!) {
  byCategory: products(first: 100, filter: {categorySlugs: [$category]}) { ...Slugs }
  byBrand: products(first: 100, filter: {brands: [$brand]}) { ...Slugs }
  byTag: products(first: 100, filter: {tags: [$tag]}) { ...Slugs }
  bySearch: products(first: 100, search: $q) { ...Slugs }
  byRating: products(first: 100, search: $q, sort: RATING) { ...Slugs }
  category(slug: $category) { products(first: 100) { ...Slugs } }
  node(id: $categoryId) { ... on Category { products(first: 100, sort: NAME) { ...Slugs } } }
}
fragment Slugs on ProductConnection { totalCount edges { node { slug } } }
"""
NODE = "query N($id: ID!) { node(id: $id) { id __typename } }"
NODES = "query N($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }"
COMPARE = """
query C($ids: [ID!]!) { compareProducts(ids: $ids) { products { slug } rows { key values } } }
"""
SUGGEST = "query S($p: String!) { searchSuggestions(prefix: $p, first: 20) { text kind score } }"
FEED = """
query F($section: FeedSection!, $productId: ID, $childProfileId: ID) {
  feed(section: $section, productId: $productId, childProfileId: $childProfileId, first: 100) {
    edges { node { product { slug } reason { sourceProduct { slug } } } }
  }
}
"""
TRACK = """
mutation T($events: [TrackEventInput!]!) {
  trackEvents(events: $events) { accepted errors { field code message } }
}
"""
CART_CREATE = "mutation { cartCreate { cart { token } errors { code } } }"
CART_ADD = """
mutation A($variant: ID!, $token: String) {
  cartAddLine(variantId: $variant, quantity: 1, token: $token) {
    cart { lines { variant { sku } } } errors { field code message }
  }
}
"""
UNKNOWN = 999_999_999  # a well-formed row id that no row has
_customers: dict[int, User] = {}  # the signed-in viewers, by the X-Test-User header

pytestmark = pytest.mark.usefixtures("demo_store")


@dataclass
class World:
    """A published product, a sibling in its category, and a hidden one sharing everything."""

    word: str
    category: Category
    brand_slug: str
    tag_slug: str
    shown: Product
    sibling: Product
    hidden: Product
    hidden_variants: list[int]
    hidden_image: int
    hidden_certification: int


@pytest.fixture(params=[ProductStatus.DRAFT, ProductStatus.ARCHIVED], ids=["draft", "archived"])
async def world(request: pytest.FixtureRequest, app: Any) -> World:
    word = "vis" + uuid.uuid4().hex[:10]
    category = await create_category()
    brand = await Brand.create(slug=unique("brand"), name=f"{word}pub")
    shown = await create_product(name=f"Alpha {word}", category=category, brand=brand)
    tag = (await shown.tags.all())[0]
    sibling = await create_product(name=f"Beta {word}", category=category, brand=brand, tag=tag)
    hidden_brand = await Brand.create(slug=unique("brand"), name=f"{word}secret")
    hidden = await create_product(
        status=request.param,
        name=f"Secret {word}",
        category=category,
        brand=hidden_brand,
        tag=tag,
    )
    # The hidden product would top every popularity list and is the newest of all.
    await Product.filter(id=hidden.id).update(
        sales_count=10**6, rating_average=Decimal("5.00"), rating_count=99
    )
    await Product.filter(id__in=[shown.id, sibling.id]).update(sales_count=10**5)
    # Bought together with the published ones, so co-purchase lists would name it.
    now = datetime.now(UTC)
    order = await Order.create(
        number=unique("V").upper()[:32],
        email=f"{unique('buyer')}@example.com",
        status=OrderStatus.PAID,
        subtotal=Decimal("30.00"),
        total=Decimal("30.00"),
        placed_at=now,
        paid_at=now,
    )
    for product in (shown, sibling, hidden):
        variant = await VariantRow.filter(product_id=product.id).first()
        assert variant is not None
        await OrderLine.create(
            order=order,
            variant=variant,
            product_id=product.id,
            product_name=product.name,
            sku=variant.sku,
            quantity=1,
            unit_price=Decimal("10.00"),
            total=Decimal("10.00"),
        )
    image = await ProductImage.get(product_id=hidden.id)
    certification = await Certification.get(product_id=hidden.id)
    # These rows were written straight to the tables; staff catalog writes raise the catalog
    # version, which is what moves the caches keyed by it (shared feed sections too).
    async with transaction():
        await versioning.bump()
    return World(
        word=word,
        category=category,
        brand_slug=hidden_brand.slug,
        tag_slug=tag.slug,
        shown=shown,
        sibling=sibling,
        hidden=hidden,
        hidden_variants=[v.id for v in await VariantRow.filter(product_id=hidden.id)],
        hidden_image=image.id,
        hidden_certification=certification.id,
    )


@pytest.fixture(params=["guest", "customer"])
async def viewer(request: pytest.FixtureRequest, gql: Any) -> dict[str, str]:
    """Headers of a guest holding a fresh cart, or of a signed-in customer."""
    if request.param == "customer":
        user = await create_user()
        _customers[id(user)] = user
        return {**auth_headers(user), "X-Test-User": str(id(user))}
    body = await gql(CART_CREATE)
    return {"X-Cart-Token": body["data"]["cartCreate"]["cart"]["token"]}


def _slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


async def test_direct_fields_and_lists_never_show_it(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    hidden_id = to_base64("Product", world.hidden.id)
    for variables in ({"id": hidden_id}, {"slug": world.hidden.slug}):
        body = await gql(PRODUCT, variables, **viewer)
        assert body["data"] == {"product": None}, body
    shown = await gql(PRODUCT, {"slug": world.shown.slug}, **viewer)
    assert shown["data"]["product"]["id"] == to_base64("Product", world.shown.id)

    body = await gql(
        LISTS,
        {
            "category": world.category.slug,
            "categoryId": to_base64("Category", world.category.id),
            "brand": world.brand_slug,
            "tag": world.tag_slug,
            "q": world.word,
        },
        **viewer,
    )
    assert "errors" not in body, body
    data = body["data"]
    published = {world.shown.slug, world.sibling.slug}
    for name in ("byCategory", "byTag", "bySearch", "byRating"):
        assert set(_slugs(data[name])) == published, name
        assert data[name]["totalCount"] == 2, name
    assert data["byBrand"] == {"totalCount": 0, "edges": []}
    for nested in (data["category"]["products"], data["node"]["products"]):
        assert set(_slugs(nested)) == published
        assert nested["totalCount"] == 2


async def test_node_and_nodes_hide_every_type_that_belongs_to_it(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    ids = [
        to_base64("Product", world.hidden.id),
        *(to_base64("Variant", pk) for pk in world.hidden_variants),
        to_base64("ProductImage", world.hidden_image),
        to_base64("Certification", world.hidden_certification),
    ]
    for gid in ids:
        body = await gql(NODE, {"id": gid}, **viewer)
        assert body["data"] == {"node": None}, (gid, body)
        assert "errors" not in body, (gid, body)
    body = await gql(NODES, {"ids": ids}, **viewer)
    assert "errors" not in body, body
    assert body["data"]["nodes"] == [None] * len(ids)
    # The same types of a published product do resolve, so null above means "hidden".
    shown_variant = await VariantRow.filter(product_id=world.shown.id).first()
    assert shown_variant is not None
    shown_image = await ProductImage.get(product_id=world.shown.id)
    visible = [to_base64("Variant", shown_variant.id), to_base64("ProductImage", shown_image.id)]
    body = await gql(NODES, {"ids": visible}, **viewer)
    assert [node["id"] for node in body["data"]["nodes"]] == visible


async def test_compare_refuses_it_exactly_like_an_unknown_product(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    shown = to_base64("Product", world.shown.id)
    hidden = await gql(COMPARE, {"ids": [shown, to_base64("Product", world.hidden.id)]}, **viewer)
    unknown = await gql(COMPARE, {"ids": [shown, to_base64("Product", UNKNOWN)]}, **viewer)
    assert hidden["data"] is None
    assert hidden["errors"][0]["message"] == unknown["errors"][0]["message"]
    assert hidden["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert world.hidden.description not in str(hidden)
    both = await gql(COMPARE, {"ids": [shown, to_base64("Product", world.sibling.id)]}, **viewer)
    assert [p["slug"] for p in both["data"]["compareProducts"]["products"]] == [
        world.shown.slug,
        world.sibling.slug,
    ]


async def test_suggestions_neither_show_nor_count_it(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    body = await gql(SUGGEST, {"p": world.word}, **viewer)
    found = {(s["kind"], s["text"]): s["score"] for s in body["data"]["searchSuggestions"]}
    assert ("PRODUCT", world.shown.name) in found
    assert ("PRODUCT", world.hidden.name) not in found
    # Brands are public, but a brand whose only product is hidden has no popularity:
    # 10 per point of match (a whole-name prefix is 2) plus nothing.
    assert found[("BRAND", f"{world.word}secret")] == 20.0
    assert found[("BRAND", f"{world.word}pub")] > 20.0


async def test_feeds_never_show_it_in_any_section(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    shown_id = to_base64("Product", world.shown.id)
    sections: list[dict[str, Any]] = [
        {"section": "FOR_YOU"},
        {"section": "TRENDING"},
        {"section": "NEW_ARRIVALS"},
        {"section": "SIMILAR", "productId": shown_id},
        {"section": "BOUGHT_TOGETHER", "productId": shown_id},
    ]
    if "X-Test-User" in viewer:
        user = _customers[int(viewer["X-Test-User"])]
        user_child = await create_child_profile(user, birth_month="2020-01")
        sections.append(
            {"section": "FOR_CHILD", "childProfileId": to_base64("ChildProfile", user_child.id)}
        )
    listed: dict[str, list[str]] = {}
    for variables in sections:
        body = await gql(FEED, variables, **viewer)
        assert "errors" not in body, (variables, body)
        edges = body["data"]["feed"]["edges"]
        listed[variables["section"]] = [edge["node"]["product"]["slug"] for edge in edges]
        sources = {(edge["node"]["reason"]["sourceProduct"] or {}).get("slug") for edge in edges}
        assert world.hidden.slug not in listed[variables["section"]], variables
        assert world.hidden.slug not in sources, variables
    # The sections that read the catalog directly do list the published products.
    assert world.shown.slug in listed["NEW_ARRIVALS"]
    assert world.sibling.slug in listed["SIMILAR"]
    assert world.sibling.slug in listed["BOUGHT_TOGETHER"]
    for section in ("SIMILAR", "BOUGHT_TOGETHER"):
        hidden = await gql(
            FEED, {"section": section, "productId": to_base64("Product", world.hidden.id)}, **viewer
        )
        unknown = await gql(
            FEED, {"section": section, "productId": to_base64("Product", UNKNOWN)}, **viewer
        )
        assert hidden["data"] is None
        assert hidden["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_tracking_refuses_it_exactly_like_an_unknown_id(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    async def track(event: dict[str, Any]) -> dict[str, Any]:
        body = await gql(TRACK, {"events": [event]}, **viewer)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["trackEvents"]
        return payload

    by_product = await track({"kind": "VIEW", "productId": to_base64("Product", world.hidden.id)})
    unknown = await track({"kind": "VIEW", "productId": to_base64("Product", UNKNOWN)})
    assert by_product["accepted"] == 0
    assert by_product["errors"] == unknown["errors"] != []
    variant = to_base64("Variant", world.hidden_variants[0])
    by_variant = await track({"kind": "ADD_TO_CART", "variantId": variant})
    unknown_variant = await track(
        {"kind": "ADD_TO_CART", "variantId": to_base64("Variant", UNKNOWN)}
    )
    assert by_variant["accepted"] == 0
    assert by_variant["errors"] == unknown_variant["errors"] != []
    shown = await track({"kind": "VIEW", "productId": to_base64("Product", world.shown.id)})
    assert shown == {"accepted": 1, "errors": []}


async def test_cart_refuses_its_variants_exactly_like_unknown_ones(
    gql: Any, world: World, viewer: dict[str, str]
) -> None:
    token = viewer.get("X-Cart-Token")

    async def add(variant_gid: str) -> dict[str, Any]:
        body = await gql(CART_ADD, {"variant": variant_gid, "token": token}, **viewer)
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["cartAddLine"]
        return payload

    hidden = await add(to_base64("Variant", world.hidden_variants[0]))
    unknown = await add(to_base64("Variant", UNKNOWN))
    assert hidden["errors"] == unknown["errors"]
    assert hidden["errors"][0]["code"] == "VARIANT_NOT_FOUND"
    assert world.hidden.name not in str(hidden)
    shown_variant = await VariantRow.filter(product_id=world.shown.id).first()
    assert shown_variant is not None
    added = await add(to_base64("Variant", shown_variant.id))
    assert added["errors"] == []
    assert [line["variant"]["sku"] for line in added["cart"]["lines"]] == [shown_variant.sku]


async def test_staff_who_manage_products_may_preview_it_by_id(gql: Any, world: World) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))
    hidden_id = to_base64("Product", world.hidden.id)
    body = await gql(PRODUCT, {"id": hidden_id}, **staff)
    assert body["data"]["product"] == {"id": hidden_id}
    variant = to_base64("Variant", world.hidden_variants[0])
    assert (await gql(NODE, {"id": variant}, **staff))["data"]["node"]["id"] == variant
    compared = await gql(
        COMPARE, {"ids": [to_base64("Product", world.shown.id), hidden_id]}, **staff
    )
    assert [p["slug"] for p in compared["data"]["compareProducts"]["products"]] == [
        world.shown.slug,
        world.hidden.slug,
    ]
    # The shop-front lists stay published-only, for staff too.
    listed = await gql(
        LISTS,
        {
            "category": world.category.slug,
            "categoryId": to_base64("Category", world.category.id),
            "brand": world.brand_slug,
            "tag": world.tag_slug,
            "q": world.word,
        },
        **staff,
    )
    assert world.hidden.slug not in _slugs(listed["data"]["bySearch"])

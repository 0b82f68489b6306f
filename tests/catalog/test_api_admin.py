"""Staff catalog mutations: products, variants, stock, categories, and who may run them."""

from __future__ import annotations

import asyncio
import random
import string
from decimal import Decimal
from typing import Any

import pytest
from strawberry.relay import from_base64, to_base64

from models.accounts import Permission
from models.catalog import Brand, Category, Product, ProductStatus, Tag, Variant
from services.catalog import admin
from services.errors import DomainError
from tests.conftest import using_postgres
from tests.factories import auth_headers, create_user, create_variant, unique

PRODUCT_CREATE = """
mutation Create($input: ProductCreateInput!) {
  productCreate(input: $input) {
    product { id slug name status brand { name } tags { slug } ageRange { minMonths maxMonths } }
    errors { field code message }
  }
}
"""
PRODUCT_UPDATE = """
mutation Update($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) {
    product { id name brand { name } tags { slug } }
    errors { field code }
  }
}
"""
PRODUCT_STATUS = """
mutation Status($id: ID!) {
  archived: productArchive(id: $id) { product { status } errors { code } }
}
"""
PRODUCT_PUBLISH = """
mutation Publish($id: ID!) { productPublish(id: $id) { product { status } errors { code } } }
"""
VARIANT_CREATE = """
mutation Create($input: VariantCreateInput!) {
  variantCreate(input: $input) {
    variant { id sku name price { amount currency } compareAtPrice { amount } stock
              options { name value } }
    product { priceRange { start { amount } stop { amount } } }
    errors { field code }
  }
}
"""
VARIANT_UPDATE = """
mutation Update($id: ID!, $input: VariantUpdateInput!) {
  variantUpdate(id: $id, input: $input) {
    variant { sku price { amount } compareAtPrice { amount } }
    product { priceRange { start { amount } stop { amount } } }
    errors { field code }
  }
}
"""
VARIANT_DELETE = """
mutation Delete($id: ID!) {
  variantDelete(id: $id) { variant { sku } product { priceRange { start { amount } } }
    errors { field code } }
}
"""
STOCK = """
mutation Stock($id: ID!, $delta: Int!, $quantity: Int!) {
  adjusted: stockAdjust(variantId: $id, delta: $delta) { variant { stock } errors { field code } }
  counted: stockSet(variantId: $id, quantity: $quantity) { variant { stock } errors { field code } }
}
"""
CATEGORY_CREATE = """
mutation Create($input: CategoryCreateInput!) {
  categoryCreate(input: $input) { category { id slug depth } errors { field code } }
}
"""
CATEGORY_UPDATE = """
mutation Move($id: ID!, $input: CategoryUpdateInput!) {
  categoryUpdate(id: $id, input: $input) {
    category { id depth ancestors { id } } errors { field code }
  }
}
"""
CATEGORY = """
query Category($slug: String!) {
  category(slug: $slug) { depth ancestors { slug } parent { slug } }
}
"""
PRODUCT = "query One($slug: String!) { product(slug: $slug) { id status } }"
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Product { status } } }"
SEARCH = """
query Search($text: String!) { products(search: $text, first: 20) { edges { node { slug } } } }
"""

pytestmark = pytest.mark.usefixtures("database")


def _word() -> str:
    """A made-up word no other product contains, so search results are ours alone."""
    return "zq" + "".join(random.choices(string.ascii_lowercase, k=10))


async def _staff() -> dict[str, str]:
    return auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))


def _gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


def _pk(gid: str) -> int:
    return int(from_base64(gid)[1])


async def _create(gql: Any, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = await gql(PRODUCT_CREATE, {"input": fields}, **headers)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["productCreate"]
    return payload


async def _add_variant(gql: Any, headers: dict[str, str], product_id: str) -> None:
    """Listings and search leave out products without variants (nothing to buy)."""
    variables = {"input": {"productId": product_id, "sku": unique("SKU"), "price": "9.50"}}
    body = await gql(VARIANT_CREATE, variables, **headers)
    assert body["data"]["variantCreate"]["errors"] == [], body


# --- who may write ----------------------------------------------------------------------


async def test_anonymous_caller_is_unauthenticated(gql: Any) -> None:
    body = await gql(PRODUCT_CREATE, {"input": {"name": "Nope"}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] is None


@pytest.mark.parametrize("permissions", [[], [Permission.MANAGE_ORDERS]])
async def test_customers_and_other_staff_are_forbidden(
    gql: Any, permissions: list[Permission]
) -> None:
    user = await create_user(permissions=permissions)
    name = f"Forbidden {unique('p')}"
    body = await gql(PRODUCT_CREATE, {"input": {"name": name}}, **auth_headers(user))
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "permission": "MANAGE_PRODUCTS"}
    assert not await Product.exists(name=name)


async def test_stock_mutations_are_forbidden_to_customers(gql: Any) -> None:
    variant = await create_variant(stock=3)
    customer = auth_headers(await create_user())
    body = await gql(
        STOCK, {"id": _gid("Variant", variant.id), "delta": -3, "quantity": 0}, **customer
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Variant.get(id=variant.id)).stock == 3


# --- products ---------------------------------------------------------------------------


async def test_created_product_is_searchable_by_name_right_away(gql: Any) -> None:
    staff = await _staff()
    word = _word()
    created = await _create(gql, staff, name=f"Wooden {word} Train", status="ACTIVE")
    assert created["errors"] == []
    assert created["product"]["slug"] == f"wooden-{word}-train"
    await _add_variant(gql, staff, created["product"]["id"])
    found = await gql(SEARCH, {"text": word})
    assert [e["node"]["slug"] for e in found["data"]["products"]["edges"]] == [
        created["product"]["slug"]
    ]


async def test_new_product_is_a_draft_only_staff_can_see(gql: Any) -> None:
    staff = await _staff()
    created = await _create(gql, staff, name=f"Draft {unique('p')}")
    product = created["product"]
    assert product["status"] == "DRAFT"
    customer = auth_headers(await create_user())
    for headers in ({}, customer):
        assert (await gql(PRODUCT, {"slug": product["slug"]}, **headers))["data"]["product"] is None
        assert (await gql(NODE, {"id": product["id"]}, **headers))["data"]["node"] is None
    assert (await gql(PRODUCT, {"slug": product["slug"]}, **staff))["data"]["product"] == {
        "id": product["id"],
        "status": "DRAFT",
    }
    assert (await gql(NODE, {"id": product["id"]}, **staff))["data"]["node"]["status"] == "DRAFT"


async def test_archive_hides_and_publish_shows_a_product(gql: Any) -> None:
    staff = await _staff()
    product = (await _create(gql, staff, name=f"Cycle {unique('p')}", status="ACTIVE"))["product"]
    archived = await gql(PRODUCT_STATUS, {"id": product["id"]}, **staff)
    assert archived["data"]["archived"] == {"product": {"status": "ARCHIVED"}, "errors": []}
    assert (await gql(PRODUCT, {"slug": product["slug"]}))["data"]["product"] is None
    published = await gql(PRODUCT_PUBLISH, {"id": product["id"]}, **staff)
    assert published["data"]["productPublish"]["product"]["status"] == "ACTIVE"
    assert (await gql(PRODUCT, {"slug": product["slug"]}))["data"]["product"]["id"] == product["id"]


async def test_brand_and_tags_are_assigned_and_searchable(gql: Any) -> None:
    staff = await _staff()
    word = _word()
    brand = await Brand.create(slug=unique("brand"), name=f"Brand {word}")
    tags = [await Tag.create(slug=unique("tag"), name=f"Tag {unique('t')}") for _ in range(2)]
    product = (await _create(gql, staff, name=f"Kite {unique('p')}", status="ACTIVE"))["product"]
    await _add_variant(gql, staff, product["id"])
    body = await gql(
        PRODUCT_UPDATE,
        {
            "id": product["id"],
            "input": {
                "brandId": _gid("Brand", brand.id),
                "tagIds": [_gid("Tag", tag.id) for tag in tags],
            },
        },
        **staff,
    )
    updated = body["data"]["productUpdate"]
    assert updated["errors"] == []
    assert updated["product"]["brand"] == {"name": brand.name}
    assert sorted(t["slug"] for t in updated["product"]["tags"]) == sorted(t.slug for t in tags)
    found = await gql(SEARCH, {"text": word})
    assert [e["node"]["slug"] for e in found["data"]["products"]["edges"]] == [product["slug"]]

    cleared = await gql(
        PRODUCT_UPDATE, {"id": product["id"], "input": {"brandId": None, "tagIds": []}}, **staff
    )
    assert cleared["data"]["productUpdate"]["product"] == {
        "id": product["id"],
        "name": product["name"],
        "brand": None,
        "tags": [],
    }


async def test_product_errors_are_data(gql: Any) -> None:
    staff = await _staff()
    taken = (await _create(gql, staff, name=f"Taken {unique('p')}"))["product"]["slug"]
    cases = [
        ({"name": "Another", "slug": taken}, "slug", "SLUG_TAKEN"),
        (
            {"name": "Ages", "minAgeMonths": 36, "maxAgeMonths": 12},
            "maxAgeMonths",
            "INVALID_AGE_RANGE",
        ),
        ({"name": "Brand", "brandId": _gid("Brand", 10**9)}, "brandId", "NOT_FOUND"),
        ({"name": "Tag", "tagIds": [_gid("Product", 1)]}, "tagIds.0", "INVALID_ID"),
        ({"name": "Slug", "slug": "Not A Slug"}, "slug", "INVALID_VALUE"),
        ({"name": "   "}, "name", "INVALID_VALUE"),
    ]
    for fields, field, code in cases:
        payload = await _create(gql, staff, **fields)
        assert payload["product"] is None, fields
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], fields
    # Each field is checked: a form learns of all its mistakes at once.
    both = await _create(gql, staff, name="", slug=taken)
    assert sorted(e["code"] for e in both["errors"]) == ["INVALID_VALUE", "SLUG_TAKEN"]


async def test_update_checks_the_age_range_against_stored_values(gql: Any) -> None:
    staff = await _staff()
    product = (await _create(gql, staff, name=f"Age {unique('p')}", maxAgeMonths=24))["product"]
    body = await gql(PRODUCT_UPDATE, {"id": product["id"], "input": {"minAgeMonths": 36}}, **staff)
    assert body["data"]["productUpdate"]["errors"] == [
        {"field": "minAgeMonths", "code": "INVALID_AGE_RANGE"}
    ]
    missing = await gql(PRODUCT_UPDATE, {"id": _gid("Product", 10**9), "input": {}}, **staff)
    assert missing["data"]["productUpdate"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


# --- variants and stock -----------------------------------------------------------------


async def test_variant_create_update_delete_keep_the_price_range_true(gql: Any) -> None:
    staff = await _staff()
    product = (await _create(gql, staff, name=f"Blocks {unique('p')}", currency="GBP"))["product"]
    first = await gql(
        VARIANT_CREATE,
        {
            "input": {
                "productId": product["id"],
                "sku": unique("SKU"),
                "price": "12.50",
                "compareAtPrice": "15.00",
                "options": [{"name": "colour", "value": "Red"}],
                "stock": 4,
            }
        },
        **staff,
    )
    created = first["data"]["variantCreate"]
    assert created["errors"] == []
    assert created["variant"]["name"] == "Red"
    assert created["variant"]["price"] == {"amount": "12.50", "currency": "GBP"}
    assert created["variant"]["stock"] == 4
    second = await gql(
        VARIANT_CREATE,
        {"input": {"productId": product["id"], "sku": unique("SKU"), "price": "30"}},
        **staff,
    )
    price_range = second["data"]["variantCreate"]["product"]["priceRange"]
    assert price_range == {"start": {"amount": "12.50"}, "stop": {"amount": "30.00"}}

    updated = await gql(
        VARIANT_UPDATE,
        {"id": created["variant"]["id"], "input": {"price": "9.99", "compareAtPrice": None}},
        **staff,
    )
    assert updated["data"]["variantUpdate"]["variant"]["compareAtPrice"] is None
    assert updated["data"]["variantUpdate"]["product"]["priceRange"]["start"] == {"amount": "9.99"}

    deleted = await gql(VARIANT_DELETE, {"id": created["variant"]["id"]}, **staff)
    assert deleted["data"]["variantDelete"]["product"]["priceRange"]["start"] == {"amount": "30.00"}
    again = await gql(VARIANT_DELETE, {"id": created["variant"]["id"]}, **staff)
    assert again["data"]["variantDelete"] == {
        "variant": None,
        "product": None,
        "errors": [{"field": "id", "code": "NOT_FOUND"}],
    }


async def test_variant_errors_are_data(gql: Any) -> None:
    staff = await _staff()
    existing = await create_variant(price="10.00")
    product_id = _gid("Product", existing.product_id)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"sku": existing.sku, "price": "1"}, "sku", "SKU_TAKEN"),
        ({"price": "-1"}, "price", "INVALID_PRICE"),
        ({"price": "1.999"}, "price", "TOO_PRECISE"),
        ({"price": "5", "compareAtPrice": "5"}, "compareAtPrice", "INVALID_PRICE"),
        ({"price": "5", "stock": -1}, "stock", "INVALID_QUANTITY"),
    ]
    for fields, field, code in cases:
        body = await gql(
            VARIANT_CREATE,
            {"input": {"productId": product_id, "sku": unique("SKU"), **fields}},
            **staff,
        )
        payload = body["data"]["variantCreate"]
        assert payload["variant"] is None, fields
        assert payload["errors"] == [{"field": field, "code": code}], fields
    missing = await gql(
        VARIANT_CREATE,
        {"input": {"productId": _gid("Product", 10**9), "sku": unique("SKU"), "price": "1"}},
        **staff,
    )
    assert missing["data"]["variantCreate"]["errors"] == [
        {"field": "productId", "code": "NOT_FOUND"}
    ]
    # An update is checked against the stored price: compare-at must stay above it.
    below = await gql(
        VARIANT_UPDATE,
        {"id": _gid("Variant", existing.id), "input": {"compareAtPrice": "9"}},
        **staff,
    )
    assert below["data"]["variantUpdate"]["errors"] == [
        {"field": "compareAtPrice", "code": "INVALID_PRICE"}
    ]
    other = await create_variant()
    clash = await gql(
        VARIANT_UPDATE, {"id": _gid("Variant", other.id), "input": {"sku": existing.sku}}, **staff
    )
    assert clash["data"]["variantUpdate"]["errors"] == [{"field": "sku", "code": "SKU_TAKEN"}]
    assert (await Variant.get(id=existing.id)).compare_at_price is None


async def test_stock_adjust_never_goes_below_zero(gql: Any) -> None:
    staff = await _staff()
    variant = await create_variant(stock=5)
    gid = _gid("Variant", variant.id)
    body = await gql(STOCK, {"id": gid, "delta": -6, "quantity": -1}, **staff)
    assert body["data"]["adjusted"] == {
        "variant": None,
        "errors": [{"field": "delta", "code": "INSUFFICIENT_STOCK"}],
    }
    assert body["data"]["counted"]["errors"] == [{"field": "quantity", "code": "INVALID_QUANTITY"}]
    assert (await Variant.get(id=variant.id)).stock == 5
    body = await gql(STOCK, {"id": gid, "delta": -5, "quantity": 40}, **staff)
    assert body["data"]["adjusted"]["variant"] == {"stock": 0}
    assert body["data"]["counted"]["variant"] == {"stock": 40}
    missing = await gql(STOCK, {"id": _gid("Variant", 10**9), "delta": 1, "quantity": 1}, **staff)
    assert missing["data"]["adjusted"]["errors"] == [{"field": "variantId", "code": "NOT_FOUND"}]


async def test_concurrent_stock_removals_never_oversell() -> None:
    if not using_postgres():
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... to run")
    variant = await create_variant(stock=5)

    async def take_one() -> bool:
        try:
            await admin.adjust_stock(variant_id=variant.id, delta=-1)
        except DomainError as error:
            assert error.code == admin.CatalogErrorCode.INSUFFICIENT_STOCK
            return False
        return True

    results = await asyncio.gather(*(take_one() for _ in range(12)))
    assert sum(results) == 5
    assert (await Variant.get(id=variant.id)).stock == 0


# --- categories -------------------------------------------------------------------------


async def _category(gql: Any, staff: dict[str, str], parent: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": f"Cat {unique('c')}"}
    if parent is not None:
        fields["parentId"] = parent
    body = await gql(CATEGORY_CREATE, {"input": fields}, **staff)
    payload = body["data"]["categoryCreate"]
    assert payload["errors"] == [], payload
    category: dict[str, Any] = payload["category"]
    return category


async def test_moving_a_category_moves_its_whole_subtree(gql: Any) -> None:
    staff = await _staff()
    a = await _category(gql, staff)
    b = await _category(gql, staff, a["id"])
    c = await _category(gql, staff, b["id"])
    d = await _category(gql, staff, c["id"])
    other = await _category(gql, staff)
    assert [a["depth"], b["depth"], c["depth"], d["depth"]] == [0, 1, 2, 3]
    # A product under the subtree is searchable by its new ancestor's name after the move.
    variant = await create_variant()
    await Product.filter(id=variant.product_id).update(category_id=_pk(d["id"]))

    moved = await gql(CATEGORY_UPDATE, {"id": b["id"], "input": {"parentId": other["id"]}}, **staff)
    assert moved["data"]["categoryUpdate"]["errors"] == []
    assert moved["data"]["categoryUpdate"]["category"]["depth"] == 1
    deepest = (await gql(CATEGORY, {"slug": d["slug"]}))["data"]["category"]
    assert deepest["depth"] == 3
    assert [x["slug"] for x in deepest["ancestors"]] == [other["slug"], b["slug"], c["slug"]]
    rows = await Category.filter(id__in=[_pk(x["id"]) for x in (b, c, d)]).order_by("depth")
    other_pk = _pk(other["id"])
    assert [row.path for row in rows] == [
        f"/{other_pk}/{rows[0].id}/",
        f"/{other_pk}/{rows[0].id}/{rows[1].id}/",
        f"/{other_pk}/{rows[0].id}/{rows[1].id}/{rows[2].id}/",
    ]
    other_name = (await Category.get(id=other_pk)).name
    assert other_name in (await Product.get(id=variant.product_id)).search_document

    to_root = await gql(CATEGORY_UPDATE, {"id": c["id"], "input": {"parentId": None}}, **staff)
    assert to_root["data"]["categoryUpdate"]["category"] == {
        "id": c["id"],
        "depth": 0,
        "ancestors": [],
    }
    assert (await gql(CATEGORY, {"slug": d["slug"]}))["data"]["category"]["ancestors"] == [
        {"slug": c["slug"]}
    ]


async def test_category_cannot_move_under_itself_or_a_descendant(gql: Any) -> None:
    staff = await _staff()
    a = await _category(gql, staff)
    b = await _category(gql, staff, a["id"])
    c = await _category(gql, staff, b["id"])
    for parent in (a, c):
        body = await gql(
            CATEGORY_UPDATE, {"id": a["id"], "input": {"parentId": parent["id"]}}, **staff
        )
        assert body["data"]["categoryUpdate"] == {
            "category": None,
            "errors": [{"field": "parentId", "code": "CATEGORY_CYCLE"}],
        }
    missing = await gql(
        CATEGORY_UPDATE, {"id": b["id"], "input": {"parentId": _gid("Category", 10**9)}}, **staff
    )
    assert missing["data"]["categoryUpdate"]["errors"] == [
        {"field": "parentId", "code": "NOT_FOUND"}
    ]
    taken = await gql(CATEGORY_CREATE, {"input": {"name": "Dup", "slug": a["slug"]}}, **staff)
    assert taken["data"]["categoryCreate"]["errors"] == [{"field": "slug", "code": "SLUG_TAKEN"}]
    assert (await Category.get(id=_pk(a["id"]))).depth == 0


async def test_service_rounds_nothing_silently() -> None:
    variant = await create_variant()
    with pytest.raises(DomainError) as raised:
        await admin.update_variant(variant_id=variant.id, changes={"price": Decimal("1.005")})
    assert raised.value.code == "INVALID_PRICE"
    assert (await Variant.get(id=variant.id)).price == Decimal("19.99")
    assert (await Product.get(id=variant.product_id)).status == ProductStatus.ACTIVE


async def test_concurrent_cross_moves_never_make_a_cycle() -> None:
    if not using_postgres():
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... to run")
    a = await admin.create_category(fields={"name": f"Cross {unique('a')}"})
    b = await admin.create_category(fields={"name": f"Cross {unique('b')}"})

    async def move(child: Category, parent: Category) -> str:
        try:
            await admin.update_category(category_id=child.id, changes={"parent_id": parent.id})
        except DomainError as error:
            return error.code
        return "moved"

    results = await asyncio.gather(move(a, b), move(b, a))
    assert sorted(results) == ["CATEGORY_CYCLE", "moved"]
    rows = {row.id: row for row in await Category.filter(id__in=[a.id, b.id])}
    assert sorted(row.depth for row in rows.values()) == [0, 1]
    child = next(row for row in rows.values() if row.depth == 1)
    assert rows[child.parent_id].parent_id is None  # type: ignore[index]

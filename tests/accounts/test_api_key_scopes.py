"""Each API key scope grants what the ApiScope description says, and nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import ApiScope, Permission
from models.catalog import ProductStatus
from models.orders import Order, OrderEvent
from services.accounts import api_keys
from tests.factories import auth_headers, create_order, create_product, create_user

ORDERS = "query { orders(first: 50) { totalCount edges { node { id number } } } }"
ORDER = "query O($id: ID!) { order(id: $id) { number email lines { sku } } }"
NODE = "query N($id: ID!) { node(id: $id) { ... on Order { number } ... on Product { name } } }"
PRODUCT = "query P($id: ID!) { product(id: $id) { name status } }"
FULFILL = """
mutation F($id: ID!) { orderFulfill(orderId: $id) { order { status } errors { code } } }
"""
SHIP = """
mutation S($id: ID!) {
  orderMarkShipped(orderId: $id, note: "DHL 42") { order { status } errors { code } }
}
"""
ME = "query { me { email } }"

pytestmark = pytest.mark.usefixtures("app")


async def _key(*scopes: ApiScope) -> dict[str, str]:
    _, plain = await api_keys.create_api_key(name="Partner", scopes=scopes, created_by_id=None)
    return {"X-Api-Key": plain}


def _forbidden(body: dict[str, Any]) -> str:
    """The scope a FORBIDDEN error names (fails on any other outcome)."""
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    scope: str = body["errors"][0]["extensions"]["scope"]
    return scope


OTHER_SCOPES = {scope: [s for s in ApiScope if s != scope] for scope in ApiScope}


async def test_read_orders_lists_and_reads_orders(gql: Any) -> None:
    order = await create_order(await create_user())
    gid = to_base64("Order", order.id)
    key = await _key(ApiScope.READ_ORDERS)

    listing = await gql(ORDERS, **key)
    one = await gql(ORDER, {"id": gid}, **key)
    node = await gql(NODE, {"id": gid}, **key)

    assert gid in {edge["node"]["id"] for edge in listing["data"]["orders"]["edges"]}
    assert one["data"]["order"]["number"] == order.number
    assert len(one["data"]["order"]["lines"]) == 2
    assert node["data"]["node"] == {"number": order.number}


async def test_without_read_orders_a_key_is_told_the_scope(gql: Any) -> None:
    order = await create_order(await create_user())
    key = await _key(*OTHER_SCOPES[ApiScope.READ_ORDERS])

    listing = await gql(ORDERS, **key)
    one = await gql(ORDER, {"id": to_base64("Order", order.id)}, **key)
    node = await gql(NODE, {"id": to_base64("Order", order.id)}, **key)

    assert _forbidden(listing) == "READ_ORDERS"
    assert _forbidden(one) == "READ_ORDERS"
    assert node["data"]["node"] is None


async def test_read_orders_does_not_let_a_key_change_orders(gql: Any) -> None:
    order = await create_order(await create_user())

    body = await gql(
        FULFILL, {"id": to_base64("Order", order.id)}, **await _key(ApiScope.READ_ORDERS)
    )

    assert _forbidden(body) == "WRITE_SHIPMENTS"
    assert (await Order.get(id=order.id)).status == "paid"


async def test_write_shipments_runs_the_fulfilment_steps(gql: Any) -> None:
    order = await create_order(await create_user())
    gid = to_base64("Order", order.id)
    key = await _key(ApiScope.WRITE_SHIPMENTS)

    fulfilled = await gql(FULFILL, {"id": gid}, **key)
    shipped = await gql(SHIP, {"id": gid}, **key)

    assert fulfilled["data"]["orderFulfill"] == {"order": {"status": "FULFILLING"}, "errors": []}
    assert shipped["data"]["orderMarkShipped"] == {"order": {"status": "SHIPPED"}, "errors": []}
    actors = await OrderEvent.filter(
        order_id=order.id, kind__in=["fulfilling", "shipped"]
    ).values_list("actor", flat=True)
    assert set(actors) == {"partner"}
    # Shipping is not reading the order book.
    assert _forbidden(await gql(ORDERS, **key)) == "READ_ORDERS"


async def test_without_write_shipments_a_key_is_told_the_scope(gql: Any) -> None:
    order = await create_order(await create_user())

    body = await gql(
        SHIP,
        {"id": to_base64("Order", order.id)},
        **await _key(*OTHER_SCOPES[ApiScope.WRITE_SHIPMENTS]),
    )

    assert _forbidden(body) == "WRITE_SHIPMENTS"
    assert (await Order.get(id=order.id)).status == "paid"


async def test_read_catalog_reads_drafts_and_archived_products(gql: Any) -> None:
    key = await _key(ApiScope.READ_CATALOG)
    for status in (ProductStatus.DRAFT, ProductStatus.ARCHIVED):
        product = await create_product(status=status)
        gid = to_base64("Product", product.id)

        body = await gql(PRODUCT, {"id": gid}, **key)

        assert body["data"]["product"] == {"name": product.name, "status": status.name}


async def test_without_read_catalog_a_key_sees_only_published_products(gql: Any) -> None:
    draft = await create_product(status=ProductStatus.DRAFT)
    published = await create_product()
    key = await _key(*OTHER_SCOPES[ApiScope.READ_CATALOG])

    hidden = await gql(PRODUCT, {"id": to_base64("Product", draft.id)}, **key)
    shown = await gql(PRODUCT, {"id": to_base64("Product", published.id)}, **key)

    # Existence of unreleased products is not confirmed, not even by a FORBIDDEN.
    assert hidden["data"]["product"] is None
    assert shown["data"]["product"]["name"] == published.name


@pytest.mark.parametrize("scope", [ApiScope.READ_SHIPMENTS, ApiScope.READ_TICKETS])
async def test_reserved_scopes_grant_nothing_yet(gql: Any, scope: ApiScope) -> None:
    order = await create_order(await create_user())
    draft = await create_product(status=ProductStatus.DRAFT)
    key = await _key(scope)

    assert _forbidden(await gql(ORDERS, **key)) == "READ_ORDERS"
    assert _forbidden(await gql(FULFILL, {"id": to_base64("Order", order.id)}, **key)) == (
        "WRITE_SHIPMENTS"
    )
    assert (await gql(PRODUCT, {"id": to_base64("Product", draft.id)}, **key))["data"] == {
        "product": None
    }


async def test_no_scope_reaches_customer_accounts(gql: Any) -> None:
    key = await _key(*ApiScope)

    assert (await gql(ME, **key))["data"]["me"] is None
    staff_only = await gql("query { apiKeys(first: 5) { totalCount } }", **key)
    assert staff_only["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_staff_permissions_still_work_without_a_key(gql: Any) -> None:
    order = await create_order(await create_user())
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))

    body = await gql(ORDER, {"id": to_base64("Order", order.id)}, **staff)

    assert body["data"]["order"]["number"] == order.number

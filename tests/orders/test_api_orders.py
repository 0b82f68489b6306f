"""Order history, order access for every owned type, staff order operations, couponCreate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import Permission
from models.catalog import Variant
from models.orders import Coupon, OrderLine, Payment
from tests.factories import (
    auth_headers,
    create_category,
    create_order,
    create_user,
    create_variant,
    unique,
)
from tests.orders._helpers import place, ready_cart

ERRORS = "errors { field code message }"
HISTORY = """
query History($first: Int!, $after: String) {
  myOrders(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id number status totals { total { amount } discounts { code } }
      lines { id productName quantity total { amount } variant { sku product { name } } }
      payments { id status refunds { amount { amount } } } events { kind } } }
  }
}
"""
NODE = """
query Node($id: ID!) { node(id: $id) { id __typename
  ... on Order { number } ... on OrderLine { sku } ... on Payment { status } } }
"""
STAFF_ORDERS = """
query Staff($filter: OrderFilter) {
  orders(first: 50, filter: $filter) { totalCount edges { node { number status email } } }
}
"""
OP = {
    "fulfill": "orderFulfill(orderId: $id)",
    "ship": 'orderMarkShipped(orderId: $id, note: "DHL 42")',
    "deliver": "orderMarkDelivered(orderId: $id)",
    "cancel": 'orderCancel(orderId: $id, reason: "Changed my mind")',
}
REFUND = f"""
mutation Refund($id: ID!, $amount: Decimal!) {{
  orderRefund(orderId: $id, amount: $amount, reason: "Broken wheel") {{
    order {{ status totals {{ refundedTotal {{ amount }} }} }} {ERRORS} }}
}}
"""
COUPON_CREATE = f"""
mutation Create($input: CouponCreateInput!) {{
  couponCreate(input: $input) {{ coupon {{ code kind value maxUses categoryIds }} {ERRORS} }}
}}
"""

pytestmark = pytest.mark.usefixtures("app")


def _op(name: str) -> str:
    return (
        f"mutation Op($id: ID!) {{ {OP[name]} {{ order {{ status canCancel "
        f"totals {{ refundedTotal {{ amount }} }} events {{ kind actor message }} }} {ERRORS} }} }}"
    )


def _gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


async def test_my_orders_pages_newest_first(gql: Any) -> None:
    user = await create_user()
    orders = [await create_order(user, lines=1) for _ in range(3)]
    await create_order(await create_user())  # someone else's
    first = await gql(HISTORY, {"first": 2}, **auth_headers(user))
    page = first["data"]["myOrders"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    numbers = [edge["node"]["number"] for edge in page["edges"]]
    assert numbers == [orders[2].number, orders[1].number]
    rest = await gql(
        HISTORY, {"first": 2, "after": page["pageInfo"]["endCursor"]}, **auth_headers(user)
    )
    assert [e["node"]["number"] for e in rest["data"]["myOrders"]["edges"]] == [orders[0].number]
    too_many = await gql(HISTORY, {"first": 101}, **auth_headers(user))
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_history_costs_the_same_queries_for_5_and_20_orders(
    gql: Any, count_queries: Any
) -> None:
    user = await create_user()
    for _ in range(20):
        await create_order(user, lines=2)
    headers = auth_headers(user)

    async def cost(first: int) -> int:
        with count_queries() as counter:
            body = await gql(HISTORY, {"first": first}, **headers)
        assert "errors" not in body, body
        assert len(body["data"]["myOrders"]["edges"]) == first
        return len(counter.statements)

    small, large = await cost(5), await cost(20)
    assert small == large, f"first:5 cost {small} queries, first:20 cost {large}"
    # user + count + page + lines + variants + products + payments + refunds + events
    assert large <= 10, large


async def test_every_owned_type_is_visible_to_its_owner_and_staff_only(gql: Any) -> None:
    # Given a customer's paid order with a line and a payment
    owner, stranger = await create_user(), await create_user()
    staff = await create_user(permissions=[Permission.MANAGE_ORDERS])
    result = await place(await ready_cart((await create_variant(), 1), user=owner), user=owner)
    order = result.order
    line = await OrderLine.get(order_id=order.id)
    payment = await Payment.get(order_id=order.id)
    ids = {
        "Order": _gid("Order", order.id),
        "OrderLine": _gid("OrderLine", line.id),
        "Payment": _gid("Payment", payment.id),
    }
    by_id = "query($id: ID!) { order(id: $id) { number } }"
    for type_name, gid in ids.items():
        # Then the owner and staff read it, a stranger and a guest get null
        for headers in (auth_headers(owner), auth_headers(staff)):
            node = (await gql(NODE, {"id": gid}, **headers))["data"]["node"]
            assert node is not None and node["__typename"] == type_name
        for headers in (auth_headers(stranger), {}, {"X-Cart-Token": "guess"}):
            assert (await gql(NODE, {"id": gid}, **headers))["data"]["node"] is None
    assert (await gql(by_id, {"id": ids["Order"]}, **auth_headers(stranger)))["data"][
        "order"
    ] is None
    mine = await gql(by_id, {"id": ids["Order"]}, **auth_headers(owner))
    assert mine["data"]["order"] == {"number": order.number}


async def test_staff_search_and_customers_are_forbidden(gql: Any) -> None:
    staff = await create_user(permissions=[Permission.MANAGE_ORDERS])
    buyer = await create_user()
    paid = await create_order(buyer, status="paid")
    unpaid = await create_order(buyer, status="unpaid")
    by_email = await gql(
        STAFF_ORDERS, {"filter": {"email": buyer.email.upper()}}, **auth_headers(staff)
    )
    assert {e["node"]["number"] for e in by_email["data"]["orders"]["edges"]} == {
        paid.number,
        unpaid.number,
    }
    only_unpaid = await gql(
        STAFF_ORDERS, {"filter": {"email": buyer.email, "status": "UNPAID"}}, **auth_headers(staff)
    )
    assert [e["node"]["number"] for e in only_unpaid["data"]["orders"]["edges"]] == [unpaid.number]
    by_number = await gql(STAFF_ORDERS, {"filter": {"number": paid.number}}, **auth_headers(staff))
    assert by_number["data"]["orders"]["totalCount"] == 1
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    later = await gql(
        STAFF_ORDERS,
        {"filter": {"email": buyer.email, "placedFrom": future}},
        **auth_headers(staff),
    )
    assert later["data"]["orders"]["totalCount"] == 0
    earlier = await gql(
        STAFF_ORDERS, {"filter": {"email": buyer.email, "placedTo": future}}, **auth_headers(staff)
    )
    assert earlier["data"]["orders"]["totalCount"] == 2
    denied = await gql(STAFF_ORDERS, {}, **auth_headers(buyer))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    not_yours = await gql(_op("fulfill"), {"id": _gid("Order", paid.id)}, **auth_headers(buyer))
    assert not_yours["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_staff_move_an_order_along_and_illegal_steps_are_errors(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    order = await create_order(await create_user(), status="paid")
    gid = {"id": _gid("Order", order.id)}
    early = await gql(_op("deliver"), gid, **staff)
    assert early["data"]["orderMarkDelivered"]["errors"][0]["code"] == "TRANSITION_NOT_ALLOWED"
    for name, field, status in (
        ("fulfill", "orderFulfill", "FULFILLING"),
        ("ship", "orderMarkShipped", "SHIPPED"),
        ("deliver", "orderMarkDelivered", "DELIVERED"),
    ):
        body = await gql(_op(name), gid, **staff)
        assert body["data"][field]["errors"] == [], body
        assert body["data"][field]["order"]["status"] == status
    events = body["data"]["orderMarkDelivered"]["order"]["events"]
    assert [(e["kind"], e["actor"]) for e in events] == [
        ("fulfilling", "staff"),
        ("shipped", "staff"),
        ("delivered", "staff"),
    ]
    assert events[1]["message"] == "Shipped. DHL 42"
    late = await gql(_op("cancel"), gid, **staff)
    assert late["data"]["orderCancel"]["errors"][0]["code"] == "CANCEL_NOT_ALLOWED"


async def test_a_customer_cancels_their_paid_order_and_gets_the_money_back(gql: Any) -> None:
    owner, stranger = await create_user(), await create_user()
    variant = await create_variant(price="10.00", stock=4)
    order = (await place(await ready_cart((variant, 2), user=owner), user=owner)).order
    gid = {"id": _gid("Order", order.id)}
    theirs = await gql(_op("cancel"), gid, **auth_headers(stranger))
    assert theirs["data"]["orderCancel"]["errors"][0]["code"] == "ORDER_NOT_FOUND"
    body = await gql(_op("cancel"), gid, **auth_headers(owner))
    result = body["data"]["orderCancel"]
    assert result["errors"] == []
    assert result["order"]["status"] == "CANCELLED" and not result["order"]["canCancel"]
    assert result["order"]["totals"]["refundedTotal"]["amount"] == "24.95"
    assert result["order"]["events"][-1]["actor"] == "customer"
    assert (await Variant.get(id=variant.id)).stock == 4


async def test_staff_refund_part_then_too_much(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    owner = await create_user()
    order = (
        await place(
            await ready_cart((await create_variant(price="20.00"), 1), user=owner), user=owner
        )
    ).order
    gid = _gid("Order", order.id)
    part = await gql(REFUND, {"id": gid, "amount": "5.50"}, **staff)
    assert part["data"]["orderRefund"] == {
        "order": {"status": "PARTIALLY_REFUNDED", "totals": {"refundedTotal": {"amount": "5.50"}}},
        "errors": [],
    }
    over = await gql(REFUND, {"id": gid, "amount": "19.46"}, **staff)
    assert over["data"]["orderRefund"]["errors"] == [
        {
            "field": "amount",
            "code": "REFUND_EXCEEDS_CAPTURED",
            "message": "At most 19.45 can still be refunded.",
        }
    ]
    denied = await gql(REFUND, {"id": gid, "amount": "1"}, **auth_headers(owner))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    history = await gql(HISTORY, {"first": 1}, **auth_headers(owner))
    payment = history["data"]["myOrders"]["edges"][0]["node"]["payments"][0]
    assert payment == {
        "id": payment["id"],
        "status": "PARTIALLY_REFUNDED",
        "refunds": [{"amount": {"amount": "5.50"}}],
    }


async def test_coupon_create_is_for_staff(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    category = await create_category()
    code = unique("spring").replace("-", "")
    variables = {
        "input": {
            "code": code,
            "kind": "PERCENTAGE",
            "value": "15",
            "maxUses": 100,
            "categoryIds": [_gid("Category", category.id)],
        }
    }
    body = await gql(COUPON_CREATE, variables, **staff)
    assert body["data"]["couponCreate"] == {
        "coupon": {
            "code": code.upper(),
            "kind": "PERCENTAGE",
            "value": "15.00",
            "maxUses": 100,
            "categoryIds": [_gid("Category", category.id)],
        },
        "errors": [],
    }
    assert await Coupon.filter(code=code.upper()).exists()
    again = await gql(COUPON_CREATE, variables, **staff)
    assert again["data"]["couponCreate"]["errors"][0]["code"] == "COUPON_CODE_TAKEN"
    bad = await gql(
        COUPON_CREATE,
        {"input": {"code": unique("x").replace("-", ""), "kind": "PERCENTAGE", "value": "150"}},
        **staff,
    )
    assert bad["data"]["couponCreate"]["errors"][0] == {
        "field": "value",
        "code": "COUPON_INVALID",
        "message": "A percentage is above 0 and at most 100.",
    }
    customer = await gql(COUPON_CREATE, variables, **auth_headers(await create_user()))
    assert customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_coupon_windows_need_an_offset_and_amounts_a_currency(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    window = "coupon { code currency startsAt endsAt }"
    create = COUPON_CREATE.replace("coupon { code kind value maxUses categoryIds }", window)

    def _input(**extra: Any) -> dict[str, Any]:
        code = unique("win").replace("-", "")
        return {"input": {"code": code, "kind": "FIXED_AMOUNT", "value": "5", **extra}}

    # A time without an offset is read as UTC (the DateTime rule), so it compares at checkout
    naive = await gql(create, _input(startsAt="2030-01-01T09:00:00"), **staff)
    assert naive["data"]["couponCreate"]["errors"] == [], naive
    assert naive["data"]["couponCreate"]["coupon"]["startsAt"] == "2030-01-01T09:00:00+00:00"

    # An offset is converted to UTC; the amount is in the given currency
    aware = await gql(create, _input(startsAt="2030-01-01T10:00:00+01:00", currency="gbp"), **staff)
    coupon = aware["data"]["couponCreate"]["coupon"]
    assert aware["data"]["couponCreate"]["errors"] == []
    assert coupon["currency"] == "GBP"
    assert coupon["startsAt"] == "2030-01-01T09:00:00+00:00"


async def test_a_coupon_created_without_an_offset_applies_at_checkout(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    code = unique("naive").replace("-", "")
    window = {"startsAt": "2020-01-01T00:00:00", "endsAt": "2999-01-01T00:00:00"}
    created = await gql(
        COUPON_CREATE,
        {"input": {"code": code, "kind": "PERCENTAGE", "value": "10", **window}},
        **staff,
    )
    assert created["data"]["couponCreate"]["errors"] == [], created
    me = auth_headers(await create_user())
    variant = _gid("Variant", (await create_variant(price="20.00")).id)
    add = "mutation($v: ID!) { cartAddLine(variantId: $v, quantity: 1) { errors { code } } }"
    assert (await gql(add, {"v": variant}, **me))["data"]["cartAddLine"]["errors"] == []

    apply = """mutation($c: String!) { checkoutApplyCoupon(code: $c) {
      cart { totals { discountTotal { amount } } problems { code } } errors { code } } }"""
    body = await gql(apply, {"c": code}, **me)

    assert "errors" not in body, body
    assert body["data"]["checkoutApplyCoupon"] == {
        "cart": {"totals": {"discountTotal": {"amount": "2.00"}}, "problems": []},
        "errors": [],
    }

"""The membership API: `me.membership` (tier, progress, balances, expiring points, ledger
connection) for its owner only, public ladder and rules, staff adjustments with typed errors."""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal
from typing import Any

import pytest

from models.accounts import Permission
from models.membership import MemberAccount, RuleKind
from services.membership import admin
from tests.factories import auth_headers, create_user

pytestmark = pytest.mark.usefixtures("app")

ME = """
query Me($first: Int) {
  me {
    membership {
      tier { code name discountPercent }
      nextTier { tier { code } spendNeeded }
      qualifyingSpend
      balances { available pending owed spendable }
      expiring { points expiresAt }
      ledger(first: $first) {
        totalCount
        edges { node { id kind points reason } }
        pageInfo { hasNextPage }
      }
    }
  }
}
"""
USER_MEMBERSHIP = """
query Other($id: ID!) {
  node(id: $id) { ... on User { email membership { balances { available } } } }
}
"""
ENTRY = "query Entry($id: ID!) { node(id: $id) { ... on PointsEntry { points } } }"
PUBLIC = """
{ membershipTiers { code rank threshold freeDeliveryFrom aftersalesPriority }
  earningRules { kind name pointsPerUnit points } }
"""
ADJUST = """
mutation Adjust($input: PointsAdjustmentInput!) {
  membershipAdjustPoints(input: $input) { available errors { field code message } }
}
"""


def _ours(statements: list[str]) -> list[str]:
    """The request's statements, without those of the event workers running meanwhile."""
    return [s for s in statements if "event_consumer" not in s and "domain_event" not in s]


def _gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def _with_points(user_id: int, *lots: int) -> None:
    for points in lots:
        await admin.adjust(user_id=user_id, points=points, reason="test", key=uuid.uuid4().hex)


async def test_me_membership_shows_tier_progress_balances_and_a_ledger_page(
    gql: Any, ladder, count_queries: Any
) -> None:
    user = await create_user()
    await MemberAccount.create(user_id=user.id, tier_id=ladder["silver"].id)
    await _with_points(user.id, 100, 50, 25)

    with count_queries() as counter:
        body = await gql(ME, {"first": 2}, **auth_headers(user))

    assert "errors" not in body, body
    found = body["data"]["me"]["membership"]
    assert found["tier"] == {"code": "silver", "name": "Silver", "discountPercent": "5.00"}
    assert found["nextTier"] == {"tier": {"code": "gold"}, "spendNeeded": "500.00"}
    assert found["balances"] == {"available": 175, "pending": 0, "owed": 0, "spendable": 175}
    assert sorted(e["points"] for e in found["expiring"]) == [25, 50, 100]
    ledger = found["ledger"]
    assert ledger["totalCount"] == 3 and ledger["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["points"] for e in ledger["edges"]] == [25, 50]

    # A member with ten times the lots and a page ten times longer costs the same queries
    busy = await create_user()
    await MemberAccount.create(user_id=busy.id, tier_id=ladder["gold"].id)
    await _with_points(busy.id, *range(1, 31))
    with count_queries() as busy_counter:
        busy_body = await gql(ME, {"first": 20}, **auth_headers(busy))
    assert len(busy_body["data"]["me"]["membership"]["ledger"]["edges"]) == 20
    cost, busy_cost = _ours(counter.statements), _ours(busy_counter.statements)
    assert len(busy_cost) == len(cost) <= 9, cost


async def test_another_customers_points_are_null_through_every_id(gql: Any) -> None:
    owner, other = await create_user(), await create_user()
    await _with_points(owner.id, 10)
    staff = await create_user(permissions=[Permission.MANAGE_ORDERS])
    # Reading a User needs MANAGE_ORDERS (accounts); its membership needs MANAGE_MEMBERSHIP too
    member_staff = await create_user(
        permissions=[Permission.MANAGE_ORDERS, Permission.MANAGE_MEMBERSHIP]
    )
    entry = _gid("PointsEntry", (await owner.points_entries.all().first()).id)  # type: ignore[union-attr]

    assert (await gql(ENTRY, {"id": entry}, **auth_headers(other)))["data"]["node"] is None
    assert (await gql(ENTRY, {"id": entry}, **auth_headers(owner)))["data"]["node"] == {
        "points": 10
    }
    seen_by_orders_staff = await gql(
        USER_MEMBERSHIP, {"id": _gid("User", owner.id)}, **auth_headers(staff)
    )
    assert seen_by_orders_staff["data"]["node"]["membership"] is None, seen_by_orders_staff
    seen_by_member_staff = await gql(
        USER_MEMBERSHIP, {"id": _gid("User", owner.id)}, **auth_headers(member_staff)
    )
    assert seen_by_member_staff["data"]["node"]["membership"] == {"balances": {"available": 10}}


async def test_the_ladder_and_earning_rules_are_public(gql: Any, ladder, rule) -> None:
    await rule(points_per_unit=Decimal(2), name="Double points")
    body = await gql(PUBLIC)
    assert [t["code"] for t in body["data"]["membershipTiers"]] == ["member", "silver", "gold"]
    assert body["data"]["membershipTiers"][2]["aftersalesPriority"] == 2
    kinds = {(r["kind"], r["name"]) for r in body["data"]["earningRules"]}
    assert (RuleKind.PURCHASE.name, "Double points") in kinds


async def test_staff_adjustments_need_the_permission_and_a_reason(gql: Any) -> None:
    member = await create_user()
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_MEMBERSHIP]))
    other_staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))
    given = {"userId": _gid("User", member.id), "points": 40, "reason": "Late parcel"}

    refused = await gql(ADJUST, {"input": given}, **other_staff)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    missing = await gql(ADJUST, {"input": {**given, "reason": " "}}, **staff)
    assert missing["data"]["membershipAdjustPoints"]["errors"][0]["code"] == "REASON_REQUIRED"
    key = uuid.uuid4().hex
    done = await gql(ADJUST, {"input": {**given, "idempotencyKey": key}}, **staff)
    assert done["data"]["membershipAdjustPoints"] == {"available": 40, "errors": []}
    again = await gql(ADJUST, {"input": {**given, "idempotencyKey": key}}, **staff)
    assert again["data"]["membershipAdjustPoints"]["available"] == 40
    short = await gql(ADJUST, {"input": {**given, "points": -41}}, **staff)
    assert short["data"]["membershipAdjustPoints"]["errors"][0]["code"] == "INSUFFICIENT_POINTS"
    wrong_id = await gql(ADJUST, {"input": {**given, "userId": _gid("Product", 1)}}, **staff)
    assert wrong_id["data"]["membershipAdjustPoints"]["errors"][0]["code"] == "INVALID_ID"


LIABILITY = (
    "{ membershipLiability { outstanding pending owed value currency expiring { month points } } }"
)


async def test_the_liability_report_is_for_membership_staff(gql: Any) -> None:
    customer = await create_user()
    refused = await gql(LIABILITY, **auth_headers(customer))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_MEMBERSHIP]))
    before = (await gql(LIABILITY, **staff))["data"]["membershipLiability"]
    await _with_points(customer.id, 300)
    after = (await gql(LIABILITY, **staff))["data"]["membershipLiability"]
    assert after["outstanding"] - before["outstanding"] == 300
    assert Decimal(after["value"]) - Decimal(before["value"]) == Decimal("3.00")
    assert after["currency"] == "EUR" and after["expiring"]

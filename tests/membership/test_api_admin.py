"""Staff membership operations over GraphQL: earning rules and tiers, typed errors, and a
rule change that leaves points already earned alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.accounts import Permission
from models.membership import EarningRule, PointsLot
from services import clock
from services.membership import Extent, PaidLine, reverse_order
from tests.factories import auth_headers, create_user
from tests.membership.conftest import earn, order_id

pytestmark = pytest.mark.usefixtures("app")

CREATE_RULE = """
mutation Rule($input: EarningRuleInput!) {
  membershipCreateEarningRule(input: $input) {
    rule { id kind pointsPerUnit tierMultipliers { tierCode multiplier } }
    errors { field code }
  }
}
"""
SAVE_TIER = """
mutation Tier($input: TierInput!) {
  membershipSaveTier(input: $input) { tier { code rank discountPercent } errors { field code } }
}
"""


async def _staff() -> dict[str, str]:
    return auth_headers(await create_user(permissions=[Permission.MANAGE_MEMBERSHIP]))


async def test_staff_create_a_dated_rule_and_points_earned_before_keep_their_rule(
    gql: Any, terms, ladder
) -> None:
    await terms(pending_days=0)
    staff = await _staff()
    start = clock.now() - timedelta(seconds=1)
    first = await gql(CREATE_RULE, {"input": {
        "kind": "PURCHASE", "name": "Launch", "startsAt": start.isoformat(),
        "pointsPerUnit": "1", "reason": "launch",
    }})  # fmt: skip
    assert first["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    made = await gql(CREATE_RULE, {"input": {
        "kind": "PURCHASE", "name": "Launch", "startsAt": start.isoformat(),
        "pointsPerUnit": "1", "reason": "launch",
        "tierMultipliers": [{"tierCode": "gold", "multiplier": "3"}],
    }}, **staff)  # fmt: skip
    rule = made["data"]["membershipCreateEarningRule"]
    assert rule["errors"] == [] and rule["rule"]["tierMultipliers"] == [
        {"tierCode": "gold", "multiplier": "3"}
    ]
    user = await create_user()
    order = order_id()
    await earn(user.id, PaidLine(1, 2, Decimal("50.00")), order=order)

    # A richer rule from now on
    later = await gql(CREATE_RULE, {"input": {
        "kind": "PURCHASE", "name": "Double", "startsAt": clock.now().isoformat(),
        "pointsPerUnit": "2", "reason": "promotion",
    }}, **staff)  # fmt: skip
    assert later["data"]["membershipCreateEarningRule"]["errors"] == []

    # The old order's lot still says 50, and a return of one unit takes back 25, not 50
    lot = await PointsLot.get(order_id=order)
    assert lot.points == 50
    result = await reverse_order(
        user_id=user.id, order_id=order, extent=Extent(returned={1: 1}), key="one"
    )
    assert result.reversed == 25
    await EarningRule.filter(name__in=["Launch", "Double"]).update(is_active=False)


async def test_rule_and_tier_input_errors_are_typed(gql: Any, ladder) -> None:
    staff = await _staff()
    backwards = await gql(CREATE_RULE, {"input": {
        "kind": "SIGNUP", "name": "x", "startsAt": "2030-01-02T00:00:00+00:00",
        "endsAt": "2030-01-01T00:00:00+00:00", "points": 5, "reason": "r",
    }}, **staff)  # fmt: skip
    assert backwards["data"]["membershipCreateEarningRule"]["errors"] == [
        {"field": "endsAt", "code": "RULE_INVALID"}
    ]
    no_reason = await gql(CREATE_RULE, {"input": {
        "kind": "SIGNUP", "name": "x", "startsAt": clock.now().isoformat(), "reason": "",
    }}, **staff)  # fmt: skip
    assert no_reason["data"]["membershipCreateEarningRule"]["errors"][0]["code"] == (
        "REASON_REQUIRED"
    )
    clash = await gql(SAVE_TIER, {"input": {
        "code": "platinum", "name": "Platinum", "rank": 2, "threshold": "1000", "reason": "r",
    }}, **staff)  # fmt: skip
    assert clash["data"]["membershipSaveTier"]["errors"] == [
        {"field": "rank", "code": "TIER_INVALID"}
    ]
    saved = await gql(SAVE_TIER, {"input": {
        "code": "platinum", "name": "Platinum", "rank": 3, "threshold": "1000",
        "discountPercent": "12.5", "reason": "new top tier",
    }}, **staff)  # fmt: skip
    assert saved["data"]["membershipSaveTier"] == {
        "tier": {"code": "platinum", "rank": 3, "discountPercent": "12.50"},
        "errors": [],
    }
